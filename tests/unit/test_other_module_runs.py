"""ispmail_info, ispmail_directory and ispmail_dkim end to end without a server: the real modules
and frame over a FakeEngine, files in a temporary directory. The integration tests run them
against MariaDB and PostgreSQL and check the files with Postfix, Dovecot and rspamd."""
import os
import stat

from tests.unit.fake_engine import FakeEngine
from tests.unit.module_runner import output, run_module

HASH = '{SHA512-CRYPT}$6$salt$stored'
INSERT_USER = 'INSERT INTO virtual_users (domain_id, email, password, quota) VALUES (%s, %s, %s, %s)'
INSERT_ALIAS = 'INSERT INTO virtual_aliases (domain_id, source, destination) VALUES (%s, %s, %s)'


def ok(module, args, engine, check_mode=False):
    failed, result = run_module(module, args, engine, check_mode)
    assert not failed, result.get('msg')
    return result


def directory_server():
    engine = FakeEngine()
    engine.seed('INSERT INTO virtual_domains (name) VALUES (%s)', ('example.org',), ('example.net',))
    engine.seed(INSERT_USER, (1, 'john@example.org', HASH, 0), (1, 'nohash@example.org', 'plain', 0),
                (2, 'odd@example.org', '{WEIRD}x', 3000000000), (2, 'fine@example.net', HASH, 2147483647))
    engine.seed(INSERT_ALIAS, (1, 'a@example.org', 'b@example.org'), (1, 'b@example.org', 'a@example.org'),
                (1, 'x@example.org', 'missing@example.org'), (1, 'x@example.org', 'missing@example.org'),
                (2, 'y@example.net', 'far@elsewhere.example'), (2, 'z@example.net', 'fine@example.net'))
    return engine


# -- ispmail_info --------------------------------------------------------------------------------
def test_info_lists_the_directory_and_its_problems_without_hashes():
    engine = directory_server()
    text = output('ispmail_info', {}, engine)
    assert HASH not in text and '$6$salt' not in text
    result = ok('ispmail_info', {}, engine)
    assert result['changed'] is False and result['domains'] == ['example.net', 'example.org']
    assert result['users'][0] == {'email': 'fine@example.net', 'domain': 'example.net', 'quota': 2147483647,
                                  'password_scheme': 'SHA512-CRYPT'}
    assert [(p['type'], p['subject']) for p in result['problems']] == [
        ('alias_loop', 'a@example.org'), ('alias_no_mailbox', 'x@example.org'), ('duplicate_alias', 'x@example.org'),
        ('hash_no_scheme', 'nohash@example.org'), ('hash_unknown_scheme', 'odd@example.org'),
        ('quota_overflow', 'odd@example.org'), ('user_domain_mismatch', 'odd@example.org')]
    assert result['counts'] == {'domains': 2, 'users': 4, 'aliases': 5, 'problems': 7}
    assert engine.writes() == [] and ('BEGIN', False) in engine.statements


def test_info_for_some_domains_and_with_hashes():
    engine = directory_server()
    result = ok('ispmail_info', {'domains': ['Example.NET'], 'return_password_hashes': True}, engine)
    assert result['domains'] == ['example.net']
    assert [user['email'] for user in result['users']] == ['fine@example.net']
    assert result['users'][0]['password_hash'] == HASH
    assert [alias['source'] for alias in result['aliases']] == ['y@example.net', 'z@example.net']
    assert result['problems'] == []


def test_info_writes_the_directory_file_privately_and_only_when_it_differs(tmp_path):
    engine = directory_server()
    dest = str(tmp_path / 'directory.yml')
    checked = ok('ispmail_info', {'dest': dest}, engine, check_mode=True)
    assert checked['changed'] is True and not os.path.exists(dest)
    written = ok('ispmail_info', {'dest': dest}, engine)
    assert written['changed'] is True and written['dest'] == dest
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    text = open(dest).read()
    assert 'john@example.org' in text and HASH not in text
    assert ok('ispmail_info', {'dest': dest}, engine)['changed'] is False


def test_info_refuses_a_quota_threshold_out_of_range():
    failed, result = run_module('ispmail_info', {'quota_usage': True, 'quota_threshold': 0}, FakeEngine())
    assert failed and result['msg'] == 'quota_threshold must be a percentage from 1 to 100, not 0'


# -- ispmail_directory ---------------------------------------------------------------------------
DIRECTORY = {'domains': ['example.org', 'example.net'],
             'users': [{'email': 'j@example.org', 'password': 'Secret-1234', 'password_scheme': 'SHA512-CRYPT'},
                       {'email': 'k@example.net', 'password_hash': HASH, 'quota': '1K'}],
             'aliases': [{'source': 'p@example.org', 'destinations': ['j@example.org', 'k@example.net']}]}


def table_rows(engine):
    return (engine.rows('SELECT name FROM virtual_domains ORDER BY name'),
            engine.rows('SELECT email, quota FROM virtual_users ORDER BY email'),
            engine.rows('SELECT source, destination FROM virtual_aliases ORDER BY destination'))


