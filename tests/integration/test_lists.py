# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list forms (domains, users, aliases) through real playbook runs: one task, a whole directory."""

import re

import pytest

from tests.integration import dovecot_pw
from tests.integration.helpers import alias, assert_clean_failure, assert_no_traceback, assert_ok, domain, user
from tests.integration.lists_support import (GIB, OTHER_PASSWORD, PASSWORD, check_real_again, counts, is_absent, list_diff,
                                             outcomes, predicted_run, prediction_matches)


def test_plain_strings_and_top_level_defaults(db, run_tasks, postmap):
    run = run_tasks([
        domain(task_name='domains', domains=['Example.ORG', {'name': 'example.net'},
                                             {'name': 'gone.example', 'state': 'absent'}]),
        # top level: the password, scheme and quota of every item that does not say otherwise
        user(task_name='users', users=['john@example.org',
                                       {'email': 'Jane@example.org', 'quota': '1G', 'password': OTHER_PASSWORD},
                                       {'email': 'jim@example.net', 'password_scheme': 'BLF-CRYPT'}],
             password=PASSWORD, password_scheme='SHA512-CRYPT', quota='2G'),
        # top level: the destinations of every item
        alias(task_name='aliases', aliases=[{'source': 'postmaster@example.org'},
                                            {'source': 'abuse@example.org', 'destinations': ['jim@example.net']}],
              destinations=['john@example.org']),
        # top level: state absent for every item given as a plain address
        user(task_name='remove', users=['john@example.org', 'nobody@example.org'], state='absent'),
        # update_password on_create for all, always for one
        user(task_name='passwords', users=[{'email': 'jane@example.org', 'password': PASSWORD},
                                           {'email': 'jim@example.net', 'password': OTHER_PASSWORD,
                                            'update_password': 'always'}],
             update_password='on_create'),
    ])
    assert run.rc == 0, run.describe()
    assert_no_traceback(run)
    assert outcomes(run.task('domains')) == {'example.org': 'created', 'example.net': 'created',
                                             'gone.example': 'unchanged'}
    assert outcomes(run.task('users')) == {'john@example.org': 'created', 'jane@example.org': 'created',
                                           'jim@example.net': 'created'}
    assert outcomes(run.task('aliases')) == {'postmaster@example.org': 'created', 'abuse@example.org': 'created'}
    assert outcomes(run.task('remove')) == {'john@example.org': 'removed', 'nobody@example.org': 'unchanged'}
    assert outcomes(run.task('passwords')) == {'jane@example.org': 'unchanged', 'jim@example.net': 'updated'}
    assert db.domains() == ['example.net', 'example.org']
    users = db.users()
    assert sorted(users) == ['jane@example.org', 'jim@example.net']
    assert users['jane@example.org']['quota'] == GIB
    assert users['jim@example.net']['quota'] == 2 * GIB
    assert dovecot_pw.scheme_of(users['jane@example.org']['password']) == 'SHA512-CRYPT'
    assert dovecot_pw.verify(users['jane@example.org']['password'], OTHER_PASSWORD)
    assert dovecot_pw.scheme_of(users['jim@example.net']['password']) == 'BLF-CRYPT'
    assert dovecot_pw.verify(users['jim@example.net']['password'], OTHER_PASSWORD)
    assert postmap.alias_destinations('postmaster@example.org') == ['john@example.org']
    assert postmap.alias_destinations('abuse@example.org') == ['jim@example.net']


@pytest.mark.parametrize('module, args, fragments', [
    ('ispmail_domain', {'name': 'example.org', 'domains': ['example.net']}, ('mutually exclusive', 'name', 'domains')),
    ('ispmail_user', {'email': 'john@example.org', 'users': ['jane@example.org'], 'password': PASSWORD},
     ('mutually exclusive', 'email', 'users')),
    ('ispmail_alias', {'source': 'a@example.org', 'destinations': ['john@example.org'],
                       'aliases': [{'source': 'b@example.org'}]}, ('mutually exclusive', 'source', 'aliases')),
    ('ispmail_domain', {'state': 'present'}, ('name', 'domains')),
    ('ispmail_user', {'password': PASSWORD}, ('email', 'users')),
    ('ispmail_alias', {'destinations': ['john@example.org']}, ('source', 'aliases')),
])
@pytest.mark.engine_free  # Ansible's argument spec refuses them before the module connects
def test_list_and_single_form_are_mutually_exclusive(db, run_tasks, module, args, fragments):
    db.add_domain('example.org')
    before = db.snapshot()
    run = run_tasks([{'ispmail.mailserver.' + module: args}])
    assert_clean_failure(run, run[0], *fragments)
    assert PASSWORD not in run.text
    assert db.snapshot() == before


