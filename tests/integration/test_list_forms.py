# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list forms of the modules (domains, users, aliases; see notes/interface.md): one task, many items."""

import re

import dovecot_pw
from helpers import alias, assert_clean_failure, assert_ok, assert_prediction, domain, user

PASSWORD = 'List-Default-Pw-31'
JANE_PASSWORD = 'List-Jane-Pw-47'


def outcomes(record, key):
    return {item[key]: item['outcome'] for item in record['items']}


def test_domains_list(db, run_tasks, postmap):
    db.add_domain('old.example')
    wanted = ['example.org', {'name': 'Bücher.Example'}, {'name': 'old.example', 'state': 'absent'}]
    run = run_tasks([
        domain(task_name='check', domains=wanted, check=True),
        db.snapshot_task('after check'),
        domain(task_name='apply', domains=wanted, diff=True),
        domain(task_name='again', domains=wanted),
    ])
    assert run.rc == 0, run.describe()
    assert [row['name'] for row in run.snapshot('after check')['virtual_domains']] == ['old.example']
    apply = run.task('apply')
    assert_ok(run, apply, True)
    assert_prediction(run.task('check'), apply, ('items', 'counts'))
    assert outcomes(apply, 'name') == {'example.org': 'created', 'xn--bcher-kva.example': 'created',
                                       'old.example': 'removed'}
    assert apply['counts'] == {'created': 2, 'updated': 0, 'removed': 1, 'unchanged': 0}
    assert_ok(run, run.task('again'), False)
    assert run.task('again')['counts']['unchanged'] == 3
    assert db.domains() == ['example.org', 'xn--bcher-kva.example']
    assert postmap.is_domain('xn--bcher-kva.example') and not postmap.is_domain('old.example')


def test_domains_exclusive_needs_force_for_domains_in_use(db, run_tasks):
    for name in ('keep.example', 'empty.example', 'used.example'):
        db.add_domain(name)
    db.add_user('john@used.example')
    db.add_alias('jack@used.example', 'john@used.example')
    run = run_tasks([
        db.snapshot_task('before'),
        domain(task_name='no force', domains=['keep.example', 'new.example'], exclusive=True, ignore_errors=True),
        db.snapshot_task('after refusal'),
        domain(task_name='force', domains=['keep.example', 'new.example'], exclusive=True, force=True),
        domain(task_name='again', domains=['keep.example', 'new.example'], exclusive=True, force=True),
    ])
    assert_clean_failure(run, run.task('no force'), 'used.example', re.compile(r'\b1 user'),
                         re.compile(r'\b1 alias'))
    assert run.snapshot('after refusal') == run.snapshot('before')
    force = run.task('force')
    assert_ok(run, force, True)
    assert outcomes(force, 'name') == {'keep.example': 'unchanged', 'new.example': 'created',
                                       'empty.example': 'removed', 'used.example': 'removed'}
    assert force['users_removed'] == 1 and force['aliases_removed'] == 1
    assert_ok(run, run.task('again'), False)
    assert db.domains() == ['keep.example', 'new.example']
    assert db.users() == {} and db.aliases() == []


def test_users_list(db, run_tasks, postmap):
    db.add_domain('example.org')
    db.add_domain('example.net')
    db.add_user('gone@example.org')
    db.add_user('stray@example.org')
    db.add_user('other@example.net')
    wanted = [
        'john@example.org',  # the top-level password is every item's default
        {'email': 'Jane@Example.org', 'password': JANE_PASSWORD, 'quota': '1G', 'password_scheme': 'SHA512-CRYPT'},
        {'email': 'gone@example.org', 'state': 'absent'},
    ]
    run = run_tasks([
        user(task_name='check', users=wanted, password=PASSWORD, check=True),
        db.snapshot_task('after check'),
        user(task_name='apply', users=wanted, password=PASSWORD, diff=True),
        user(task_name='again', users=wanted, password=PASSWORD),
        user(task_name='exclusive', users=wanted, password=PASSWORD, exclusive=True),
        user(task_name='exclusive again', users=wanted, password=PASSWORD, exclusive=True),
    ], verbosity=4, diff=True)
    assert run.rc == 0, run.describe()
    assert len(run.snapshot('after check')['virtual_users']) == 3
    apply = run.task('apply')
    assert_ok(run, apply, True)
    assert_prediction(run.task('check'), apply, ('items', 'counts'))
    assert outcomes(apply, 'email') == {'john@example.org': 'created', 'jane@example.org': 'created',
                                        'gone@example.org': 'removed'}
    assert_ok(run, run.task('again'), False)
    exclusive = run.task('exclusive')
    assert_ok(run, exclusive, True)
    assert outcomes(exclusive, 'email')['stray@example.org'] == 'removed'
    assert 'other@example.net' not in outcomes(exclusive, 'email')
    assert_ok(run, run.task('exclusive again'), False)
    users = db.users()
    assert sorted(users) == ['jane@example.org', 'john@example.org', 'other@example.net']
    assert dovecot_pw.verify(users['john@example.org']['password'], PASSWORD)
    assert dovecot_pw.scheme_of(users['jane@example.org']['password']) == 'SHA512-CRYPT'
    assert dovecot_pw.verify(users['jane@example.org']['password'], JANE_PASSWORD)
    assert users['jane@example.org']['quota'] == 1073741824
    assert postmap.is_mailbox('jane@example.org') and not postmap.is_mailbox('gone@example.org')
    for secret in (PASSWORD, JANE_PASSWORD, users['john@example.org']['password'],
                   users['jane@example.org']['password']):
        assert secret not in run.text
    # only the secrets are masked: the addresses stay readable in the results
    assert 'jane@example.org' in run.task('apply').result.__repr__()


