# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Account lifecycle against a real Dovecot: ispmail_user's rename_from (rows, Maildirs, aliases,
IMAP sessions) and ispmail_info's quota_usage.

Fixtures of this file:
  dovecot   a DovecotServer (dovecot_server.py) reading ``db`` through the lookup account, with
            its mail root; function scope
  seeded    ``db`` with example.org, old@example.org (password PASSWORD, 1 MiB quota) holding
            two messages, and aliases pointing at old@
"""

import imaplib
import os
import sys
import threading

import pytest

from tests.integration import dovecot_pw
from tests.integration.dovecot_server import DovecotServer
from tests.integration.helpers import assert_clean_failure, assert_ok, diff_of, task, user

PASSWORD = 'Rename-Secret-1'
OLD, NEW = 'old@example.org', 'new@example.org'


@pytest.fixture
def dovecot(mariadb, db):
    server = DovecotServer(mariadb, db.name)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def seeded(db, dovecot):
    db.add_domain('example.org')
    db.add_domain('example.net')
    db.add_user(OLD, dovecot_pw.make_hash('BLF-CRYPT', PASSWORD), quota=1024 * 1024)
    db.add_alias('sales@example.org', OLD)
    db.add_alias('team@example.org', OLD)
    db.add_alias('team@example.org', NEW)
    for subject in ('first', 'second'):
        assert dovecot.deliver(OLD, subject), dovecot.last_error + dovecot.log_tail()
    return db


def _rename(dovecot, name='rename', **extra):
    args = dict(email=NEW, rename_from=OLD, mail_root=dovecot.mail_root, dovecot_config=dovecot.config)
    args.update(extra)
    return user(task_name=name, **args)


def _ok(run, name, changed):
    record = run.task(name)
    assert_ok(run, record, changed)
    return record


def _old_and_new_dirs(dovecot):
    return (os.path.isdir(os.path.join(dovecot.mail_root, 'example.org', 'old')),
            os.path.isdir(os.path.join(dovecot.mail_root, 'example.org', 'new')))


def test_rename_keeps_password_mail_and_aliases(seeded, dovecot, run_tasks, postmap_q):
    session = dovecot.imap_login(OLD, PASSWORD)
    hash_before = seeded.user(OLD)['password']
    out = _ok(run_tasks([_rename(dovecot)]), 'rename', True)
    assert out['sessions_ended'] == [OLD]
    assert out['mail_moved'] == [{'from': os.path.join(dovecot.mail_root, 'example.org', 'old'),
                                  'to': os.path.join(dovecot.mail_root, 'example.org', 'new')}]
    assert seeded.user(OLD) is None
    assert seeded.user(NEW)['password'] == hash_before
    assert seeded.user(NEW)['quota'] == 1024 * 1024
    assert _old_and_new_dirs(dovecot) == (False, True)
    # The old session was ended; the user logs in under the new address with the same password.
    with pytest.raises((imaplib.IMAP4.abort, OSError)):
        session.noop()
    dovecot.imap_login(NEW, PASSWORD).logout()
    assert dovecot.subjects(NEW) == ['first', 'second']
    # Aliases follow: sales -> new; team had both, so it keeps one row for new.
    assert seeded.destinations('sales@example.org') == [NEW]
    assert seeded.destinations('team@example.org') == [NEW]
    assert postmap_q('sales@example.org', 'aliases') == NEW
    assert postmap_q(NEW, 'mailboxes') is not None and postmap_q(OLD, 'mailboxes') is None
    again = _ok(run_tasks([_rename(dovecot)]), 'rename', False)
    assert again['mail_moved'] == [] and again['sessions_ended'] == []


def test_rename_check_mode_and_diff_change_nothing(seeded, dovecot, run_tasks):
    before = seeded.snapshot()
    out = _ok(run_tasks([_rename(dovecot)], check=True, diff=True), 'rename', True)
    diff_before, diff_after = diff_of(out)
    assert diff_before['email'] == OLD and diff_after['email'] == NEW
    assert diff_before['mail_dir'].endswith('/example.org/old')
    assert diff_after['mail_dir'].endswith('/example.org/new')
    assert out['mail_moved'] and out['sessions_ended'] == []
    assert seeded.snapshot() == before
    assert _old_and_new_dirs(dovecot) == (True, False)


def test_rename_conflict_and_missing_domain_change_nothing(seeded, dovecot, run_tasks):
    seeded.add_user(NEW, dovecot_pw.make_hash('BLF-CRYPT', 'Other-Secret-2'))
    before = seeded.snapshot()
    run = run_tasks([_rename(dovecot)])
    assert_clean_failure(run, run.task('rename'), 'both exist', OLD, NEW)
    assert seeded.snapshot() == before
    run = run_tasks([_rename(dovecot, email='old@missing.example')])
    assert_clean_failure(run, run.task('rename'), "domain 'missing.example'")
    assert seeded.snapshot() == before
    assert _old_and_new_dirs(dovecot) == (True, False)


def test_rename_in_the_list_form_and_across_domains(seeded, dovecot, run_tasks):
    users = [{'email': 'moved@example.net', 'rename_from': OLD}, {'email': OLD}]

    def rename_task():
        return user(task_name='list', users=users, mail_root=dovecot.mail_root, dovecot_config=dovecot.config,
                    password=PASSWORD)
    # Renaming an address and listing it again is refused before anything is written.
    run = run_tasks([rename_task()])
    assert_clean_failure(run, run.task('list'), 'list it once')
    users.pop()
    out = _ok(run_tasks([rename_task()]), 'list', True)
    assert out['outcomes'] == {'moved@example.net': 'updated'}
    assert seeded.user('moved@example.net')['domain'] == 'example.net'
    assert dovecot.subjects('moved@example.net') == ['first', 'second']
    assert os.path.isdir(os.path.join(dovecot.mail_root, 'example.net', 'moved'))


def test_rename_merges_mail_that_arrived_for_the_new_address(seeded, dovecot, run_tasks):
    """The commit comes first, so mail for the new address may be filed before the move."""
    stop = threading.Event()
    delivered = []

    def deliver_to_new():
        count = 0
        while not stop.is_set():
            if dovecot.deliver(NEW, 'during-%03d' % count):
                delivered.append('during-%03d' % count)
                count += 1
    worker = threading.Thread(target=deliver_to_new)
    worker.start()
    try:
        out = _ok(run_tasks([_rename(dovecot)]), 'rename', True)
    finally:
        stop.set()
        worker.join()
    assert out['mail_moved']
    assert dovecot.subjects(NEW) == sorted(['first', 'second'] + delivered)
    assert _old_and_new_dirs(dovecot) == (False, True)


def test_rename_merge_when_the_new_directory_exists(seeded, dovecot, run_tasks):
    """Deterministic form of the race: a message already filed under the new path."""
    maildir = os.path.join(dovecot.mail_root, 'example.org', 'new', 'Maildir')
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(maildir, sub))
    message = os.path.join(maildir, 'new', '1700000000.M1P1.test')
    with open(message, 'w') as handle:
        handle.write('From: a@example.net\nSubject: early\n\nfiled before the move\n')
    for path in (os.path.dirname(os.path.dirname(maildir)), os.path.dirname(maildir), maildir, message) + tuple(
            os.path.join(maildir, sub) for sub in ('cur', 'new', 'tmp')):
        os.chown(path, dovecot.owner.pw_uid, dovecot.owner.pw_gid)
    _ok(run_tasks([_rename(dovecot)]), 'rename', True)
    assert dovecot.subjects(NEW) == ['early', 'first', 'second']


def test_quota_usage_and_problems(seeded, dovecot, run_tasks):
    seeded.add_user('tiny@example.org', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD), quota=4096)
    seeded.add_user('free@example.org', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD), quota=0)
    assert dovecot.deliver('tiny@example.org', 'big', 'x' * 3800 + '\n')
    out = _ok(run_tasks([task('ispmail_info', task_name='info', quota_usage=True, dovecot_config=dovecot.config)]),
              'info', False)
    usage = dict((user['email'], user['usage']) for user in out['users'])
    assert usage[OLD]['messages'] == 2 and 0 < usage[OLD]['bytes'] < 8192
    assert usage[OLD]['limit_bytes'] == 1024 * 1024
    assert usage['tiny@example.org']['limit_bytes'] == 4096 and usage['tiny@example.org']['percent'] >= 90
    assert usage['free@example.org'] == {'bytes': 0, 'messages': 0, 'limit_bytes': None,
                                         'limit_messages': None, 'percent': None}
    kinds = [(p['type'], p['subject']) for p in out['problems'] if p['type'].startswith('quota_')]
    assert len(kinds) == 1 and kinds[0][1] == 'tiny@example.org'
    assert out['counts']['problems'] == len(out['problems'])
    # The users list with usage feeds back into ispmail_user unchanged.
    _ok(run_tasks([user(task_name='feed', users=out['users'], update_password='on_create')]), 'feed', False)


def _path_without_doveadm(directory):
    """A PATH holding every program of /usr/bin but doveadm: a host without Dovecot."""
    directory.mkdir()
    for name in os.listdir('/usr/bin'):
        if name != 'doveadm':
            os.symlink(os.path.join('/usr/bin', name), str(directory / name))
    return '%s:%s' % (os.path.dirname(sys.executable), directory)


def test_quota_usage_without_dovecot_fails_clearly(seeded, run_tasks, tmp_path):
    run = run_tasks([task('ispmail_info', task_name='info', quota_usage=True)],
                    extra_env={'PATH': _path_without_doveadm(tmp_path / 'bin')})
    assert_clean_failure(run, run.task('info'), 'doveadm was not found')
    plain = _ok(run_tasks([task('ispmail_info', task_name='info')]), 'info', False)
    assert 'usage' not in plain['users'][0]
