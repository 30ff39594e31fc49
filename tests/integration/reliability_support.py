# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pieces shared by the reliability tests (concurrency, crashes, hostile input, secrets, TLS).

Provides (no fixtures; the private servers are mariadb_server.ScratchServer and the conftest
fixture ``scratch_server``):
  record_figures(name, **figures)    each test writes what it tried (runs, rows, crashes, inputs) to
                                     tests/output/reliability/NAME.json; ``tests/reliability_report.py``
                                     turns those files into the figures section of docs/reliability.md
  open_transactions, wait_for_writes, wait_until_no_transaction, module_processes
                                     watching a module at work (InnoDB transactions, AnsiballZ PIDs)
  data_file_vars(path, data)         hands generated values to a playbook through a JSON file, so that
                                     Ansible never templates them (a value holding ``{{`` stays a value)
  duplicate_rows(conn)               rows the guide's schemas could hold twice
"""

import json
import os
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
REPORT_DIR = os.path.join(REPO_ROOT, 'tests', 'output', 'reliability')


# -- figures for docs/reliability.md ---------------------------------------------------------------
def record_figures(name, **figures):
    """Write (replace) tests/output/reliability/NAME.json with the figures of one test."""
    os.makedirs(REPORT_DIR, exist_ok=True)
    path = os.path.join(REPORT_DIR, '%s.json' % name)
    data = {'test': name, 'finished': time.strftime('%Y-%m-%dT%H:%M:%S%z'), 'figures': figures}
    tmp = path + '.%d.tmp' % os.getpid()
    with open(tmp, 'w', encoding='utf-8') as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
    os.replace(tmp, path)


# -- watching a module at work ---------------------------------------------------------------------
def open_transactions(conn):
    """[(rows modified, thread id), ...] of the InnoDB transactions open right now."""
    with conn.cursor() as cur:
        cur.execute('SELECT trx_rows_modified, trx_mysql_thread_id FROM information_schema.INNODB_TRX')
        return [(int(rows), int(thread)) for rows, thread in cur.fetchall()]


def wait_for_writes(conn, at_least, timeout=120, process=None):
    """Poll until an open transaction has modified at least `at_least` rows; return that count.

    Raises AssertionError when `process` (the playbook) ends first or the time runs out.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for rows, dummy in open_transactions(conn):
            if rows >= at_least:
                return rows
        if process is not None and process.poll() is not None:
            raise AssertionError('the playbook ended before %d rows were written' % at_least)
        # InnoDB refreshes INNODB_TRX only when nobody read it for 100 ms.
        time.sleep(0.15)
    raise AssertionError('no transaction wrote %d rows within %s s' % (at_least, timeout))


def wait_until_no_transaction(conn, timeout=120):
    deadline = time.monotonic() + timeout
    while open_transactions(conn):
        if time.monotonic() > deadline:
            raise AssertionError('a transaction is still open after %s s' % timeout)
        time.sleep(0.15)


def module_processes(module_name):
    """PIDs of the running AnsiballZ wrappers of `module_name` (the module's own Python process)."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % entry, 'rb') as handle:
                argv = handle.read().split(b'\0')
        except OSError:
            continue
        if any(arg.endswith(('AnsiballZ_%s.py' % module_name).encode()) for arg in argv) \
                and not argv[0].endswith(b'sh'):
            found.append(int(entry))
    return found


# -- values that Ansible must not template ---------------------------------------------------------
def data_file_vars(path, data, name='batch'):
    """Write `data` as JSON to `path`; return a set_fact task that loads it as the variable `name`.

    A file lookup's result is not trusted as a template in ansible-core 2.19, so values such as
    ``{{ x }}`` or ``{% raw %}`` reach the module as they are.
    """
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(data, handle)
    return {'name': 'load %s' % name,
            'ansible.builtin.set_fact': {name: "{{ lookup('ansible.builtin.file', %s) | from_json }}"
                                         % json.dumps(str(path))}}


def duplicate_rows(conn):
    """Rows the guide's schemas could hold twice: [(table, key, count), ...]; empty when none."""
    queries = (
        ('virtual_domains', 'SELECT LOWER(name), COUNT(*) FROM virtual_domains GROUP BY LOWER(name) '
                            'HAVING COUNT(*) > 1'),
        ('virtual_users', 'SELECT LOWER(email), COUNT(*) FROM virtual_users GROUP BY LOWER(email) '
                          'HAVING COUNT(*) > 1'),
        ('virtual_aliases', "SELECT CONCAT(LOWER(source), ' -> ', LOWER(destination)), COUNT(*) FROM virtual_aliases "
                            'GROUP BY LOWER(source), LOWER(destination) HAVING COUNT(*) > 1'),
    )
    found = []
    with conn.cursor() as cur:
        for table, sql in queries:
            cur.execute(sql)
            found.extend((table, key, count) for key, count in cur.fetchall())
    return found
