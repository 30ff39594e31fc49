# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail.mailserver.ispmail_info: read, filter and audit a directory, and feed it to the list forms."""

import json

import pytest

from tests.integration import dovecot_pw
from tests.integration.helpers import alias, assert_ok, domain, user
from tests.integration.lists_support import GIB, OTHER_PASSWORD, PASSWORD, info, on
from tests.integration.db_server import LOOKUP_PASSWORD, LOOKUP_USER

IDN = 'xn--bcher-kva.example'
# email -> (scheme, password, quota)
USERS = {
    'john@example.org': ('BLF-CRYPT', PASSWORD, GIB),
    'jane@example.org': ('SHA512-CRYPT', OTHER_PASSWORD, 0),
    'jim@example.net': ('ARGON2ID', 'Argon-Pass-1', 500 * 1024 ** 2),
    'anna@' + IDN: ('SHA256-CRYPT', 'Sha256-Pass-2', 0),
}
ALIASES = [
    ('postmaster@example.org', 'john@example.org'),
    ('postmaster@example.org', 'jane@example.org'),
    ('john@example.org', 'john@example.org'),  # keep a copy and forward
    ('john@example.org', 'john@elsewhere.example'),
    ('@example.net', 'jim@example.net'),  # catch-all
    ('info@' + IDN, 'anna@' + IDN),
]


def _seed(db):
    """A clean directory, written with SQL and hashes made by doveadm, as a hand-run server holds it."""
    for name in ('example.org', 'example.net', IDN):
        db.add_domain(name)
    for email, (scheme, password, quota) in sorted(USERS.items()):
        db.add_user(email, dovecot_pw.make_hash(scheme, password), quota=quota)
    for source, destination in ALIASES:
        db.add_alias(source, destination)


def _expected_users(has_quota, has_enabled=False):
    """ispmail_info's users; enabled where the schema has the column (the role's, PostgreSQL's)."""
    users = [{'email': email, 'domain': email.split('@')[1], 'quota': USERS[email][2] if has_quota else None,
              'password_scheme': USERS[email][0]} for email in sorted(USERS)]
    for user in users:
        if has_enabled:
            user['enabled'] = True
    return users


EXPECTED_ALIASES = [
    {'source': '@example.net', 'destinations': ['jim@example.net']},
    {'source': 'info@' + IDN, 'destinations': ['anna@' + IDN]},
    {'source': 'john@example.org', 'destinations': ['john@elsewhere.example', 'john@example.org']},
    {'source': 'postmaster@example.org', 'destinations': ['jane@example.org', 'john@example.org']},
]


def _registered(entry, name):
    return dict(entry, register=name)


@pytest.mark.parametrize('db', ['bookworm', 'buster'], indirect=True)
def test_lists_the_directory_without_hashes(db, run_tasks):
    _seed(db)
    before = db.snapshot()
    run = run_tasks([info(task_name='all'), info(task_name='check', check=True)])
    assert run.rc == 0, run.describe()
    result = run.task('all')
    assert_ok(run, result, False)
    assert result['domains'] == ['example.net', 'example.org', IDN]
    assert result['users'] == _expected_users(db.has_quota, db.has_column('virtual_users', 'enabled'))
    assert result['aliases'] == EXPECTED_ALIASES
    assert result['problems'] == []
    assert result['counts'] == {'domains': 3, 'users': 4, 'aliases': 4, 'problems': 0}
    assert run.task('check')['users'] == result['users']
    for stored in (row['password'] for row in db.users().values()):
        assert stored not in run.text and stored.split('}', 1)[1] not in run.text
    assert db.snapshot() == before


def test_hashes_only_when_asked(db, run_tasks):
    _seed(db)
    run = run_tasks([info(task_name='hashes', return_password_hashes=True)])
    assert run.rc == 0, run.describe()
    stored = dict((email, row['password']) for email, row in db.users().items())
    users = run.task('hashes')['users']
    assert [u['email'] for u in users] == sorted(USERS)
    for entry in users:
        assert entry['password_hash'] == stored[entry['email']]
        assert dovecot_pw.verify(entry['password_hash'], USERS[entry['email']][1])


