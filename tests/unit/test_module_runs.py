"""The four modules that write one table, end to end without a server: the real AnsibleModule and
frame (frame/run.py) over a FakeEngine that records every statement. Each test asserts the result
Ansible reads (changed, diff, msg, queries, retries) and the statements the run sent; in check
mode, that nothing was written. The integration tests run the same modules against MariaDB and
PostgreSQL."""
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.hashes import verify
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.mariadb_accounts import native_hash
from tests.unit.fake_engine import FakeEngine
from tests.unit.module_runner import output, run_module

HASH = '{SHA512-CRYPT}$6$salt$stored'
DB = {'login_password': 'db-Secret-1'}
INSERT_DOMAIN = 'INSERT INTO virtual_domains (name) VALUES (%s)'
INSERT_ALIAS = 'INSERT INTO virtual_aliases (domain_id, source, destination) VALUES (%s, %s, %s)'
INSERT_USER = 'INSERT INTO virtual_users (domain_id, email, password, quota) VALUES (%s, %s, %s, %s)'


def run(module, engine, check_mode=False, /, **args):
    return run_module(module, dict(DB, **args), engine, check_mode)


def ok(module, engine, check_mode=False, /, **args):
    failed, result = run(module, engine, check_mode, **args)
    assert not failed, result.get('msg')
    return result


def refused(module, engine, /, **args):
    """The failure message; the run wrote nothing and committed nothing."""
    failed, result = run(module, engine, **args)
    assert failed and 'Traceback' not in result['msg']
    assert engine.writes() == [] and ('COMMIT', None) not in engine.statements
    return result['msg']


def with_domains(*names):
    engine = FakeEngine()
    engine.seed('INSERT INTO virtual_domains (name) VALUES (%s)', *[(name,) for name in names])
    return engine


def fresh(engine):
    """Forget what was recorded so far (the tables stay)."""
    del engine.statements[:]
    return engine


# -- ispmail_domain ------------------------------------------------------------------------------
def test_a_domain_is_created_once_then_unchanged():
    engine = FakeEngine()
    result = ok('ispmail_domain', engine, name='Example.ORG')
    assert result['changed'] is True and result['name'] == 'example.org' and result['retries'] == 0
    assert result['diff'] == {'before': {'name': 'example.org', 'state': 'absent'},
                              'after': {'name': 'example.org', 'state': 'present', 'users': 0, 'aliases': 0}}
    assert engine.writes() == [(INSERT_DOMAIN, ('example.org',))]
    assert result['queries'][-1] == INSERT_DOMAIN and result['queries'][0].startswith('SELECT d.id')
    assert engine.statements[1] == ('BEGIN', True) and engine.statements[-2:] == [('COMMIT', None), ('CLOSE', None)]
    again = ok('ispmail_domain', fresh(engine), name='example.org')
    assert again['changed'] is False and again['diff']['before'] == again['diff']['after']
    assert engine.writes() == [] and len(again['queries']) == 1
    assert engine.rows('SELECT name FROM virtual_domains') == [('example.org',)]


def test_check_mode_reports_the_domain_but_writes_nothing():
    engine = FakeEngine()
    result = ok('ispmail_domain', engine, True, name='example.org')
    assert result['changed'] is True and result['diff']['after']['state'] == 'present'
    assert INSERT_DOMAIN in result['queries']  # what would run
    assert engine.writes() == [] and ('COMMIT', None) not in engine.statements
    assert engine.statements[1] == ('BEGIN', False)  # no writer's lock in check mode
    assert engine.rows('SELECT * FROM virtual_domains') == []


