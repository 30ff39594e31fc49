# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Crashes in the middle of a large list run: MariaDB killed (SIGKILL), and the module's own process killed.

A private mariadbd (mariadb_server.ScratchServer, durable commits) is killed while a run of
ispmail_user with 1,000 new users, 100 quota changes and 100 removals (exclusive) is writing. A
trigger that sleeps a little per row holds the write open long enough to kill it at a known point;
the test waits until InnoDB reports the run's transaction has written rows before it kills.

After each crash the database must hold the state from before the run (or, when the run had
committed, the whole new state): compared row by row with a snapshot. A re-run must converge and
report exactly what it changed (and, checked after the first crash and after the commit, the run
after it must change nothing).

Fixtures of this file: crash_server (module scope, a mariadb_server.ScratchServer),
server (function scope, crash_server restarted when a test left it down), ready_hash (module scope),
slow_run (function scope, start(event, seconds, env=None): the big run in the background, slowed by a trigger).
"""

import os
import signal
import threading
import time
import uuid
from types import SimpleNamespace

import pytest

from tests.integration import dovecot_pw
from tests.integration.playbook_runner import Runner
from tests.integration.database import Database
from tests.integration.helpers import TRACEBACK_MARKERS, user
from tests.integration.mariadb_server import ScratchServer
from tests.integration.reliability_support import (module_processes, open_transactions, record_figures, wait_for_writes,
                                                   wait_until_no_transaction)

NEW, KEPT, REMOVED = 1000, 100, 100
DOMAIN = 'big.example'
PASSWORD = 'crash-Test-Password-1'
LIST_SIZE = {'new': NEW, 'updated': KEPT, 'removed': REMOVED}


def crash_figures(name, killed, rows_written, outcome, message=None):
    """One crash survived: tests/output/reliability/crash_NAME.json."""
    record_figures('crash_' + name, killed=killed, crashes_survived=1, rows_written_when_killed=rows_written,
                   outcome=outcome, message=message, list_size=LIST_SIZE)


@pytest.fixture(scope='module')
def crash_server(tmp_path_factory):
    """One private server for the module (each test has its own database); restarted when a test left it down."""
    server = ScratchServer(tmp_path_factory.mktemp('crash-mariadb'))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(crash_server):
    if crash_server.process is None:
        crash_server.restart()
    return crash_server


@pytest.fixture(scope='module')
def ready_hash():
    return dovecot_pw.make_hash('BLF-CRYPT', PASSWORD)


def seed(server):
    db = Database(server, 'bookworm', os.environ.get('PYTEST_XDIST_WORKER', 'gw0'))
    db.add_domain(DOMAIN)
    db.add_domain('other.example')
    domain_id = db.domain_id(DOMAIN)
    rows = [(domain_id, 'old%d@%s' % (k, DOMAIN), '{PLAIN}old', 0) for k in range(KEPT + REMOVED)]
    rows.append((db.domain_id('other.example'), 'keep@other.example', '{PLAIN}keep', 7))
    with db.conn.cursor() as cur:
        cur.executemany('INSERT INTO virtual_users (domain_id, email, password, quota) VALUES (%s, %s, %s, %s)', rows)
    return db


def big_run(ready):
    """The large list task: new users, quota changes, and (exclusive) removal of the unlisted."""
    users = [{'email': 'new%d@%s' % (k, DOMAIN), 'password_hash': ready, 'quota': '1M'} for k in range(NEW)]
    users += [{'email': 'old%d@%s' % (k, DOMAIN), 'quota': '5M'} for k in range(KEPT)]
    return user(task_name='big', users=users, exclusive=True)


def expected_after(ready):
    users = {'new%d@%s' % (k, DOMAIN): (ready, 1 << 20) for k in range(NEW)}
    users.update(('old%d@%s' % (k, DOMAIN), ('{PLAIN}old', 5 << 20)) for k in range(KEPT))
    users['keep@other.example'] = ('{PLAIN}keep', 7)
    return users


def stored(db):
    return dict((email, (row['password'], row['quota'])) for email, row in db.users().items())


class Background:
    """A playbook run in a thread, so that the test can kill something while it runs."""

    def __init__(self, runner, tasks, defaults, env=None):
        self.result = None
        self.thread = threading.Thread(target=self._run, args=(runner, tasks, defaults, env))
        self.thread.start()

    def _run(self, runner, tasks, defaults, env):
        self.result = runner.run(tasks, module_defaults=defaults, extra_env=env)

    def poll(self):
        return None if self.thread.is_alive() else 0

    def join(self):
        self.thread.join(timeout=300)
        assert not self.thread.is_alive(), 'the playbook did not end'
        return self.result


def slow_down(db, event, seconds):
    db.execute("CREATE TRIGGER ispt_slow_%s %s ON virtual_users FOR EACH ROW SET @ispt_slow = SLEEP(%s)"
               % (event.split()[-1].lower(), event, seconds))


@pytest.fixture
def slow_run(server, collections_path, tmp_path, ready_hash):
    """start(event, seconds, env=None): the big run in the background on a fresh database, slowed per row."""
    def start(event, seconds, env=None):
        db = seed(server)
        slow_down(db, event, seconds)
        defaults = server.admin_params(db.name)
        runner = Runner(collections_path, tmp_path / 'runs')
        return SimpleNamespace(db=db, before=db.snapshot(), defaults=defaults, runner=runner,
                               watcher=server.connect(),
                               job=Background(runner, [big_run(ready_hash)], defaults, env=env))
    return start


def reconnect(db, server):
    db.conn = server.connect(db.name)
    return db


def assert_converges(runner, db, defaults, ready, and_again=False):
    """A re-run reaches the wanted state and says what it changed (and the run after it changes nothing)."""
    tasks = [big_run(ready)] + ([dict(big_run(ready), name='again')] if and_again else [])
    run = runner.run(tasks, module_defaults=defaults)
    assert run.rc == 0, run.describe()
    first = run.task('big')
    assert first.changed is True, run.describe()
    assert first['counts'] == {'created': NEW, 'updated': KEPT, 'removed': REMOVED, 'unchanged': 0}
    if and_again:
        again = run.task('again')
        assert again.changed is False
        assert again['counts'] == {'created': 0, 'updated': 0, 'removed': 0, 'unchanged': NEW + KEPT}
    assert stored(db) == expected_after(ready)


def _failed_task(run):
    failed = [task for task in run.tasks if task.failed]
    assert len(failed) == 1, run.describe()
    return failed[0]


def test_mariadb_killed_mid_write(server, slow_run, tmp_path, ready_hash):
    """SIGKILL mariadbd after the inserts and updates, while the removals run: all of it is undone."""
    started = slow_run('BEFORE DELETE', 0.03)
    db, before, defaults, runner, watcher, job = (started.db, started.before, started.defaults, started.runner,
                                                  started.watcher, started.job)
    # Inserts and quota updates are done, some removals too: the transaction holds all three kinds.
    written = wait_for_writes(watcher, NEW + KEPT + 10, process=job)
    server.crash()
    run = job.join()
    failed = _failed_task(run)
    # The message says what happened and that nothing was kept.
    assert 'DELETE failed' in failed.msg and 'nothing was changed' in failed.msg, failed.msg
    assert 'Lost connection' in failed.msg or '2013' in failed.msg, failed.msg
    assert not any(marker in run.text for marker in TRACEBACK_MARKERS), run.describe()

    server.restart()
    reconnect(db, server)
    assert db.snapshot() == before, 'a killed run left part of its writes'
    lookups = server.lookups(tmp_path / 'postfix', db.name)
    assert lookups.is_mailbox('old%d@%s' % (KEPT + REMOVED - 1, DOMAIN))
    assert not lookups.is_mailbox('new0@%s' % DOMAIN)
    db.execute('DROP TRIGGER ispt_slow_delete')
    assert_converges(runner, db, defaults, ready_hash, and_again=True)
    assert lookups.is_mailbox('new%d@%s' % (NEW - 1, DOMAIN))
    assert not lookups.is_mailbox('old%d@%s' % (KEPT + REMOVED - 1, DOMAIN))
    crash_figures('mid_write', 'mariadbd', written, 'rolled back', failed.msg)


def test_mariadb_killed_after_commit(server, collections_path, tmp_path, ready_hash):
    """SIGKILL right after the run reported success: the whole new state survives the crash."""
    db = seed(server)
    defaults = server.admin_params(db.name)
    runner = Runner(collections_path, tmp_path / 'runs')
    run = runner.run([big_run(ready_hash)], module_defaults=defaults)
    assert run.rc == 0, run.describe()
    server.crash()
    server.restart()
    reconnect(db, server)
    assert stored(db) == expected_after(ready_hash), 'a committed run was lost or cut short'
    run = runner.run([big_run(ready_hash)], module_defaults=defaults)
    assert run.rc == 0 and run.task('big').changed is False, run.describe()
    crash_figures('after_commit', 'mariadbd', NEW + KEPT + REMOVED, 'committed')


@pytest.mark.parametrize('delay', [0.4, 1.6])
def test_mariadb_killed_at_any_moment(server, slow_run, ready_hash, delay):
    """Killed at a moment chosen blind (before, during or after the write): old state or whole new state."""
    started = slow_run('BEFORE INSERT', 0.001)
    db, before, defaults, runner, watcher, job = (started.db, started.before, started.defaults, started.runner,
                                                  started.watcher, started.job)
    wait_for_writes(watcher, 1, process=job)
    time.sleep(delay)
    written = max([rows for rows, dummy in open_transactions(watcher)] or [0])
    server.crash()
    run = job.join()
    server.restart()
    reconnect(db, server)
    db.execute('DROP TRIGGER ispt_slow_insert')
    if run.rc == 0:
        assert stored(db) == expected_after(ready_hash)
        outcome, message = 'committed', None
    else:
        failed = _failed_task(run)
        assert 'nothing was changed' in failed.msg or 'cannot connect' in failed.msg, failed.msg
        assert db.snapshot() == before, 'a killed run left part of its writes'
        outcome, message = 'rolled back', failed.msg
        assert_converges(runner, db, defaults, ready_hash)
    crash_figures('blind_%s' % delay, 'mariadbd', written, outcome, message)


def test_module_process_killed_mid_write(slow_run, ready_hash):
    """SIGKILL the module (the AnsiballZ Python process) while it inserts: MariaDB rolls it all back."""
    marker = uuid.uuid4().hex
    started = slow_run('BEFORE INSERT', 0.002, env={'ISPT_CRASH_MARKER': marker})
    db, before, defaults, runner, watcher, job = (started.db, started.before, started.defaults, started.runner,
                                                  started.watcher, started.job)
    written = wait_for_writes(watcher, 200, process=job)
    pids = [pid for pid in module_processes('ispmail_user') if _has_marker(pid, marker)]
    assert len(pids) == 1, pids
    os.kill(pids[0], signal.SIGKILL)
    run = job.join()
    failed = _failed_task(run)
    # Ansible's own words for a module that died: no result, the shell's 'Killed' and 128 + SIGKILL.
    assert 'No start of json char found' in failed.msg or 'MODULE FAILURE' in failed.msg, failed.msg
    assert failed.get('rc') == 128 + signal.SIGKILL and 'Killed' in failed.get('module_stderr', ''), failed.result
    # MariaDB notices the lost client at the end of the statement and rolls the transaction back.
    wait_until_no_transaction(watcher)
    assert db.snapshot() == before, 'a killed module left part of its writes'
    db.execute('DROP TRIGGER ispt_slow_insert')
    assert_converges(runner, db, defaults, ready_hash)
    crash_figures('module_killed', 'module process', written, 'rolled back', '%s (rc %s, stderr %r)' % (
        failed.msg, failed.get('rc'), failed.get('module_stderr').strip()[-60:]))


def _has_marker(pid, marker):
    try:
        with open('/proc/%d/environ' % pid, 'rb') as handle:
            return ('ISPT_CRASH_MARKER=%s' % marker).encode() in handle.read().split(b'\0')
    except OSError:
        return False
