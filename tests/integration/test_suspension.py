# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Suspended mailboxes and domains (enabled), on the role's schema of both engines; the guide's
plain schema refuses enabled with a message naming the column. That Dovecot then refuses the
login is proven in Molecule (molecule/default/tests/test_suspension.py)."""

import pytest

from tests.integration import dovecot_pw
from tests.integration.helpers import assert_clean_failure, assert_ok, assert_prediction, diff_of, domain, user

PASSWORD = 'Suspended-Secret-1'
ROLE = pytest.mark.parametrize('db', ['role'], indirect=True)


def enabled(db, table, key, name):
    rows = db.query('SELECT enabled FROM %s WHERE %s = %%s' % (table, key), (name,))
    assert len(rows) == 1, rows
    return bool(rows[0][0])


@ROLE
def test_a_mailbox_is_suspended_and_restored_with_its_password(db, run_tasks):
    db.add_domain('example.org')
    run = run_tasks([
        user(task_name='create', email='john@example.org', password=PASSWORD, diff=True),
        db.snapshot_task('created'),
        user(task_name='check suspend', email='john@example.org', enabled=False, check=True, diff=True),
        db.snapshot_task('after check'),
        user(task_name='suspend', email='john@example.org', enabled=False, diff=True),
        user(task_name='suspend again', email='john@example.org', enabled=False),
        db.snapshot_task('suspended'),
        user(task_name='restore', email='john@example.org', enabled=True, password=PASSWORD),
    ])
    assert_ok(run, run.task('create'), True)
    assert diff_of(run.task('create'))[1]['enabled'] is True
    assert 'enabled' not in run.task('create')['user'], 'the user result keeps its documented keys'
    assert run.snapshot('after check') == run.snapshot('created')
    check, suspend = run.task('check suspend'), run.task('suspend')
    assert_ok(run, check, True)
    assert_ok(run, suspend, True)
    assert_prediction(check, suspend, ('user',))
    assert diff_of(check) == diff_of(suspend)
    before, after = diff_of(suspend)
    assert before['enabled'] is True and after['enabled'] is False
    assert_ok(run, run.task('suspend again'), False)
    restore = run.task('restore')
    assert_ok(run, restore, True)
    assert restore['password_changed'] is False, 'restoring must keep the password'
    assert enabled(db, 'virtual_users', 'email', 'john@example.org') is True
    created, suspended = run.snapshot('created')['virtual_users'], run.snapshot('suspended')['virtual_users']
    assert [row['password'] for row in created] == [row['password'] for row in suspended]
    assert dovecot_pw.verify(db.user('john@example.org')['password'], PASSWORD)


@ROLE
def test_a_domain_is_suspended_in_the_list_form_and_shown_by_info(db, run_tasks):
    for name in ('example.org', 'example.net', 'example.com'):
        db.add_domain(name)
    db.add_user('john@example.org')
    run = run_tasks([
        domain(task_name='suspend', domains=[{'name': 'example.org', 'enabled': False}, 'example.net',
                                             {'name': 'example.com', 'enabled': 'no'}]),
        domain(task_name='again', domains=['example.org', 'example.net', 'example.com'], enabled=False),
        user(task_name='suspend john', users=[{'email': 'john@example.org', 'enabled': False}]),
        {'name': 'info', 'ispmail.mailserver.ispmail_info': {}},
    ])
    suspend = run.task('suspend')
    assert_ok(run, suspend, True)
    assert suspend['outcomes'] == {'example.org': 'updated', 'example.net': 'unchanged', 'example.com': 'updated'}
    assert suspend['sessions_ended'] == []  # no Dovecot sessions on the test host
    again = run.task('again')
    assert again['outcomes'] == {'example.org': 'unchanged', 'example.net': 'updated', 'example.com': 'unchanged'}
    assert [enabled(db, 'virtual_domains', 'name', n) for n in ('example.org', 'example.net')] == [False, False]
    assert_ok(run, run.task('suspend john'), True)
    info = run.task('info')
    assert {d['name']: d['enabled'] for d in info['domain_details']} == {
        'example.com': False, 'example.net': False, 'example.org': False}
    assert info['users'][0]['enabled'] is False


@ROLE
def test_new_rows_are_enabled_unless_the_item_says_otherwise(db, run_tasks):
    run = run_tasks([
        domain(task_name='domains', domains=['example.org', {'name': 'unpaid.example', 'enabled': False}]),
        user(task_name='users', users=[{'email': 'john@example.org', 'password': PASSWORD},
                                       {'email': 'jane@example.org', 'password': PASSWORD, 'enabled': False}]),
    ])
    assert_ok(run, run.task('domains'), True)
    assert_ok(run, run.task('users'), True)
    assert enabled(db, 'virtual_domains', 'name', 'example.org') is True
    assert enabled(db, 'virtual_domains', 'name', 'unpaid.example') is False
    assert enabled(db, 'virtual_users', 'email', 'john@example.org') is True
    assert enabled(db, 'virtual_users', 'email', 'jane@example.org') is False


@ROLE
def test_the_directory_file_carries_suspensions_both_ways(db, run_tasks, tmp_path):
    src = tmp_path / 'directory.yml'
    src.write_text('domains:\n  - {name: example.org, enabled: false}\n  - example.net\n'
                   'users:\n  - {email: john@example.net, password_hash: "{PLAIN}x-Secret-1", enabled: false}\n'
                   'aliases: []\n', encoding='utf-8')
    dest = tmp_path / 'export.yml'
    run = run_tasks([
        {'name': 'apply', 'ispmail.mailserver.ispmail_directory': {'src': str(src)}},
        {'name': 'again', 'ispmail.mailserver.ispmail_directory': {'src': str(src)}},
        {'name': 'export', 'ispmail.mailserver.ispmail_info': {'dest': str(dest), 'return_password_hashes': True}},
    ])
    assert_ok(run, run.task('apply'), True)
    assert_ok(run, run.task('again'), False)
    assert enabled(db, 'virtual_domains', 'name', 'example.org') is False
    assert enabled(db, 'virtual_users', 'email', 'john@example.net') is False
    text = dest.read_text(encoding='utf-8')
    assert '{name: "example.org", enabled: false}' in text
    assert '"example.net"\n' in text
    assert 'enabled: false' in text.split('users:')[1]


@pytest.mark.parametrize('db', ['trixie'], indirect=True)
def test_the_guides_schema_names_the_missing_column_and_writes_nothing(db, run_tasks):
    db.add_domain('example.org')
    db.add_user('john@example.org')
    run = run_tasks([
        db.snapshot_task('before'),
        user(task_name='user', email='john@example.org', enabled=False, ignore_errors=True),
        domain(task_name='domain', domains=['example.net', {'name': 'example.org', 'enabled': True}],
               ignore_errors=True),
        db.snapshot_task('after'),
        user(task_name='other options still work', email='jane@example.org', password=PASSWORD),
        {'name': 'info', 'ispmail.mailserver.ispmail_info': {}},
    ])
    assert run.snapshot('after') == run.snapshot('before')
    for name, table in (('user', 'virtual_users'), ('domain', 'virtual_domains')):
        assert_clean_failure(run, run.task(name), 'enabled', table, 'ispmail.mailserver.server')
    assert_ok(run, run.task('other options still work'), True)
    info = run.task('info')
    assert info['domain_details'] == [{'name': 'example.org', 'enabled': None,
                                       'usage': {'users': 2, 'aliases': 0, 'quota': 0}}]
    assert all('enabled' not in u for u in info['users'])


@ROLE
def test_a_value_that_is_no_boolean_is_refused(db, run_tasks):
    db.add_domain('example.org')
    run = run_tasks([
        user(task_name='bad', users=[{'email': 'john@example.org', 'password': PASSWORD, 'enabled': 'maybe'}],
             ignore_errors=True),
    ])
    assert_clean_failure(run, run.task('bad'), 'enabled', 'maybe', 'john@example.org')
    assert db.users() == {}