@pytest.mark.parametrize('users, aliases', [(0, 1), (1, 0), (2, 3)])
def test_a_domain_with_users_or_aliases_is_removed_only_with_force(users, aliases):
    engine = with_domains('example.org')
    engine.seed('INSERT INTO virtual_users (domain_id, email, password) VALUES (%s, %s, %s)',
                *[(1, 'u%d@example.org' % n, HASH) for n in range(users)])
    engine.seed(INSERT_ALIAS, *[(1, 'a%d@example.org' % n, 'x@example.net') for n in range(aliases)])
    msg = refused('ispmail_domain', engine, name='example.org', state='absent')
    assert msg == ("domain 'example.org' still has %d user(s) and %d alias row(s); remove them first, or set "
                   "force: true to remove them with the domain" % (users, aliases))
    result = ok('ispmail_domain', fresh(engine), name='example.org', state='absent', force=True)
    assert (result['changed'], result['users_removed'], result['aliases_removed']) == (True, users, aliases)
    assert result['diff']['after'] == {'name': 'example.org', 'state': 'absent'}
    assert [sql.split(' WHERE')[0] for sql, dummy in engine.writes()] == \
        ['DELETE FROM virtual_aliases'] * 1 + ['DELETE FROM virtual_users', 'DELETE FROM virtual_domains']
    assert engine.rows('SELECT COUNT(*) FROM virtual_users') + engine.rows('SELECT COUNT(*) FROM virtual_aliases') \
        == [(0,), (0,)]


def test_an_absent_domain_is_unchanged():
    engine = FakeEngine()
    result = ok('ispmail_domain', engine, name='gone.example', state='absent')
    assert result['changed'] is False and engine.writes() == []
    assert result['diff'] == {'before': {'name': 'gone.example', 'state': 'absent'},
                              'after': {'name': 'gone.example', 'state': 'absent'}}


def test_a_domain_stored_in_another_case_is_renamed():
    engine = with_domains('Example.ORG')
    result = ok('ispmail_domain', engine, name='example.org')
    assert result['changed'] is True and result['diff']['before']['stored_as'] == 'Example.ORG'
    assert engine.writes() == [('UPDATE virtual_domains SET name = %s WHERE id = %s', ('example.org', 1))]


def test_the_domain_list_reports_outcomes_and_exclusive_removes_the_rest():
    engine = with_domains('keep.example', 'old.example', 'full.example')
    engine.seed('INSERT INTO virtual_users (domain_id, email, password) VALUES (%s, %s, %s)',
                (3, 'a@full.example', HASH))
    assert 'full.example' in refused('ispmail_domain', engine, domains=['keep.example', 'new.example'],
                                     exclusive=True)
    result = ok('ispmail_domain', fresh(engine), domains=['keep.example', {'name': 'new.example'}],
                exclusive=True, force=True)
    assert result['outcomes'] == {'keep.example': 'unchanged', 'new.example': 'created',
                                  'full.example': 'removed', 'old.example': 'removed'}
    assert result['counts'] == {'created': 1, 'updated': 0, 'removed': 2, 'unchanged': 1}
    assert result['diff']['after']['summary'] == 'created 1, updated 0, removed 2, unchanged 1'
    assert result['diff']['after']['changes']['old.example'] == 'absent'
    assert 'keep.example' not in result['diff']['after']['changes']
    assert 'name' not in result and result['users_removed'] == 1
    assert engine.rows('SELECT name FROM virtual_domains ORDER BY name') == [('keep.example',), ('new.example',)]


def test_exclusive_is_ignored_in_the_single_form():
    engine = with_domains('other.example')
    result = ok('ispmail_domain', engine, name='example.org', exclusive=True)
    assert engine.rows('SELECT name FROM virtual_domains ORDER BY id') == [('other.example',), ('example.org',)]
    assert result['changed'] is True


@pytest.mark.parametrize('count, shown', [(200, 200), (201, 200)])
def test_a_long_list_caps_the_diff_and_the_echoed_arguments(count, shown):
    engine = FakeEngine()
    names = ['d%03d.example' % n for n in range(count)]
    result = ok('ispmail_domain', engine, domains=names)
    assert len(result['diff']['after']['changes']) == shown == len(result['diff']['before']['changes'])
    assert result['counts']['created'] == count == len(result['outcomes'])
    echoed = result['invocation']['module_args']['domains']
    if count > shown:
        assert result['diff']['after']['summary'].endswith(' (the first 200 changes shown)')
        assert echoed == '(201 entries, not echoed: see outcomes, counts and diff)'
    else:
        assert result['diff']['after']['summary'] == 'created 200, updated 0, removed 0, unchanged 0'
        assert echoed == names


