# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail.mailserver.ispmail_domain through real playbook runs, cross-checked with postmap -q."""

import os
import re

import pytest

from tests.integration.database import SCHEMAS
from tests.integration.helpers import (assert_clean_failure, assert_no_traceback, assert_ok, assert_prediction,
                                       diff_of, domain)


@pytest.mark.parametrize('db', SCHEMAS, indirect=True)
def test_create_check_idempotent_then_delete(db, run_tasks, postmap):
    run = run_tasks([
        db.snapshot_task('empty'),
        domain(task_name='check create', name='example.org', check=True, diff=True),
        db.snapshot_task('after check'),
        domain(task_name='create', name='example.org', diff=True),
        domain(task_name='create again', name='example.org', diff=True),
        domain(task_name='check create again', name='example.org', check=True),
    ])
    assert run.rc == 0, run.describe()
    assert_no_traceback(run)
    check, create, again, check_again = (run.task(n) for n in
                                         ('check create', 'create', 'create again', 'check create again'))
    assert run.snapshot('after check') == run.snapshot('empty')
    assert_ok(run, check, True)
    assert_ok(run, create, True)
    assert_prediction(check, create, ('name', 'users_removed', 'aliases_removed'))
    assert create['name'] == 'example.org'
    before, after = diff_of(create)
    assert before != after
    assert 'present' in str(after) and 'present' not in str(before)
    assert_ok(run, again, False)
    assert_ok(run, check_again, False)
    before, after = diff_of(again)
    assert before == after
    assert db.domains() == ['example.org']
    assert postmap.is_domain('example.org')

    run = run_tasks([
        domain(task_name='check delete', name='example.org', state='absent', check=True, diff=True),
        db.snapshot_task('after check'),
        domain(task_name='delete', name='example.org', state='absent', diff=True),
        domain(task_name='delete again', name='example.org', state='absent'),
        domain(task_name='check delete again', name='example.org', state='absent', check=True),
    ])
    assert run.rc == 0, run.describe()
    check, delete = run.task('check delete'), run.task('delete')
    assert [row['name'] for row in run.snapshot('after check')['virtual_domains']] == ['example.org']
    assert_ok(run, check, True)
    assert_ok(run, delete, True)
    assert_prediction(check, delete, ('users_removed', 'aliases_removed'))
    assert delete['users_removed'] == 0 and delete['aliases_removed'] == 0
    before, after = diff_of(delete)
    assert 'present' in str(before) and 'present' not in str(after)
    assert_ok(run, run.task('delete again'), False)
    assert_ok(run, run.task('check delete again'), False)
    assert db.domains() == []
    assert not postmap.is_domain('example.org')


def test_global_check_and_diff_flags(db, run_tasks):
    """ansible-playbook --check --diff (not only the task keywords): nothing written, diff shown."""
    run = run_tasks([domain(name='example.org')], check=True, diff=True)
    assert run.rc == 0, run.describe()
    assert_ok(run, run[0], True)
    assert db.domains() == []
    assert 'present' in run.stdout  # the diff printed by the default callback


