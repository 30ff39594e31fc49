# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pieces shared by the reliability tests (concurrency, crashes, hostile input, secrets, TLS).

* :class:`ScratchServer`: a private mariadbd that a test may kill, restart or start with extra
  options (TLS). Unlike the session server it commits durably (innodb_flush_log_at_trx_commit=1,
  MariaDB's default), so a crash test measures MariaDB as a real server runs it.
* :func:`record_figures`: each test writes what it tried (runs, rows, crashes, inputs) to
  tests/output/reliability/NAME.json; ``tests/reliability_report.py`` turns those files into the
  figures section of docs/reliability.md.
* :func:`data_file_vars`: hands generated values to a playbook through a JSON file, so that
  Ansible never templates them (a value holding ``{{`` stays a value).
"""

import json
import os
import signal
import sys
import time

import pytest

from mariadb_server import LOOKUP_PASSWORD, LOOKUP_USER, MariaDBServer, _binary
from postfix_lookup import PostfixLookups

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
REPORT_DIR = os.path.join(REPO_ROOT, 'tests', 'output', 'reliability')


# -- the working tree's module_utils, importable as the collection names them --------------------------
def collection_importable():
    """Make ``ansible_collections.ispmail.mailserver`` the working tree (as tests/unit/conftest.py does)."""
    tree = os.path.join(REPO_ROOT, '.cache', 'unit-collections')
    link = os.path.join(tree, 'ansible_collections', 'ispmail', 'mailserver')
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        try:
            os.symlink(REPO_ROOT, link)
        except FileExistsError:
            pass
    if tree not in sys.path:
        sys.path.insert(0, tree)
        if 'ansible_collections' in sys.modules:
            sys.modules['ansible_collections'].__path__.insert(0, os.path.join(tree, 'ansible_collections'))


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


# -- a server the test owns -------------------------------------------------------------------------
class ScratchServer(MariaDBServer):
    """A throwaway mariadbd like the session's, with durable commits, extra options and restarts."""

    def __init__(self, base_dir, extra_args=()):
        super().__init__(base_dir)
        self.extra_args = list(extra_args)
        self.crashes = 0

    def _launch(self, timeout):
        cmd = [
            _binary('mariadbd', 'mysqld'), '--no-defaults', '--user=root',
            '--datadir=%s' % self.datadir, '--socket=%s' % self.socket,
            '--port=%d' % self.port, '--bind-address=127.0.0.1',
            '--pid-file=%s' % os.path.join(self.base_dir, 'mariadbd.pid'),
            '--log-error=%s' % self.log_file, '--skip-name-resolve',
            '--character-set-server=utf8mb4', '--collation-server=utf8mb4_general_ci',
            '--innodb-buffer-pool-size=64M', '--innodb-log-file-size=16M', '--skip-log-bin',
            # Durable, as a real server: a commit is in the redo log on disk when it returns.
            '--innodb-flush-log-at-trx-commit=1',
        ] + (['--tmpdir=%s' % self.tmpdir] if getattr(self, 'tmpdir', None) else []) + self.extra_args
        self._run_until_up(cmd, timeout)

    def crash(self):
        """SIGKILL mariadbd: no shutdown, no flush; InnoDB recovers from its redo log on restart."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None
        self.crashes += 1

    def restart(self, timeout=120):
        self._launch(timeout)

    def lookups(self, directory, database):
        return PostfixLookups(directory, self.host, self.port, LOOKUP_USER, LOOKUP_PASSWORD, database)


@pytest.fixture
def scratch_server(tmp_path):
    """A factory for private servers: scratch_server(extra_args=[...]); all stopped afterwards."""
    servers = []

    def start(extra_args=()):
        server = ScratchServer(tmp_path / ('mariadb%d' % len(servers)), extra_args)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


def admin_defaults(server, database, **extra):
    from mariadb_server import ADMIN_PASSWORD, ADMIN_USER  # pylint: disable=import-outside-toplevel
    defaults = {'login_unix_socket': server.socket, 'login_user': ADMIN_USER,
                'login_password': ADMIN_PASSWORD, 'login_db': database}
    defaults.update(extra)
    return defaults


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