def test_domain_filter(db, run_tasks):
    _seed(db)
    db.add_user('broken@example.net', '$2y$05$noprefixnoprefixnoprefixnoprefixnoprefixnoprefixnopre')
    run = run_tasks([
        info(task_name='org', domains=['Example.ORG']),
        info(task_name='idn', domains=['Bücher.example', 'example.org']),
        info(task_name='net', domains=['example.net']),
        info(task_name='none', domains=['unknown.example']),
    ])
    assert run.rc == 0, run.describe()
    org = run.task('org')
    assert org['domains'] == ['example.org']
    assert [u['email'] for u in org['users']] == ['jane@example.org', 'john@example.org']
    assert [a['source'] for a in org['aliases']] == ['john@example.org', 'postmaster@example.org']
    assert org['problems'] == []
    idn = run.task('idn')
    assert idn['domains'] == ['example.org', IDN]
    assert [u['email'] for u in idn['users']] == ['anna@' + IDN, 'jane@example.org', 'john@example.org']
    net = run.task('net')
    assert [u['email'] for u in net['users']] == ['broken@example.net', 'jim@example.net']
    assert [(p['type'], p['subject']) for p in net['problems']] == [('hash_no_scheme', 'broken@example.net')]
    none = run.task('none')
    assert (none['domains'], none['users'], none['aliases'], none['problems']) == ([], [], [], [])


def test_read_only_account_is_enough(db, run_tasks, mariadb):
    """The guide's SELECT-only account reads everything: the module never writes or locks."""
    _seed(db)
    lookup = {'login_host': mariadb.host, 'login_port': mariadb.port, 'login_user': LOOKUP_USER,
              'login_password': LOOKUP_PASSWORD, 'login_db': db.name}
    before = db.snapshot()
    run = run_tasks([info(task_name='read', return_password_hashes=True)], module_defaults=lookup)
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('read'), False)
    assert run.task('read')['counts']['users'] == 4
    assert not any(q.split()[0].upper() in ('INSERT', 'UPDATE', 'DELETE') for q in run.task('read')['queries'])
    assert db.snapshot() == before


def _feed(target, source_var, exclusive=False, task_prefix='', exclusive_domains=None):
    """The three list-form tasks that load a registered ispmail_info result into ``target``.

    exclusive: the users and aliases of the listed domains are the whole truth; and, unless
    exclusive_domains says otherwise, the listed domains are all the target's domains.
    """
    exclusive_domains = exclusive if exclusive_domains is None else exclusive_domains
    return [
        on(target, domain(task_name=task_prefix + 'domains', domains='{{ %s.domains }}' % source_var,
                          exclusive=exclusive_domains or None)),
        on(target, user(task_name=task_prefix + 'users', users='{{ %s.users }}' % source_var,
                        exclusive=exclusive or None)),
        on(target, alias(task_name=task_prefix + 'aliases', aliases='{{ %s.aliases }}' % source_var,
                         exclusive=exclusive or None)),
    ]


def test_info_output_rebuilds_the_directory_on_another_server(db, make_db, run_tasks, db_server, tmp_path):
    _seed(db)
    copy = make_db('trixie')  # another edition's schema
    run = run_tasks(
        [_registered(info(task_name='read', return_password_hashes=True), 'old')]
        + _feed(copy, 'old')
        + [on(copy, info(task_name='copy', return_password_hashes=True))]
        + _feed(copy, 'old', exclusive=True, task_prefix='again '))
    assert run.rc == 0, run.describe()
    old, new = run.task('read'), run.task('copy')
    for name in ('domains', 'users', 'aliases'):
        assert_ok(run, run.task(name), True)
        assert_ok(run, run.task('again ' + name), False)
        assert new[name] == old[name], name
    assert new['problems'] == []
    assert run.task('users')['counts'] == {'created': 4, 'updated': 0, 'removed': 0, 'unchanged': 0}
    for email, row in copy.users().items():
        assert dovecot_pw.verify(row['password'], USERS[email][1]), email
        assert row['quota'] == USERS[email][2]
    postfix = db_server.lookups(tmp_path / 'postfix-copy', copy.name)
    assert postfix.is_domain(IDN)
    assert postfix.is_mailbox('jim@example.net')
    assert postfix.alias_destinations('postmaster@example.org') == ['jane@example.org', 'john@example.org']
    assert postfix.resolve('anyone@example.net') == ['jim@example.net']


def test_one_domain_moves_with_its_hashes(db, make_db, run_tasks):
    _seed(db)
    target = make_db('bookworm')
    target.add_domain('example.net')  # the target's own domain stays
    target.add_user('own@example.net')
    run = run_tasks(
        [_registered(info(task_name='read', domains=['example.org'], return_password_hashes=True), 'moving')]
        + _feed(target, 'moving', exclusive=True, exclusive_domains=False)
        + [on(target, info(task_name='target'))])
    assert run.rc == 0, run.describe()
    assert run.task('target')['domains'] == ['example.net', 'example.org']
    assert sorted(target.users()) == ['jane@example.org', 'john@example.org', 'own@example.net']
    for email in ('jane@example.org', 'john@example.org'):
        assert dovecot_pw.verify(target.user(email)['password'], USERS[email][1])
    assert sorted(a['source'] for a in run.task('target')['aliases']) == \
        ['john@example.org', 'postmaster@example.org']