@pytest.mark.mariadb_schema
def test_idn_and_case_are_one_domain(db, run_tasks, postmap):
    run = run_tasks([
        domain(task_name='unicode', name='Bücher.Example'),
        domain(task_name='ascii', name='xn--bcher-kva.example'),
        domain(task_name='upper', name='BÜCHER.EXAMPLE'),
        domain(task_name='mixed ascii', name='XN--BCHER-KVA.Example'),
        domain(task_name='plain upper', name='EXAMPLE.ORG'),
        domain(task_name='plain lower', name='example.org'),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('unicode'), True)
    assert run.task('unicode')['name'] == 'xn--bcher-kva.example'
    for name in ('ascii', 'upper', 'mixed ascii'):
        assert_ok(run, run.task(name), False)
        assert run.task(name)['name'] == 'xn--bcher-kva.example'
    assert_ok(run, run.task('plain upper'), True)
    assert run.task('plain upper')['name'] == 'example.org'
    assert_ok(run, run.task('plain lower'), False)
    # stored byte for byte in lowercase ASCII (the columns compare case-insensitively, so look at the bytes)
    assert sorted(r[0] for r in db.query('SELECT %s FROM virtual_domains' % db.binary('name'))) \
        == [b'example.org', b'xn--bcher-kva.example']
    assert postmap.is_domain('xn--bcher-kva.example')

    run = run_tasks([domain(name='Bücher.example', state='absent')])
    assert_ok(run, run[0], True)
    assert db.domains() == ['example.org']


BAD_DOMAINS = [
    ('', ()),
    (' ', ()),
    ('exa mple.org', ()),
    ('example.org ', ()),
    (' example.org', ()),
    ('exam\tple.org', ()),
    ('example\n.org', ()),
    ('exa\x00mple.org', ()),
    ('exa\x7fmple.org', ()),
    ("ex'ample.org", ("ex'ample.org",)),
    ('ex"ample.org', ()),
    ('ex`ample.org', ('ex`ample.org',)),
    ('example..org', ('example..org',)),
    ('.example.org', ('.example.org',)),
    ('-example.org', ('-example.org',)),
    ('example-.org', ('example-.org',)),
    ('www.-example.org', ('www.-example.org',)),
    ('example.org-', ('example.org-',)),
    ('user@example.org', ('user@example.org',)),
    ('ex;ample.org', ('ex;ample.org',)),
    ('exa%mple.org', ('exa%mple.org',)),
    ('a' * 64 + '.org', ('a' * 64,)),
    # a valid domain name, but longer than virtual_domains.name varchar(50)
    ('a' * 43 + '.example', (re.compile(r'\b50\b'),)),
]


# Its inputs fail in the module before the database is read: the engine plays no part
# (the column limits, from the engine's schema: test_alias.py, test_values_longer_than_their_columns_fail).
@pytest.mark.engine_free
def test_bad_names_fail_clearly_and_write_nothing(db, run_tasks):
    db.add_domain('example.org')
    tasks = [db.snapshot_task('before')]
    for index, (bad, _fragments) in enumerate(BAD_DOMAINS):
        tasks.append(domain(task_name='bad %d' % index, name=bad, ignore_errors=True))
        if index % 3 == 0:  # the removal path validates too (a sample keeps the run short)
            tasks.append(domain(task_name='bad absent %d' % index, name=bad, state='absent', force=True,
                                ignore_errors=True))
    tasks.append(db.snapshot_task('after'))
    run = run_tasks(tasks)
    assert run.snapshot('after') == run.snapshot('before')
    for index, (bad, fragments) in enumerate(BAD_DOMAINS):
        for name in ('bad %d' % index,) + (('bad absent %d' % index,) if index % 3 == 0 else ()):
            assert_clean_failure(run, run.task(name), *fragments)
            assert 'domain' in run.task(name).msg.lower() or 'name' in run.task(name).msg.lower()
    assert db.domains() == ['example.org']


def test_longest_name_that_fits_the_column(db, run_tasks, postmap):
    name = 'a' * 42 + '.example'  # 50 characters: exactly varchar(50)
    run = run_tasks([domain(name=name)])
    assert_ok(run, run[0], True)
    assert db.domains() == [name]
    assert postmap.is_domain(name)


def _seed_domain_with_mail(db):
    db.add_domain('example.org')
    db.add_domain('example.net')
    db.add_user('john@example.org')
    db.add_user('jane@example.org')
    db.add_user('other@example.net')
    db.add_alias('jack@example.org', 'john@example.org')
    db.add_alias('jack@example.org', 'jane@example.org')
    db.add_alias('@example.org', 'john@example.org')
    # in another domain, pointing at a user of example.org: not part of the cascade
    db.add_alias('fwd@example.net', 'john@example.org')


@pytest.mark.parametrize('db', ['bookworm', 'buster'], indirect=True)
def test_delete_with_users_and_aliases_needs_force(db, run_tasks, postmap):
    _seed_domain_with_mail(db)
    run = run_tasks([
        db.snapshot_task('before'),
        domain(task_name='check no force', name='example.org', state='absent', check=True, ignore_errors=True),
        domain(task_name='no force', name='example.org', state='absent', ignore_errors=True),
        db.snapshot_task('after refusal'),
        domain(task_name='check force', name='example.org', state='absent', force=True, check=True, diff=True),
        db.snapshot_task('after check'),
        domain(task_name='force', name='example.org', state='absent', force=True, diff=True),
        domain(task_name='force again', name='example.org', state='absent', force=True),
    ])
    for name in ('check no force', 'no force'):
        assert_clean_failure(run, run.task(name), 'example.org', re.compile(r'\b2 users?\b'),
                             re.compile(r'\b3 alias'))
    assert run.snapshot('after refusal') == run.snapshot('before')
    assert run.snapshot('after check') == run.snapshot('before')
    check, force = run.task('check force'), run.task('force')
    assert_ok(run, check, True)
    assert_ok(run, force, True)
    assert force['users_removed'] == 2
    assert force['aliases_removed'] == 3
    assert_prediction(check, force, ('users_removed', 'aliases_removed'))
    assert_ok(run, run.task('force again'), False)
    assert run.task('force again')['users_removed'] == 0
    assert db.domains() == ['example.net']
    assert sorted(db.users()) == ['other@example.net']
    assert db.aliases() == [('fwd@example.net', 'john@example.org')]
    assert not postmap.is_domain('example.org')
    assert not postmap.is_mailbox('john@example.org')
    assert postmap.alias_destinations('jack@example.org') == []
    assert postmap.is_mailbox('other@example.net')


def test_failed_cascade_rolls_back(db, run_tasks):
    """One transaction: when the last statement fails, the users and aliases deleted before are back."""
    _seed_domain_with_mail(db)
    db.fail_on('virtual_domains', 'BEFORE DELETE', "OLD.name = 'example.org'")
    before = db.snapshot()
    run = run_tasks([domain(name='example.org', state='absent', force=True)])
    assert_clean_failure(run, run[0])
    assert db.snapshot() == before


def test_remove_mail(db, run_tasks, tmp_path):
    mail_root = tmp_path / 'vmail'
    for path in ('example.org/john/Maildir/cur', 'example.org/jane/Maildir/new', 'example.net/other/Maildir/cur',
                 'keep.example/x'):
        (mail_root / path).mkdir(parents=True)
    (mail_root / 'example.org/john/Maildir/cur/1.mail').write_text('Subject: hi\n\nhello\n')
    _seed_domain_with_mail(db)
    db.add_domain('keep.example')
    run = run_tasks([
        domain(task_name='keep mail', name='keep.example', state='absent', mail_root=str(mail_root)),
        domain(task_name='check', name='example.org', state='absent', force=True, remove_mail=True,
               mail_root=str(mail_root), check=True),
        {'name': 'still there', 'ansible.builtin.stat': {'path': str(mail_root / 'example.org')}},
        domain(task_name='remove', name='example.org', state='absent', force=True, remove_mail=True,
               mail_root=str(mail_root)),
        domain(task_name='again', name='example.org', state='absent', force=True, remove_mail=True,
               mail_root=str(mail_root)),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('keep mail'), True)
    assert (mail_root / 'keep.example/x').is_dir(), 'without remove_mail the mail stays'
    check, remove = run.task('check'), run.task('remove')
    assert run.task('still there')['stat']['exists'] is True
    assert_prediction(check, remove, ('users_removed', 'aliases_removed', 'mail_removed'))
    assert remove['mail_removed'] in (True, [str(mail_root / 'example.org')])
    assert not (mail_root / 'example.org').exists()
    assert (mail_root / 'example.net/other/Maildir/cur').is_dir()
    assert_ok(run, run.task('again'), False)
    assert not run.task('again')['mail_removed']


@pytest.mark.mariadb_schema
@pytest.mark.parametrize('db', ['bookworm', 'bullseye'], indirect=True)
def test_duplicate_rows_are_all_removed(db, run_tasks, postmap):
    """Schemas without a unique key on the name can hold a domain twice; absent must leave none."""
    db.add_domain('example.org')
    db.add_domain('example.org')
    run = run_tasks([
        domain(task_name='present', name='example.org'),
        domain(task_name='absent', name='example.org', state='absent'),
    ])
    assert_ok(run, run.task('present'), False)
    assert_ok(run, run.task('absent'), True)
    assert db.domains() == []
    assert not postmap.is_domain('example.org')


@pytest.mark.mariadb_schema
def test_hand_edited_mixed_case_row_is_lowercased(db, run_tasks):
    db.add_domain('Example.ORG')
    run = run_tasks([domain(task_name='first', name='example.org'), domain(task_name='second', name='example.org')])
    assert_ok(run, run.task('first'), True)
    assert_ok(run, run.task('second'), False)
    assert [r[0] for r in db.query('SELECT %s FROM virtual_domains' % db.binary('name'))] == [b'example.org']


def test_missing_name_fails_clearly(db, run_tasks):
    run = run_tasks([domain(state='present')])
    assert_clean_failure(run, run[0], 'name')
    assert db.domains() == []


def test_bad_mail_root_is_refused(db, run_tasks):
    db.add_domain('example.org')
    run = run_tasks([domain(name='example.org', state='absent', remove_mail=True, mail_root='/')])
    assert_clean_failure(run, run[0], 'mail_root')
    assert db.domains() == ['example.org']
    assert os.path.isdir('/etc')
