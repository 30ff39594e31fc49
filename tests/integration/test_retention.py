# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deletion with a grace period: mail_retention keeps a removed mailbox's or domain's mail in the
mail root's retention area, restore_mail brings it back when the mailbox is made again, and
ispmail_info lists it; the role's purge script removes what has passed its time. The mail root
is a directory of the test; Molecule proves it with Dovecot and the role's timer."""

import os
import re
import subprocess
import sys
import time

import pytest

from tests.integration.helpers import assert_clean_failure, assert_ok, assert_prediction, diff_of, domain, user

PASSWORD = 'Retained-Secret-1'
PURGE = os.path.join(os.path.dirname(__file__), '..', '..', 'roles', 'server', 'files', 'ispmail-purge-retained.py')
ENTRY = re.compile(r'^\d{8}T\d{6}Z_\d{8}T\d{6}Z$')
# Where only the files of the mail root or the options play a part: MariaDB alone.
FILES_ONLY = pytest.mark.engine_free


def mail(mail_root, address, name='1.mail'):
    local, domain_name = address.split('@')
    cur = mail_root / domain_name / local / 'Maildir' / 'cur'
    cur.mkdir(parents=True, exist_ok=True)
    (cur / name).write_text('Subject: kept\n\nhello\n')
    return cur / name


def test_a_removed_mailbox_is_kept_then_restored_with_its_mail(db, run_tasks, tmp_path):
    mail_root = tmp_path / 'vmail'
    mail(mail_root, 'john@example.org')
    db.add_domain('example.org')
    db.add_user('john@example.org')
    root = {'mail_root': str(mail_root)}
    run = run_tasks([
        user(task_name='check', email='john@example.org', state='absent', remove_mail=True, mail_retention='30d',
             check=True, **root),
        {'name': 'after check', 'ansible.builtin.stat': {'path': str(mail_root / 'example.org/john')}},
        user(task_name='remove', email='john@example.org', state='absent', remove_mail=True, mail_retention='30d',
             **root),
        {'name': 'info', 'ispmail.mailserver.ispmail_info': root},
        user(task_name='check restore', email='john@example.org', password=PASSWORD, restore_mail=True, check=True,
             diff=True, **root),
        {'name': 'after check restore', 'ansible.builtin.stat': {'path': str(mail_root / 'example.org/john')}},
        user(task_name='restore', email='john@example.org', password=PASSWORD, restore_mail=True, diff=True, **root),
        user(task_name='again', email='john@example.org', password=PASSWORD, restore_mail=True, **root),
        {'name': 'info after', 'ispmail.mailserver.ispmail_info': root},
    ])
    check, remove = run.task('check'), run.task('remove')
    assert_ok(run, remove, True)
    assert_prediction(check, remove, ('mail_removed',))
    predicted, = check['mail_retained']  # made a second earlier: the times may differ
    kept, = remove['mail_retained']
    assert (predicted['from'], os.path.dirname(predicted['to'])) == (kept['from'], os.path.dirname(kept['to']))
    assert run.task('after check')['stat']['exists'] is True, 'check mode moved the mail'
    assert kept['address'] == 'john@example.org' and kept['from'] == str(mail_root / 'example.org/john')
    assert os.path.dirname(kept['to']) == str(mail_root / '.retained' / 'john@example.org')
    assert ENTRY.match(os.path.basename(kept['to']))
    assert remove['mail_removed'] == []
    listed, = run.task('info')['retained_mail']
    assert listed['address'] == 'john@example.org' and listed['path'] == kept['to']
    assert listed['purge_after'] == kept['purge_after']
    deleted = time.mktime(time.strptime(listed['deleted_at'], '%Y-%m-%dT%H:%M:%SZ'))
    purge = time.mktime(time.strptime(listed['purge_after'], '%Y-%m-%dT%H:%M:%SZ'))
    assert purge - deleted == 30 * 86400
    assert oct(os.stat(mail_root / '.retained').st_mode & 0o777) == '0o700'
    check_restore, restore = run.task('check restore'), run.task('restore')
    assert run.task('after check restore')['stat']['exists'] is False, 'check mode restored the mail'
    assert_ok(run, restore, True)
    assert_prediction(check_restore, restore, ('mail_restored',))
    assert diff_of(restore)[1]['mail_restored_from'] == kept['to']
    restored, = restore['mail_restored']
    assert restored == {'address': 'john@example.org', 'from': kept['to'], 'to': str(mail_root / 'example.org/john')}
    assert (mail_root / 'example.org/john/Maildir/cur/1.mail').read_text().startswith('Subject: kept')
    assert not (mail_root / '.retained' / 'john@example.org').exists()
    assert_ok(run, run.task('again'), False)
    assert run.task('again')['mail_restored'] == []
    assert run.task('info after')['retained_mail'] == []