def test_bad_input_fails_with_a_message_before_any_write():
    engine = FakeEngine()
    assert 'domains[1] has no name' in refused('ispmail_domain', engine, domains=['a.example', {'state': 'absent'}])
    assert "'a.example' is listed twice" in refused('ispmail_domain', engine, domains=['a.example', 'A.example'])
    assert 'domains[0] must be a string' in refused('ispmail_domain', engine, domains=[5])
    assert 'unknown key(s) colour' in refused('ispmail_domain', engine, domains=[{'name': 'a.example', 'colour': 1}])


# -- ispmail_user --------------------------------------------------------------------------------
def stored_users(engine):
    return dict((email, (password, quota)) for email, password, quota
                in engine.rows('SELECT email, password, quota FROM virtual_users'))


def test_a_user_is_created_with_a_hash_and_its_password_never_shown():
    engine = with_domains('example.org')
    text = output('ispmail_user', dict(DB, email='John@Example.org', password='Pa55-word!', quota='1M',
                                       password_scheme='SHA512-CRYPT'), engine)
    for secret in ('Pa55-word!', DB['login_password']):
        assert secret not in text
    failed, result = run('ispmail_user', fresh(engine), email='john@example.org', password='Pa55-word!',
                         password_scheme='SHA512-CRYPT', quota='1M')
    assert not failed and result['changed'] is False and result['password_changed'] is False
    assert engine.writes() == []
    stored, quota = stored_users(engine)['john@example.org']
    assert quota == 1048576 and stored.startswith('{SHA512-CRYPT}$6$') and verify('Pa55-word!', stored)
    assert result['user'] == {'email': 'john@example.org', 'domain': 'example.org', 'quota': 1048576}


def test_a_new_user_is_reported_and_written_once():
    engine = with_domains('example.org')
    result = ok('ispmail_user', engine, email='john@example.org', password_hash=HASH)
    assert result['changed'] is True and result['password_changed'] is True
    assert result['diff']['before'] == {'email': 'john@example.org', 'state': 'absent'}
    assert result['diff']['after'] == {'email': 'john@example.org', 'domain': 'example.org', 'quota': 0,
                                       'password': 'set'}
    assert engine.writes() == [(INSERT_USER, (1, 'john@example.org', HASH, 0))]
    assert result['queries'][-1] == INSERT_USER


def test_check_mode_never_hashes_nor_writes_a_user():
    engine = with_domains('example.org')
    result = ok('ispmail_user', engine, True, email='john@example.org', password='Pa55-word!',
                password_scheme='SHA512-CRYPT')
    assert result['changed'] is True and result['password_changed'] is True
    assert INSERT_USER in result['queries'] and engine.writes() == [] and stored_users(engine) == {}


def test_a_password_is_replaced_only_when_it_differs_and_update_password_allows():
    engine = with_domains('example.org')
    engine.seed(INSERT_USER, (1, 'john@example.org', HASH, 5))
    kept = ok('ispmail_user', engine, email='john@example.org', password='New-pass-1', update_password='on_create')
    assert kept['changed'] is False and engine.writes() == []
    changed = ok('ispmail_user', fresh(engine), email='john@example.org', password='New-pass-1',
                 password_scheme='SHA256-CRYPT', quota=7)
    assert changed['changed'] is True and changed['password_changed'] is True
    assert changed['diff']['before'] == {'email': 'john@example.org', 'domain': 'example.org', 'quota': 5,
                                         'password': 'unchanged'}
    assert changed['diff']['after'] == dict(changed['diff']['before'], password='changed', quota=7)
    assert [sql for sql, dummy in engine.writes()] == ['UPDATE virtual_users SET password = %s WHERE id = %s',
                                                       'UPDATE virtual_users SET quota = %s WHERE id = %s']
    stored, quota = stored_users(engine)['john@example.org']
    assert verify('New-pass-1', stored) and stored.startswith('{SHA256-CRYPT}') and quota == 7
    same = ok('ispmail_user', fresh(engine), email='john@example.org', password='New-pass-1',
              password_scheme='SHA256-CRYPT')
    assert same['changed'] is False and engine.writes() == []