def test_a_directory_rehearsed_in_check_mode_is_rolled_back():
    engine = FakeEngine()
    result = ok('ispmail_directory', {'directory': DIRECTORY}, engine, check_mode=True)
    assert result['changed'] is True and result['password_changed'] == 2
    assert result['counts']['aliases'] == {'created': 1, 'updated': 0, 'removed': 0, 'unchanged': 0}
    assert ('COMMIT', None) not in engine.statements and ('ROLLBACK', None) in engine.statements
    assert table_rows(engine) == ([], [], [])
    assert all('Secret-1234' not in str(params) for sql, params in engine.statements)


def test_a_directory_is_applied_in_one_transaction_then_unchanged():
    engine = FakeEngine()
    text = output('ispmail_directory', {'directory': DIRECTORY}, engine)
    assert 'Secret-1234' not in text and HASH not in text
    assert [s for s, dummy in engine.statements if s in ('BEGIN', 'COMMIT')] == ['BEGIN', 'COMMIT']
    assert table_rows(engine) == ([('example.net',), ('example.org',)], [('j@example.org', 0), ('k@example.net', 1024)],
                                  [('p@example.org', 'j@example.org'), ('p@example.org', 'k@example.net')])
    again = ok('ispmail_directory', {'directory': DIRECTORY, 'update_password': 'on_create'}, engine)
    assert again['changed'] is False and again['password_changed'] == 0
    assert again['invocation']['module_args']['directory'] == '(2 domains, 2 users, 1 aliases, not echoed)'


def test_an_exclusive_directory_removes_the_rest_and_guards_domains():
    engine = directory_server()
    smaller = {'domains': ['example.org'], 'users': [{'email': 'john@example.org', 'password_hash': HASH}]}
    failed, result = run_module('ispmail_directory', {'directory': smaller, 'exclusive': True}, engine)
    assert failed and 'example.net' in result['msg'] and 'force' in result['msg']
    assert ('COMMIT', None) not in engine.statements
    result = ok('ispmail_directory', {'directory': smaller, 'exclusive': True, 'force': True}, engine)
    assert result['changes']['domains'] == {'example.net': 'removed'}
    assert table_rows(engine) == ([('example.org',)], [('john@example.org', 0)], [])


def test_a_bad_directory_entry_fails_the_whole_run():
    engine = FakeEngine()
    bad = dict(DIRECTORY, aliases=[{'source': 'p@example.org', 'destinations': ['not an address']}])
    failed, result = run_module('ispmail_directory', {'directory': bad}, engine)
    assert failed and 'not an address' in result['msg'] and table_rows(engine) == ([], [], [])


# -- ispmail_dkim --------------------------------------------------------------------------------
def test_a_dkim_key_is_made_once_its_record_listed_and_removed(tmp_path):
    engine = FakeEngine()
    engine.seed('INSERT INTO virtual_domains (name) VALUES (%s)', ('example.org',))
    args = {'domain': 'example.org', 'selector': 's1', 'key_dir': str(tmp_path), 'owner': 'root',
            'key_type': 'ed25519'}
    checked = ok('ispmail_dkim', args, engine, check_mode=True)
    assert checked['changed'] is True and os.listdir(str(tmp_path)) == []
    made = ok('ispmail_dkim', args, engine)
    assert made['changed'] is True and made['dns_record']['name'] == 's1._domainkey.example.org'
    assert made['dns_record']['value'].startswith('v=DKIM1; k=ed25519; p=')
    assert stat.S_IMODE(os.stat(made['key_file']).st_mode) == 0o600
    assert ok('ispmail_dkim', args, engine)['changed'] is False
    info = ok('ispmail_info', {'dns_records': True, 'mail_host': 'MX.example.org', 'dkim_key_dir': str(tmp_path),
                               'dmarc_policy': 'reject'}, engine)
    assert info['dns_records'][:4] == [
        {'name': 'example.org', 'type': 'MX', 'value': '10 mx.example.org.'},
        {'name': 'example.org', 'type': 'TXT', 'value': 'v=spf1 mx ~all'},
        {'name': '_dmarc.example.org', 'type': 'TXT', 'value': 'v=DMARC1; p=reject'}, made['dns_record']]
    assert info['dns_records'][-1] == {'name': '_imaps._tcp.example.org', 'type': 'SRV',
                                       'value': '0 1 993 mx.example.org.'}
    gone = ok('ispmail_dkim', dict(args, state='absent'), engine)
    assert gone['changed'] is True and not os.path.exists(made['key_file'])
    assert engine.writes() == []


def test_a_dkim_key_needs_its_domain(tmp_path):
    failed, result = run_module('ispmail_dkim', {'domain': 'example.org', 'selector': 's1', 'key_dir': str(tmp_path),
                                                 'owner': 'root'}, FakeEngine())
    assert failed and 'example.org' in result['msg'] and os.listdir(str(tmp_path)) == []