def test_a_removed_domain_is_kept_and_a_mailbox_of_it_restored(db, run_tasks, tmp_path):
    mail_root = tmp_path / 'vmail'
    mail(mail_root, 'ann@old.example')
    mail(mail_root, 'bob@old.example')
    db.add_domain('old.example')
    db.add_user('ann@old.example')
    root = {'mail_root': str(mail_root)}
    run = run_tasks([
        domain(task_name='remove', name='old.example', state='absent', force=True, remove_mail=True,
               mail_retention='2w', **root),
        domain(task_name='back', name='old.example'),
        user(task_name='restore', email='bob@old.example', password=PASSWORD, restore_mail=True, **root),
        {'name': 'info', 'ispmail.mailserver.ispmail_info': dict(root, domains=['old.example'])},
    ])
    kept, = run.task('remove')['mail_retained']
    assert kept['address'] == 'old.example' and kept['from'] == str(mail_root / 'old.example')
    assert run.task('remove')['users_removed'] == 1
    assert_ok(run, run.task('restore'), True)
    assert (mail_root / 'old.example/bob/Maildir/cur/1.mail').is_file()
    assert os.path.isdir(os.path.join(kept['to'], 'ann')), 'the other mailbox stays retained'
    listed, = run.task('info')['retained_mail']
    assert listed['address'] == 'old.example'


@FILES_ONLY
def test_without_retention_remove_mail_removes_and_retention_needs_it(db, run_tasks, tmp_path):
    mail_root = tmp_path / 'vmail'
    mail(mail_root, 'john@example.org')
    db.add_domain('example.org')
    db.add_user('john@example.org')
    db.add_user('jane@example.org')
    root = {'mail_root': str(mail_root)}
    run = run_tasks([
        user(task_name='no remove_mail', email='jane@example.org', state='absent', mail_retention='30d',
             ignore_errors=True, **root),
        user(task_name='bad time', email='jane@example.org', state='absent', remove_mail=True,
             mail_retention='a month', ignore_errors=True, **root),
        user(task_name='remove', email='john@example.org', state='absent', remove_mail=True, **root),
        user(task_name='nothing kept', email='john@example.org', password=PASSWORD, restore_mail=True, **root),
    ])
    assert_clean_failure(run, run.task('no remove_mail'), 'mail_retention', 'remove_mail')
    assert_clean_failure(run, run.task('bad time'), 'mail_retention', 'a month', '30d')
    assert 'jane@example.org' in db.users()
    assert run.task('remove')['mail_removed'] == [str(mail_root / 'example.org/john')]
    assert run.task('remove')['mail_retained'] == []
    assert not (mail_root / '.retained').exists()
    assert_ok(run, run.task('nothing kept'), True)
    assert run.task('nothing kept')['mail_restored'] == []


@FILES_ONLY
def test_the_purge_script_removes_only_what_has_passed_its_time(tmp_path):
    area = tmp_path / 'vmail' / '.retained'
    due = area / 'old@example.org' / '20200101T000000Z_20200131T000000Z'
    later = area / 'new@example.org' / '20200101T000000Z_29991231T000000Z'
    stray = area / 'odd@example.org' / 'not-an-entry'
    outside = tmp_path / 'outside'
    for path in (due / 'Maildir', later / 'Maildir', stray, outside):
        path.mkdir(parents=True)
    (outside / 'keep').write_text('x')
    os.symlink(str(outside), str(area / 'new@example.org' / '20200101T000000Z_20200102T000000Z'))
    os.symlink(str(outside), str(due / 'Maildir' / 'link'))
    dry = subprocess.run([sys.executable, PURGE, str(tmp_path / 'vmail'), '--dry-run'], capture_output=True,
                         text=True, check=True)
    assert dry.stdout == 'removed %s\n' % due and due.is_dir()
    subprocess.run([sys.executable, PURGE, str(tmp_path / 'vmail')], capture_output=True, text=True, check=True)
    assert not due.exists() and not (area / 'old@example.org').exists()
    assert later.is_dir() and stray.is_dir() and (outside / 'keep').is_file()
    assert subprocess.run([sys.executable, PURGE, '/'], capture_output=True, check=False).returncode == 2