def test_a_hash_is_replaced_only_when_it_differs():
    engine = with_domains('example.org')
    engine.seed(INSERT_USER, (1, 'john@example.org', HASH, 0))
    assert ok('ispmail_user', engine, email='john@example.org', password_hash=HASH)['changed'] is False
    other = '{SHA512-CRYPT}$6$salt$other'
    assert ok('ispmail_user', engine, email='john@example.org', password_hash=other,
              update_password='on_create')['changed'] is False
    assert ok('ispmail_user', engine, email='john@example.org', password_hash=other)['password_changed'] is True
    assert stored_users(engine)['john@example.org'][0] == other


def test_an_item_password_overrides_the_default_hash_and_the_other_way_round():
    engine = with_domains('example.org')
    result = ok('ispmail_user', engine, users=[{'email': 'a@example.org', 'password': 'Item-pass-1'},
                                               'b@example.org'],
                password_hash=HASH, password_scheme='SHA512-CRYPT')
    stored = stored_users(engine)
    assert verify('Item-pass-1', stored['a@example.org'][0]) and stored['b@example.org'][0] == HASH
    assert result['outcomes'] == {'a@example.org': 'created', 'b@example.org': 'created'}
    other = with_domains('example.org')
    ok('ispmail_user', other, users=[{'email': 'c@example.org', 'password_hash': HASH}], password='Default-pw-1')
    assert stored_users(other)['c@example.org'][0] == HASH