def test_users_list_is_one_transaction(db, run_tasks):
    db.add_domain('example.org')
    db.fail_on('virtual_users', 'BEFORE INSERT', "NEW.email = 'boom@example.org'")
    before = db.snapshot()
    run = run_tasks([user(users=['a@example.org', 'b@example.org', 'boom@example.org', 'c@example.org'],
                          password=PASSWORD)])
    assert_clean_failure(run, run[0])
    assert db.snapshot() == before


def test_users_list_bad_item_writes_nothing(db, run_tasks):
    db.add_domain('example.org')
    before = db.snapshot()
    run = run_tasks([
        user(task_name='bad address', users=['a@example.org', 'b c@example.org'], password=PASSWORD,
             ignore_errors=True),
        user(task_name='missing domain', users=['a@example.org', 'b@missing.test'], password=PASSWORD,
             ignore_errors=True),
        user(task_name='twice', users=['a@example.org', 'A@example.org'], password=PASSWORD, ignore_errors=True),
    ])
    assert_clean_failure(run, run.task('bad address'), 'b c@example.org')
    assert_clean_failure(run, run.task('missing domain'), 'missing.test')
    assert_clean_failure(run, run.task('twice'), 'a@example.org')
    assert db.snapshot() == before


def test_aliases_list(db, run_tasks, postmap):
    db.add_domain('example.org')
    db.add_domain('example.net')
    db.add_alias('old@example.org', 'x@external.test')
    db.add_alias('stray@example.org', 'x@external.test')
    db.add_alias('keep@example.net', 'x@external.test')
    wanted = [
        {'source': 'jack@example.org', 'destinations': ['a@external.test', 'b@external.test']},
        {'source': '@example.org', 'destinations': ['catch@external.test']},
        {'source': 'old@example.org', 'state': 'absent'},
    ]
    run = run_tasks([
        alias(task_name='check', aliases=wanted, check=True),
        alias(task_name='apply', aliases=wanted),
        alias(task_name='again', aliases=wanted),
        alias(task_name='exclusive', aliases=wanted, exclusive=True),
        alias(task_name='exclusive again', aliases=wanted, exclusive=True),
    ])
    assert run.rc == 0, run.describe()
    apply = run.task('apply')
    assert_ok(run, apply, True)
    assert_prediction(run.task('check'), apply, ('items', 'counts'))
    assert outcomes(apply, 'source') == {'jack@example.org': 'created', '@example.org': 'created',
                                         'old@example.org': 'removed'}
    assert_ok(run, run.task('again'), False)
    exclusive = run.task('exclusive')
    assert_ok(run, exclusive, True)
    assert outcomes(exclusive, 'source')['stray@example.org'] == 'removed'
    assert_ok(run, run.task('exclusive again'), False)
    assert db.aliases() == [('@example.org', 'catch@external.test'), ('jack@example.org', 'a@external.test'),
                            ('jack@example.org', 'b@external.test'), ('keep@example.net', 'x@external.test')]
    assert postmap.resolve('jack@example.org') == ['a@external.test', 'b@external.test']
    assert postmap.resolve('stray@example.org') == ['catch@external.test']
    assert postmap.alias_destinations('keep@example.net') == ['x@external.test']