def test_adopting_a_server_changes_nothing(db, run_tasks):
    """Feeding the server its own directory, as the adopt walk-through does, is a no-op."""
    _seed(db)
    # Roundcube-era hashes in schemes the collection does not write: kept, since never rehashed
    db.add_user('legacy@example.org', dovecot_pw.make_hash('SSHA512', PASSWORD))
    db.add_user('roundcube@example.org', '{CRYPT}' + dovecot_pw.make_hash('SHA512-CRYPT', PASSWORD).split('}')[1])
    before = db.snapshot()
    run = run_tasks([
        _registered(info(task_name='read'), 'current'),
        domain(task_name='domains', domains='{{ current.domains }}', exclusive=True),
        # new users would get this password; existing ones keep theirs
        user(task_name='users', users='{{ current.users }}', exclusive=True, password='Initial-Secret-5',
             update_password='on_create'),
        alias(task_name='aliases', aliases='{{ current.aliases }}', exclusive=True),
        user(task_name='with hashes as well', users=[{'email': 'john@example.org', 'password_hash': '{PLAIN}x'}],
             password='Initial-Secret-5', update_password='on_create'),
    ], diff=True)
    assert run.rc == 0, run.describe()
    for name in ('domains', 'users', 'aliases', 'with hashes as well'):
        assert_ok(run, run.task(name), False)
    assert run.task('users')['counts'] == {'created': 0, 'updated': 0, 'removed': 0, 'unchanged': 6}
    schemes = dict((u['email'], u['password_scheme']) for u in run.task('read')['users'])
    assert (schemes['legacy@example.org'], schemes['roundcube@example.org']) == ('SSHA512', 'CRYPT')
    assert db.snapshot() == before


# (how to make the problem with SQL, type, subject, words of the message)
PROBLEMS = [
    ('alias_loop', 'loop1@example.org', 'loop1@example.org -> loop2@example.org -> loop1@example.org'),
    ('alias_loop', '@loop.example', '@loop.example -> x@loop.example -> @loop.example'),
    ('alias_no_mailbox', 'fwd@example.org', 'nobody@example.org'),
    ('duplicate_alias', 'dup@example.org', 'dup@example.org -> john@example.org'),
    ('hash_no_scheme', 'noprefix@example.org', '{SCHEME}'),
    ('hash_unknown_scheme', 'typo@example.org', 'BCRYPT'),
    ('quota_overflow', 'big@example.org', '2147483647'),
]


def _add_problems(db):
    db.add_alias('loop1@example.org', 'loop2@example.org')
    db.add_alias('loop2@example.org', 'loop1@example.org')
    db.add_domain('loop.example')
    db.add_alias('@loop.example', 'x@loop.example')
    db.add_alias('fwd@example.org', 'nobody@example.org')
    db.add_alias('dup@example.org', 'john@example.org')
    db.add_alias('dup@example.org', 'john@example.org')
    bcrypt_hash = dovecot_pw.make_hash('BLF-CRYPT', PASSWORD)
    db.add_user('noprefix@example.org', bcrypt_hash.split('}', 1)[1])
    db.add_user('typo@example.org', '{BCRYPT}' + bcrypt_hash.split('}', 1)[1])
    db.add_user('big@example.org', bcrypt_hash, quota=3 * GIB)


def test_audit_reports_every_kind_of_problem(db, run_tasks):
    _seed(db)
    _add_problems(db)
    run = run_tasks([info(task_name='audit')])
    assert run.rc == 0, run.describe()
    problems = run.task('audit')['problems']
    found = sorted((p['type'], p['subject']) for p in problems)
    assert found == sorted((kind, subject) for kind, subject, dummy in PROBLEMS), json.dumps(problems, indent=1)
    for kind, subject, words in PROBLEMS:
        message = next(p['message'] for p in problems if (p['type'], p['subject']) == (kind, subject))
        assert words in message, (kind, message)
    assert run.task('audit')['counts']['problems'] == len(PROBLEMS)
    # the problems do not hide the rows: everything is still listed
    assert 'typo@example.org' in [u['email'] for u in run.task('audit')['users']]
    assert {'source': 'dup@example.org', 'destinations': ['john@example.org']} in run.task('audit')['aliases']
    assert [u['password_scheme'] for u in run.task('audit')['users'] if u['email'] == 'typo@example.org'] == ['BCRYPT']