def test_list_secrets_are_masked_and_the_rest_of_the_list_is_not():
    engine = with_domains('example.org')
    users = [{'email': 'a@example.org', 'password': 'Item-pass-1', 'password_scheme': 'SHA512-CRYPT'},
             {'email': 'b@example.org', 'password_hash': HASH, 'state': 'present'}]
    text = output('ispmail_user', dict(DB, users=users), engine)
    for secret in ('Item-pass-1', HASH, DB['login_password']):
        assert secret not in text
    failed, result = run('ispmail_user', fresh(engine), users=users)
    assert not failed
    assert result['invocation']['module_args']['users'] == [
        {'email': 'a@example.org', 'password': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER', 'password_scheme': 'SHA512-CRYPT'},
        {'email': 'b@example.org', 'password_hash': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER', 'state': 'present'}]
    assert result['invocation']['module_args']['login_password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert result['outcomes'] == {'a@example.org': 'unchanged', 'b@example.org': 'unchanged'}


def test_a_user_needs_its_domain_and_a_new_user_a_password():
    engine = with_domains('example.org')
    msg = refused('ispmail_user', engine, email='john@example.net', password_hash=HASH)
    assert msg == ("the domain 'example.net' of user 'john@example.net' does not exist; create it first with "
                   "ispmail.mailserver.ispmail_domain")
    assert 'give password or password_hash' in refused('ispmail_user', engine, email='john@example.org')
    assert 'rename_from renames one user' in refused('ispmail_user', fresh(engine), users=['a@example.org'],
                                                     rename_from='b@example.org')
    msg = refused('ispmail_user', engine, email='a@example.org', remove_mail=True, mail_root='vmail')
    assert 'mail_root must be an absolute path' in msg
    assert engine.statements == []  # refused before connecting


def test_exclusive_users_removes_the_unlisted_of_listed_domains_only():
    engine = with_domains('example.org', 'example.net')
    engine.seed(INSERT_USER, (1, 'keep@example.org', HASH, 0), (1, 'gone@example.org', HASH, 0),
                (2, 'other@example.net', HASH, 0))
    result = ok('ispmail_user', engine, users=['keep@example.org', 'absent@example.org'], exclusive=True,
                state='absent')
    assert result['outcomes'] == {'keep@example.org': 'removed', 'absent@example.org': 'unchanged',
                                  'gone@example.org': 'removed'}
    assert sorted(stored_users(engine)) == ['other@example.net']
    assert result['diff']['before']['changes']['gone@example.org'] == {
        'email': 'gone@example.org', 'domain': 'example.org', 'quota': 0, 'password': 'set'}


def test_a_user_removed_in_check_mode_stays():
    engine = with_domains('example.org')
    engine.seed(INSERT_USER, (1, 'john@example.org', HASH, 0))
    result = ok('ispmail_user', engine, True, email='john@example.org', state='absent')
    assert result['changed'] is True and result['user'] is None
    assert engine.writes() == [] and list(stored_users(engine)) == ['john@example.org']


def test_a_rename_keeps_the_row_and_moves_the_aliases(tmp_path):
    engine = with_domains('example.org')
    engine.seed(INSERT_USER, (1, 'old@example.org', HASH, 3))
    engine.seed(INSERT_ALIAS, (1, 'boss@example.org', 'old@example.org'), (1, 'info@example.org', 'old@example.org'),
                (1, 'info@example.org', 'new@example.org'))
    result = ok('ispmail_user', engine, True, email='new@example.org', rename_from='old@example.org',
                mail_root=str(tmp_path / 'none'))
    assert result['changed'] is True and engine.writes() == []
    assert result['diff']['after']['email'] == 'new@example.org'
    assert result['diff']['before']['mail_dir'] == str(tmp_path / 'none' / 'example.org' / 'old')
    assert result['diff']['after']['mail_dir'] == str(tmp_path / 'none' / 'example.org' / 'new')
    assert result['sessions_ended'] == [] and result['mail_moved'] == []
    assert [sql for sql, dummy in engine.statements if sql.startswith('SELECT id, source')] != []


# -- ispmail_alias -------------------------------------------------------------------------------
def stored_aliases(engine):
    return sorted(engine.rows('SELECT source, destination FROM virtual_aliases'))


def test_an_alias_is_created_then_unchanged():
    engine = with_domains('example.org')
    result = ok('ispmail_alias', engine, source='Postmaster@example.org', destinations=['b@example.net', 'a@example.net'])
    assert (result['source'], result['destinations'], result['added'], result['removed']) == (
        'postmaster@example.org', ['a@example.net', 'b@example.net'], ['b@example.net', 'a@example.net'], [])
    assert result['changed'] is True and result['diff']['before'] == {'source': 'postmaster@example.org',
                                                                      'state': 'absent'}
    assert engine.writes() == [(INSERT_ALIAS, (1, 'postmaster@example.org', 'b@example.net')),
                               (INSERT_ALIAS, (1, 'postmaster@example.org', 'a@example.net'))]
    again = ok('ispmail_alias', fresh(engine), source='postmaster@example.org', destinations=['a@example.net'])
    assert again['changed'] is False and again['added'] == [] and engine.writes() == []


def test_exclusive_drops_the_other_destinations_and_duplicates():
    engine = with_domains('example.org')
    engine.seed(INSERT_ALIAS, (1, 'p@example.org', 'a@example.net'), (1, 'p@example.org', 'b@example.net'),
                (1, 'p@example.org', 'a@example.net'))
    kept = ok('ispmail_alias', engine, source='p@example.org', destinations=['a@example.net'])
    assert kept['changed'] is False and kept['destinations'] == ['a@example.net', 'b@example.net']
    result = ok('ispmail_alias', fresh(engine), source='p@example.org', destinations=['a@example.net'],
                exclusive=True)
    assert result['changed'] is True and result['removed'] == ['b@example.net']
    assert result['diff']['before']['destinations'] == ['a@example.net', 'a@example.net', 'b@example.net']
    assert result['diff']['after']['destinations'] == ['a@example.net']
    assert stored_aliases(engine) == [('p@example.org', 'a@example.net')]


def test_absent_removes_the_given_destinations_or_all():
    engine = with_domains('example.org')
    engine.seed(INSERT_ALIAS, (1, 'p@example.org', 'a@example.net'), (1, 'p@example.org', 'b@example.net'))
    result = ok('ispmail_alias', engine, source='p@example.org', destinations=['a@example.net'], state='absent')
    assert result['removed'] == ['a@example.net'] and stored_aliases(engine) == [('p@example.org', 'b@example.net')]
    result = ok('ispmail_alias', engine, source='p@example.org', state='absent')
    assert result['changed'] is True and result['diff']['after'] == {'source': 'p@example.org', 'state': 'absent'}
    assert stored_aliases(engine) == []
    assert ok('ispmail_alias', engine, source='p@example.org', state='absent')['changed'] is False


def test_an_alias_loop_and_a_missing_domain_are_refused():
    engine = with_domains('example.org')
    engine.seed(INSERT_ALIAS, (1, 'a@example.org', 'b@example.org'))
    msg = refused('ispmail_alias', engine, source='b@example.org', destinations=['a@example.org'])
    assert msg.startswith('this would make a forwarding loop, which Postfix defers')
    msg = refused('ispmail_alias', engine, source='@example.org', destinations=['nobody@example.org'])
    assert msg.startswith('this would make a forwarding loop through a catch-all')
    msg = refused('ispmail_alias', engine, source='x@example.net', destinations=['a@example.org'])
    assert "the domain 'example.net' of alias source 'x@example.net' does not exist" in msg
    assert 'destinations are required with state present' in refused('ispmail_alias', engine, source='x@example.org')


def test_check_mode_writes_no_alias():
    engine = with_domains('example.org')
    engine.seed(INSERT_ALIAS, (1, 'p@example.org', 'a@example.net'))
    wanted = [{'source': 'q@example.org', 'destinations': ['a@example.net']}]
    result = ok('ispmail_alias', engine, True, aliases=wanted, exclusive=True)
    assert result['outcomes'] == {'q@example.org': 'created', 'p@example.org': 'removed'}
    assert engine.writes() == [] and stored_aliases(engine) == [('p@example.org', 'a@example.net')]


def test_the_alias_list_is_the_whole_truth_for_its_domains_only():
    engine = with_domains('example.org', 'example.net')
    engine.seed(INSERT_ALIAS, (1, 'old@example.org', 'a@example.net'), (2, 'x@example.net', 'a@example.org'))
    result = ok('ispmail_alias', engine, aliases=[{'source': 'new@example.org', 'destinations': 'a@example.net'}],
                exclusive=True)
    assert result['counts'] == {'created': 1, 'updated': 0, 'removed': 1, 'unchanged': 0}
    assert stored_aliases(engine) == [('new@example.org', 'a@example.net'), ('x@example.net', 'a@example.org')]


# -- ispmail_db_account --------------------------------------------------------------------------
def test_an_account_is_created_granted_and_then_unchanged():
    engine = FakeEngine()
    text = output('ispmail_db_account', dict(DB, name='mailserver', password='Lookup-pw-1'), engine)
    assert 'Lookup-pw-1' not in text and DB['login_password'] not in text
    # The server gets mysql_native_password's hash, made here, never the password as text.
    assert engine.writes() == [('CREATE USER %s@%s IDENTIFIED BY PASSWORD %s',
                                ('mailserver', 'localhost', native_hash('Lookup-pw-1'))),
                               ('GRANT SELECT ON `mailserver`.* TO %s@%s', ('mailserver', 'localhost'))]
    assert engine.accounts_table == {('mailserver', 'localhost'): {'password': native_hash('Lookup-pw-1'),
                                                                   'privileges': ['SELECT']}}
    result = ok('ispmail_db_account', fresh(engine), name='mailserver', password='Lookup-pw-1')
    assert result['changed'] is False and engine.writes() == [] and result['account'] == 'mailserver@localhost'
    assert result['diff']['before'] == result['diff']['after'] == {'privileges': ['SELECT'], 'password': 'unchanged'}


def test_an_account_password_and_privileges_follow_the_options():
    engine = FakeEngine()
    engine.accounts_table[('admin', '127.0.0.1')] = {'password': native_hash('Old-pw-1'), 'privileges': ['SELECT']}
    args = dict(name='admin', host='127.0.0.1', password='New-pw-1', privileges=['SELECT', 'DELETE'],
                login_db='mail_db')
    kept = ok('ispmail_db_account', engine, update_password='on_create', **args)
    assert kept['diff']['after'] == {'privileges': ['DELETE', 'SELECT'], 'password': 'unchanged'}
    # '_' is a wildcard in GRANT: escaped, the grant is on mail_db alone.
    assert [sql for sql, dummy in engine.writes()] == ['REVOKE ALL PRIVILEGES ON `mail\\_db`.* FROM %s@%s',
                                                       'GRANT DELETE, SELECT ON `mail\\_db`.* TO %s@%s']
    result = ok('ispmail_db_account', fresh(engine), **args)
    assert result['changed'] is True and result['diff']['after']['password'] == 'changed'
    assert engine.writes() == [('ALTER USER %s@%s IDENTIFIED BY PASSWORD %s',
                                ('admin', '127.0.0.1', native_hash('New-pw-1')))]


def test_an_account_without_privileges_gets_no_revoke():
    engine = FakeEngine()
    engine.accounts_table[('admin', 'localhost')] = {'password': native_hash('pw'), 'privileges': []}
    ok('ispmail_db_account', engine, name='admin', password='pw')
    assert [sql for sql, dummy in engine.writes()] == ['GRANT SELECT ON `mailserver`.* TO %s@%s']


def test_an_account_is_dropped_once_and_never_in_check_mode():
    engine = FakeEngine()
    engine.accounts_table[('old', 'localhost')] = {'password': 'pw', 'privileges': ['SELECT']}
    checked = ok('ispmail_db_account', engine, True, name='old', state='absent')
    assert checked['changed'] is True and engine.writes() == [] and ('old', 'localhost') in engine.accounts_table
    result = ok('ispmail_db_account', fresh(engine), name='old', state='absent')
    assert result['diff'] == {'before': {'privileges': ['SELECT'], 'password': 'unchanged'},
                              'after': {'account': 'old@localhost', 'state': 'absent'}}
    assert engine.writes() == [('DROP USER %s@%s', ('old', 'localhost'))] and engine.accounts_table == {}
    assert ok('ispmail_db_account', fresh(engine), name='old', state='absent')['changed'] is False


def test_a_new_account_needs_a_password_and_a_valid_name():
    engine = FakeEngine()
    assert refused('ispmail_db_account', engine, name='new') == 'account new@localhost does not exist yet: give its password'
    assert "letters, digits and '_' only" in refused('ispmail_db_account', engine, name='bad name', password='x')
    assert 'host' in refused('ispmail_db_account', engine, name='ok', host='a b', password='x')


# -- mail directories on the host (after the commit) ---------------------------------------------
def test_remove_mail_removes_the_directories_of_what_went_and_only_after_check_mode(tmp_path):
    root = tmp_path / 'vmail'
    (root / 'example.org' / 'john').mkdir(parents=True)
    (root / 'old.example').mkdir()
    engine = with_domains('example.org')
    engine.seed(INSERT_USER, (1, 'john@example.org', HASH, 0))
    args = dict(email='john@example.org', state='absent', remove_mail=True, mail_root=str(root))
    checked = ok('ispmail_user', engine, True, **args)
    assert checked['mail_removed'] == [str(root / 'example.org' / 'john')] and (root / 'example.org' / 'john').is_dir()
    result = ok('ispmail_user', engine, **args)
    assert result['mail_removed'] == [str(root / 'example.org' / 'john')] and not (root / 'example.org' / 'john').exists()
    gone = ok('ispmail_domain', engine, name='old.example', state='absent', remove_mail=True, mail_root=str(root))
    assert gone['changed'] is True and gone['mail_removed'] == [str(root / 'old.example')]
    assert not (root / 'old.example').exists() and (root / 'example.org').is_dir()
    again = ok('ispmail_domain', engine, name='old.example', state='absent', remove_mail=True, mail_root=str(root))
    assert again['changed'] is False and again['mail_removed'] == []


def test_a_mail_directory_leading_out_of_the_mail_root_is_left_alone(tmp_path):
    root, outside = tmp_path / 'vmail', tmp_path / 'outside'
    (outside / 'john').mkdir(parents=True)
    root.mkdir()
    (root / 'example.org').symlink_to(outside)
    engine = with_domains('example.org')
    engine.seed(INSERT_USER, (1, 'john@example.org', HASH, 0))
    failed, result = run('ispmail_user', engine, email='john@example.org', state='absent', remove_mail=True,
                         mail_root=str(root))
    # Checked in the plan: the run fails before any write, the row stays with its mail.
    assert failed and 'not below' in result['msg'] and (outside / 'john').is_dir()
    assert engine.writes() == []


def test_a_rename_moves_the_mail_and_ends_the_old_sessions(tmp_path, monkeypatch):
    from ansible_collections.ispmail.mailserver.plugins.module_utils.host import doveadm
    kicked = []
    monkeypatch.setattr(doveadm.Doveadm, 'kick', lambda self, user: kicked.append(user) or True)
    root = tmp_path / 'vmail'
    (root / 'example.org' / 'old' / 'cur').mkdir(parents=True)
    (root / 'example.org' / 'old' / 'cur' / 'mail1').write_text('hello')
    engine = with_domains('example.org')
    engine.seed(INSERT_USER, (1, 'old@example.org', HASH, 3))
    engine.seed(INSERT_ALIAS, (1, 'boss@example.org', 'old@example.org'), (1, 'info@example.org', 'old@example.org'),
                (1, 'info@example.org', 'new@example.org'))
    result = ok('ispmail_user', engine, email='new@example.org', rename_from='old@example.org', mail_root=str(root))
    assert result['changed'] is True and result['sessions_ended'] == ['old@example.org'] == kicked
    assert (root / 'example.org' / 'new' / 'cur' / 'mail1').read_text() == 'hello'
    assert not (root / 'example.org' / 'old').exists() and len(result['mail_moved']) == 1
    assert stored_users(engine) == {'new@example.org': (HASH, 3)}
    assert stored_aliases(engine) == [('boss@example.org', 'new@example.org'), ('info@example.org', 'new@example.org')]
    again = ok('ispmail_user', fresh(engine), email='new@example.org', rename_from='old@example.org',
               mail_root=str(root))
    assert again['changed'] is False and engine.writes() == [] and kicked == ['old@example.org']


def test_a_rename_onto_an_existing_user_or_of_an_absent_one_is_refused():
    engine = with_domains('example.org')
    engine.seed(INSERT_USER, (1, 'old@example.org', HASH, 0), (1, 'new@example.org', HASH, 0))
    msg = refused('ispmail_user', engine, email='new@example.org', rename_from='old@example.org')
    assert msg.startswith("cannot rename 'old@example.org' to 'new@example.org': both exist")
    msg = refused('ispmail_user', fresh(engine), email='new@example.org', rename_from='old@example.org',
                  state='absent')
    assert msg == "user 'new@example.org': rename_from needs state=present"
    msg = refused('ispmail_user', fresh(engine), users=[{'email': 'a@example.org', 'rename_from': 'old@example.org'},
                                                        {'email': 'old@example.org'}])
    assert 'renamed by one item and listed by another' in msg


def test_a_users_domain_option_must_be_its_own():
    """ispmail_info's user list, fed back as it is, carries each user's domain."""
    engine = with_domains('example.org')
    result = ok('ispmail_user', engine, users=[{'email': 'a@example.org', 'domain': 'Example.ORG', 'password_hash': HASH}])
    assert result['outcomes'] == {'a@example.org': 'created'}
    wrong_domain = [{'email': 'b@example.org', 'domain': 'example.net', 'password_hash': HASH}]
    msg = refused('ispmail_user', fresh(engine), users=wrong_domain)
    assert msg == "user 'b@example.org': domain 'example.net' is not the domain of the address"