def _seed_users(db):
    db.add_domain('example.org')
    db.add_user('keep@example.org', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD), quota=0)
    db.add_user('change@example.org', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD), quota=0)
    db.add_user('remove@example.org', quota=GIB)


USERS = [
    {'email': 'keep@example.org', 'password': PASSWORD},
    {'email': 'change@example.org', 'quota': '1G'},
    {'email': 'remove@example.org', 'state': 'absent'},
    {'email': 'new@example.org', 'password': OTHER_PASSWORD},
    {'email': 'ghost@example.org', 'state': 'absent'},
]


def test_user_outcomes_counts_diff_and_check_mode(db, run_tasks):
    _seed_users(db)
    run = run_tasks([
        db.snapshot_task('before'),
        user(task_name='check', users=USERS, check=True, diff=True),
        db.snapshot_task('after check'),
        user(task_name='real', users=USERS, diff=True),
        user(task_name='again', users=USERS, diff=True),
        user(task_name='check again', users=USERS, check=True),
    ])
    assert run.rc == 0, run.describe()
    assert run.snapshot('after check') == run.snapshot('before')
    check, real, again = run.task('check'), run.task('real'), run.task('again')
    assert_ok(run, real, True)
    prediction_matches(check, real)
    assert list(real['outcomes'].items()) == [
        ('keep@example.org', 'unchanged'),
        ('change@example.org', 'updated'),
        ('remove@example.org', 'removed'),
        ('new@example.org', 'created'),
        ('ghost@example.org', 'unchanged'),
    ]
    assert real['counts'] == counts(created=1, updated=1, removed=1, unchanged=2)
    # A short list is echoed back as given, with the passwords masked.
    echoed = real['invocation']['module_args']['users']
    assert [entry['email'] for entry in echoed] == [entry['email'] for entry in USERS]
    assert echoed[3]['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    before, after, summary = list_diff(real)
    assert summary == 'created 1, updated 1, removed 1, unchanged 2'
    assert sorted(after) == sorted(before) == ['change@example.org', 'new@example.org', 'remove@example.org']
    assert before['change@example.org']['quota'] == 0 and after['change@example.org']['quota'] == GIB
    assert is_absent(before['new@example.org']) and is_absent(after['remove@example.org'])
    assert after['new@example.org']['password'] == 'set'
    assert_ok(run, again, False)
    assert again['counts'] == counts(unchanged=5)
    assert list_diff(again)[:2] == ({}, {})
    assert_ok(run, run.task('check again'), False)
    users = db.users()
    assert sorted(users) == ['change@example.org', 'keep@example.org', 'new@example.org']
    assert users['change@example.org']['quota'] == GIB
    assert dovecot_pw.verify(users['new@example.org']['password'], OTHER_PASSWORD)


def test_alias_outcomes_and_check_mode(db, run_tasks, postmap):
    db.add_domain('example.org')
    db.add_user('john@example.org')
    db.add_alias('same@example.org', 'john@example.org')
    db.add_alias('more@example.org', 'john@example.org')
    db.add_alias('drop@example.org', 'john@example.org')
    aliases = [
        {'source': 'same@example.org', 'destinations': ['John@Example.org']},
        {'source': 'more@example.org', 'destinations': ['jane@example.net']},
        {'source': 'drop@example.org', 'state': 'absent'},
        {'source': '@example.org', 'destinations': ['john@example.org']},
    ]
    run = run_tasks(check_real_again(db, alias, aliases=aliases))
    real = predicted_run(run)
    assert outcomes(real) == {'same@example.org': 'unchanged', 'more@example.org': 'updated',
                              'drop@example.org': 'removed', '@example.org': 'created'}
    assert real['counts'] == counts(created=1, updated=1, removed=1, unchanged=1)
    before, after, dummy = list_diff(real)
    assert after['more@example.org']['destinations'] == ['jane@example.net', 'john@example.org']
    assert before['drop@example.org']['destinations'] == ['john@example.org'] and is_absent(after['drop@example.org'])
    assert 'same@example.org' not in after
    assert_ok(run, run.task('again'), False)
    assert postmap.alias_destinations('more@example.org') == ['jane@example.net', 'john@example.org']
    assert postmap.alias_destinations('drop@example.org') == []
    assert postmap.resolve('anyone@example.org') == ['john@example.org']


def _seed_three_domains(db):
    for name in ('a.example', 'b.example', 'c.example'):
        db.add_domain(name)
    for email in ('u1@a.example', 'u2@a.example', 'v1@b.example', 'v2@b.example', 'w1@c.example'):
        db.add_user(email, dovecot_pw.make_hash('SHA512-CRYPT', PASSWORD))
    for source, destination in (('s1@a.example', 'u1@a.example'), ('s1@a.example', 'u2@a.example'),
                                ('s2@a.example', 'u1@a.example'), ('@a.example', 'u1@a.example'),
                                ('t1@b.example', 'v1@b.example'), ('z1@c.example', 'w1@c.example')):
        db.add_alias(source, destination)


def test_exclusive_users_touch_only_the_mentioned_domains(db, run_tasks):
    _seed_three_domains(db)
    users = ['u1@a.example', {'email': 'v1@b.example', 'state': 'absent'}]
    run = run_tasks(check_real_again(db, user, users=users, exclusive=True))
    real = predicted_run(run)
    assert outcomes(real) == {'u1@a.example': 'unchanged', 'v1@b.example': 'removed', 'u2@a.example': 'removed',
                              'v2@b.example': 'removed'}
    assert real['counts'] == counts(removed=3, unchanged=1)
    before, after, dummy = list_diff(real)
    assert sorted(after) == ['u2@a.example', 'v1@b.example', 'v2@b.example']
    assert all(is_absent(state) for state in after.values())
    assert before['u2@a.example']['email'] == 'u2@a.example'
    assert_ok(run, run.task('again'), False)
    assert sorted(db.users()) == ['u1@a.example', 'w1@c.example']
    # aliases are not the users module's business, even those pointing at removed users
    assert len(db.aliases()) == 6


def test_exclusive_aliases_touch_only_the_mentioned_domains(db, run_tasks, postmap):
    _seed_three_domains(db)
    aliases = [{'source': 's1@a.example', 'destinations': ['u1@a.example']}]
    run = run_tasks(check_real_again(db, alias, aliases=aliases, exclusive=True))
    real = predicted_run(run)
    assert outcomes(real) == {'s1@a.example': 'updated', '@a.example': 'removed', 's2@a.example': 'removed'}
    assert real['counts'] == counts(updated=1, removed=2)
    before, after, dummy = list_diff(real)
    assert after['s1@a.example']['destinations'] == ['u1@a.example']
    assert before['s1@a.example']['destinations'] == ['u1@a.example', 'u2@a.example']
    assert is_absent(after['@a.example']) and is_absent(after['s2@a.example'])
    assert_ok(run, run.task('again'), False)
    assert db.aliases() == [('s1@a.example', 'u1@a.example'), ('t1@b.example', 'v1@b.example'),
                            ('z1@c.example', 'w1@c.example')]
    assert postmap.alias_destinations('s2@a.example') == []
    assert postmap.alias_destinations('t1@b.example') == ['v1@b.example']


def test_exclusive_domains_remove_non_empty_ones_only_with_force(db, run_tasks):
    _seed_three_domains(db)
    db.add_domain('empty.example')
    listed = ['c.example', 'd.example']
    run = run_tasks([
        db.snapshot_task('before'),
        domain(task_name='check no force', domains=listed, exclusive=True, check=True, ignore_errors=True),
        domain(task_name='no force', domains=listed, exclusive=True, ignore_errors=True),
        db.snapshot_task('after refusal'),
        # only the empty domain is unlisted: no force needed
        domain(task_name='empty only', domains=['a.example', 'b.example', 'c.example'], exclusive=True, diff=True),
        db.snapshot_task('before check'),
        domain(task_name='check force', domains=listed, exclusive=True, force=True, check=True, diff=True),
        db.snapshot_task('after check'),
        domain(task_name='force', domains=listed, exclusive=True, force=True, diff=True),
        domain(task_name='again', domains=listed, exclusive=True, force=True),
    ])
    assert run.rc == 0, run.describe()
    for name in ('check no force', 'no force'):
        assert_clean_failure(run, run.task(name), 'a.example', 'force', re.compile(r'\b2 user'))
    assert run.snapshot('after refusal') == run.snapshot('before')
    empty_only = run.task('empty only')
    assert outcomes(empty_only) == {'a.example': 'unchanged', 'b.example': 'unchanged', 'c.example': 'unchanged',
                                    'empty.example': 'removed'}
    changes_after = list_diff(empty_only)[1]
    assert list(changes_after) == ['empty.example'] and is_absent(changes_after['empty.example'])
    check, force = run.task('check force'), run.task('force')
    assert run.snapshot('after check') == run.snapshot('before check')
    prediction_matches(check, force)
    assert outcomes(force) == {'c.example': 'unchanged', 'd.example': 'created', 'a.example': 'removed',
                               'b.example': 'removed'}
    assert force['counts'] == counts(created=1, removed=2, unchanged=1)
    assert force['users_removed'] == 4 and force['aliases_removed'] == 5
    assert_ok(run, run.task('again'), False)
    assert db.domains() == ['c.example', 'd.example']
    assert sorted(db.users()) == ['w1@c.example']
    assert db.aliases() == [('z1@c.example', 'w1@c.example')]


def test_check_mode_writes_nothing_for_any_list(db, run_tasks):
    _seed_three_domains(db)
    run = run_tasks([
        db.snapshot_task('before'),
        domain(task_name='domains', domains=['a.example', 'new.example'], exclusive=True, force=True, check=True),
        user(task_name='users', users=[{'email': 'x@a.example', 'password': PASSWORD}], exclusive=True, check=True),
        alias(task_name='aliases', aliases=[{'source': 'y@a.example', 'destinations': ['u1@a.example']}],
              exclusive=True, check=True),
        db.snapshot_task('after'),
    ], diff=True)
    assert run.rc == 0, run.describe()
    assert run.snapshot('after') == run.snapshot('before')
    assert run.task('domains')['counts'] == counts(created=1, removed=2, unchanged=1)
    assert run.task('users')['counts'] == counts(created=1, removed=2)
    assert run.task('aliases')['counts'] == counts(created=1, removed=3)


BAD_LISTS = [
    # (module, arguments, what the message must name)
    ('ispmail_domain', {'domains': ['good.example', 'bad..example']}, ('bad..example',)),
    ('ispmail_domain', {'domains': ['good.example', {'name': 'x.example', 'colour': 'red'}]},
     ('domains[1]', 'colour')),
    ('ispmail_domain', {'domains': ['good.example', {'state': 'absent'}]}, ('domains[1]', 'name')),
    ('ispmail_domain', {'domains': ['good.example', 'Good.Example']}, ('good.example', 'twice')),
    ('ispmail_user', {'users': [{'email': 'ok@example.org', 'password': PASSWORD}, 'bad user@example.org'],
                      'password': PASSWORD}, ('bad user@example.org',)),
    ('ispmail_user', {'users': [{'email': 'ok@example.org', 'password': PASSWORD},
                                {'email': 'x@missing.example', 'password': PASSWORD}]},
     ('x@missing.example', 'missing.example')),
    ('ispmail_user', {'users': [{'email': 'ok@example.org', 'password': PASSWORD}, 'nopassword@example.org']},
     ('nopassword@example.org', 'password')),
    ('ispmail_user', {'users': [{'email': 'ok@example.org', 'password': PASSWORD},
                                {'email': 'q@example.org', 'password': PASSWORD, 'quota': 'lots'}]},
     ('q@example.org', 'quota')),
    ('ispmail_user', {'users': [{'email': 'ok@example.org', 'password': PASSWORD},
                                {'email': 'h@example.org', 'password_hash': '$2y$05$noprefix'}]},
     ('h@example.org', '{SCHEME}')),
    ('ispmail_user', {'users': [{'email': 'ok@example.org', 'password': PASSWORD},
                                {'email': 'e@example.org', 'password': ''}]}, ('e@example.org', 'password')),
    ('ispmail_user', {'users': [{'email': 'ok@example.org', 'password': PASSWORD},
                                {'email': 'OK@example.org', 'password': PASSWORD}]}, ('ok@example.org', 'twice')),
    ('ispmail_user', {'users': [{'email': 'ok@example.org', 'password': PASSWORD},
                                {'email': 's@example.org', 'password': PASSWORD, 'password_scheme': 'SSHA512'}]},
     ('s@example.org', 'password_scheme', 'SSHA512')),
    ('ispmail_user', {'users': [{'email': 'ok@example.org', 'password': PASSWORD},
                                {'email': 'u@example.org', 'password': PASSWORD, 'update_password': 'never'}]},
     ('u@example.org', 'update_password')),
    ('ispmail_alias', {'aliases': [{'source': 'ok@example.org', 'destinations': ['john@example.org']},
                                   {'source': 'nodest@example.org'}]}, ('nodest@example.org', 'destinations')),
    ('ispmail_alias', {'aliases': [{'source': 'ok@example.org', 'destinations': ['john@example.org']},
                                   {'source': 'a@example.org', 'destinations': ['b@example.org']},
                                   {'source': 'b@example.org', 'destinations': ['a@example.org']}]},
     ('loop', 'a@example.org -> b@example.org -> a@example.org')),
    ('ispmail_alias', {'aliases': [{'source': 'ok@example.org', 'destinations': ['john@example.org']},
                                   {'source': 'x@example.org', 'destinations': ['not an address']}]},
     ('x@example.org', 'not an address')),
]


def test_a_bad_item_fails_the_whole_list_and_writes_nothing(db, run_tasks):
    db.add_domain('example.org')
    db.add_user('john@example.org')
    tasks = [db.snapshot_task('before')]
    for index, (module, args, dummy) in enumerate(BAD_LISTS):
        tasks.append({'name': 'bad %d' % index, 'ispmail.mailserver.' + module: args, 'ignore_errors': True})
    tasks.append(db.snapshot_task('after'))
    run = run_tasks(tasks)
    assert run.snapshot('after') == run.snapshot('before')
    for index, (module, args, fragments) in enumerate(BAD_LISTS):
        assert_clean_failure(run, run.task('bad %d' % index), *fragments)
    assert PASSWORD not in run.text


def test_long_list_diff_is_a_summary_and_the_first_changes(db, run_tasks):
    db.add_domain('example.org')
    ready = dovecot_pw.make_hash('SHA512-CRYPT', PASSWORD)
    users = [{'email': 'user%03d@example.org' % n, 'password_hash': ready} for n in range(205)]
    run = run_tasks([
        user(task_name='create', users=users, diff=True),
        user(task_name='again', users=users, diff=True),
    ])
    assert run.rc == 0, run.describe()
    create = run.task('create')
    assert len(create['outcomes']) == 205
    assert list(create['outcomes'])[:2] == ['user000@example.org', 'user001@example.org']
    # More than 200 entries are not echoed back; the other arguments are.
    echoed = create['invocation']['module_args']
    assert echoed['users'] == '(205 entries, not echoed: see outcomes, counts and diff)'
    assert echoed['update_password'] == 'always'
    before, after, summary = list_diff(create)
    assert summary == 'created 205, updated 0, removed 0, unchanged 0 (the first 200 changes shown)'
    assert len(after) == len(before) == 200
    assert_ok(run, run.task('again'), False)
    assert list_diff(run.task('again'))[2] == 'created 0, updated 0, removed 0, unchanged 205'
    assert len(db.users()) == 205


def test_secrets_of_list_items_never_show(db, run_tasks):
    db.add_domain('example.org')
    ready = dovecot_pw.make_hash('SHA512-CRYPT', OTHER_PASSWORD)
    secrets_list = [{'email': 'john@example.org', 'password': PASSWORD},
                    {'email': 'jane@example.org', 'password_hash': ready}]
    run = run_tasks([
        user(task_name='check', users=secrets_list, check=True),
        user(task_name='create', users=secrets_list),
        user(task_name='again', users=secrets_list + ['jim@example.org'], password='Top-Level-Secret-9'),
        user(task_name='failing', users=secrets_list + [{'email': 'bad@example.org', 'password': 'Failing-Secret-3',
                                                         'quota': 'lots'}], ignore_errors=True),
    ], diff=True, verbosity=4)
    assert run.task('create').changed and run.task('failing').failed
    john = db.user('john@example.org')['password']
    for secret in (PASSWORD, OTHER_PASSWORD, 'Top-Level-Secret-9', 'Failing-Secret-3', ready,
                   ready.split('}', 1)[1], john, john.split('}', 1)[1], john.split('$')[-1]):
        assert secret not in run.text, 'secret %r found in the output' % secret
    # the addresses are not masked: only the secrets are
    assert outcomes(run.task('again')) == {'john@example.org': 'unchanged', 'jane@example.org': 'unchanged',
                                           'jim@example.org': 'created'}
    assert 'john@example.org' in run.text


def test_outcomes_select_in_jinja_as_the_docs_show(db, run_tasks):
    """docs/modules.md: the created entries of a registered result, in list order."""
    db.add_domain('example.org')
    db.add_user('old@example.org', dovecot_pw.make_hash('SHA512-CRYPT', PASSWORD))
    created = dict(user(task_name='users', users=['b@example.org', 'old@example.org', 'a@example.org'],
                        password=PASSWORD, update_password='on_create'), register='result')
    selection = ("{{ result.outcomes | dict2items | selectattr('value', '==', 'created') "
                 "| map(attribute='key') | list }}")
    run = run_tasks([created, {'name': 'created ones', 'ansible.builtin.set_fact': {'created': selection}}])
    assert run.rc == 0, run.describe()
    assert run.task('created ones').result['ansible_facts']['created'] == ['b@example.org', 'a@example.org']
