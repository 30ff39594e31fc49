# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail.mailserver.ispmail_user through real playbook runs, cross-checked with postmap -q and doveadm pw -t."""

import re

import pytest

from tests.integration import dovecot_pw
from tests.integration.database import SCHEMAS
from tests.integration.helpers import (assert_clean_failure, assert_no_traceback, assert_ok, assert_prediction, diff_of, user)
from tests.integration.db_server import ADMIN_PASSWORD

PASSWORD = 'Correct-Horse-7!battery'
OTHER_PASSWORD = 'Tr0ub4dor&3-other'
UNICODE_PASSWORD = 'pässwörd mit Leerzeichen ✓'


def stored_hash(db, email):
    return db.user(email)['password']


@pytest.mark.parametrize('db', SCHEMAS, indirect=True)
def test_create_check_idempotent_then_delete(db, run_tasks, postmap):
    db.add_domain('example.org')
    run = run_tasks([
        db.snapshot_task('before'),
        user(task_name='check create', email='john@example.org', password=PASSWORD, check=True, diff=True),
        db.snapshot_task('after check'),
        user(task_name='create', email='john@example.org', password=PASSWORD, diff=True),
        db.snapshot_task('after create'),
        user(task_name='again', email='john@example.org', password=PASSWORD, diff=True),
        user(task_name='check again', email='john@example.org', password=PASSWORD, check=True),
        db.snapshot_task('after again'),
    ])
    assert run.rc == 0, run.describe()
    assert_no_traceback(run)
    check, create, again = run.task('check create'), run.task('create'), run.task('again')
    assert run.snapshot('after check') == run.snapshot('before')
    assert_ok(run, check, True)
    assert_ok(run, create, True)
    assert_prediction(check, create, ('user', 'password_changed'))
    expected_quota = None if db.schema == 'buster' else 0
    assert create['user'] == {'email': 'john@example.org', 'domain': 'example.org', 'quota': expected_quota}
    assert create['password_changed'] is True
    before, after = diff_of(create)
    assert before != after
    assert_ok(run, again, False)
    assert again['password_changed'] is False
    assert again['user'] == create['user']
    assert diff_of(again)[0] == diff_of(again)[1]
    assert_ok(run, run.task('check again'), False)
    assert run.snapshot('after again') == run.snapshot('after create'), 'an unchanged run rewrote the hash'

    stored = stored_hash(db, 'john@example.org')
    assert stored.startswith('{BLF-CRYPT}$2')
    assert dovecot_pw.verify(stored, PASSWORD)
    assert not dovecot_pw.verify(stored, OTHER_PASSWORD)
    if db.has_quota:
        assert db.user('john@example.org')['quota'] == 0
    assert db.user('john@example.org')['domain'] == 'example.org'
    assert postmap.is_mailbox('john@example.org')
    assert postmap.query('john@example.org', 'email2email') == 'john@example.org'

    run = run_tasks([
        user(task_name='check delete', email='john@example.org', state='absent', check=True, diff=True),
        db.snapshot_task('after check'),
        user(task_name='delete', email='john@example.org', state='absent', diff=True),
        user(task_name='delete again', email='john@example.org', state='absent'),
    ])
    assert run.rc == 0, run.describe()
    assert [row['email'] for row in run.snapshot('after check')['virtual_users']] == ['john@example.org']
    assert_ok(run, run.task('check delete'), True)
    assert_ok(run, run.task('delete'), True)
    assert_prediction(run.task('check delete'), run.task('delete'), ('user',))
    assert not run.task('delete').get('user')
    before, after = diff_of(run.task('delete'))
    assert before != after
    assert_ok(run, run.task('delete again'), False)
    assert db.users() == {}
    assert not postmap.is_mailbox('john@example.org')
    assert postmap.query('john@example.org', 'email2email') is None
    assert db.domains() == ['example.org'], 'deleting a user must keep its domain'


SCHEMES = list(dovecot_pw.SCHEMES) + ['ARGON2I']


# Hashing and checking are the module's (Python, doveadm); the engine stores a string: MariaDB alone.
@pytest.mark.engine_free
@pytest.mark.parametrize('scheme', SCHEMES)
def test_password_schemes_verify_with_doveadm(db, run_tasks, scheme):
    db.add_domain('example.org')
    run = run_tasks([
        user(task_name='create', email='john@example.org', password=PASSWORD, password_scheme=scheme),
        user(task_name='unicode', email='jane@example.org', password=UNICODE_PASSWORD, password_scheme=scheme),
        db.snapshot_task('created'),
        user(task_name='again', email='john@example.org', password=PASSWORD, password_scheme=scheme),
        user(task_name='unicode again', email='jane@example.org', password=UNICODE_PASSWORD,
             password_scheme=scheme),
        db.snapshot_task('after again'),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('create'), True)
    assert_ok(run, run.task('again'), False)
    assert_ok(run, run.task('unicode again'), False)
    assert run.snapshot('after again') == run.snapshot('created')
    for email, password in (('john@example.org', PASSWORD), ('jane@example.org', UNICODE_PASSWORD)):
        stored = stored_hash(db, email)
        assert dovecot_pw.scheme_of(stored) == scheme
        assert dovecot_pw.verify(stored, password), stored
        assert not dovecot_pw.verify(stored, password + 'x')
    assert stored_hash(db, 'john@example.org') != stored_hash(db, 'jane@example.org')


# Hashing and checking are the module's (Python, doveadm); the engine stores a string: MariaDB alone.
@pytest.mark.engine_free
@pytest.mark.parametrize('scheme', dovecot_pw.SCHEMES)
def test_hash_made_by_doveadm_is_recognized_as_unchanged(db, run_tasks, scheme):
    """A hash Dovecot itself wrote ($2y$, its argon2 and crypt parameters) verifies in the module too."""
    db.add_domain('example.org')
    stored = dovecot_pw.make_hash(scheme, PASSWORD)
    db.add_user('john@example.org', stored)
    run = run_tasks([
        user(task_name='same', email='john@example.org', password=PASSWORD, password_scheme=scheme),
        user(task_name='check other', email='john@example.org', password=OTHER_PASSWORD, password_scheme=scheme,
             check=True),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('same'), False)
    assert run.task('same')['password_changed'] is False
    assert_ok(run, run.task('check other'), True)
    assert run.task('check other')['password_changed'] is True
    assert stored_hash(db, 'john@example.org') == stored


def test_changed_password_is_rewritten(db, run_tasks):
    db.add_domain('example.org')
    run = run_tasks([
        user(task_name='create', email='john@example.org', password=PASSWORD),
        db.snapshot_task('created'),
        user(task_name='check change', email='john@example.org', password=OTHER_PASSWORD, check=True, diff=True),
        db.snapshot_task('after check'),
        user(task_name='change', email='john@example.org', password=OTHER_PASSWORD, diff=True),
        user(task_name='change again', email='john@example.org', password=OTHER_PASSWORD),
    ])
    assert run.rc == 0, run.describe()
    assert run.snapshot('after check') == run.snapshot('created')
    check, change = run.task('check change'), run.task('change')
    assert_ok(run, change, True)
    assert_prediction(check, change, ('user', 'password_changed'))
    assert change['password_changed'] is True
    before, after = diff_of(change)
    assert before != after
    assert_ok(run, run.task('change again'), False)
    stored = stored_hash(db, 'john@example.org')
    assert dovecot_pw.verify(stored, OTHER_PASSWORD)
    assert not dovecot_pw.verify(stored, PASSWORD)


# Hashing and checking are the module's (Python, doveadm); the engine stores a string: MariaDB alone.
@pytest.mark.engine_free
@pytest.mark.parametrize('old_scheme, new_scheme', [
    ('BLF-CRYPT', 'SHA512-CRYPT'),
    ('SHA512-CRYPT', 'BLF-CRYPT'),
    ('SHA256-CRYPT', 'ARGON2ID'),
    ('ARGON2ID', 'BLF-CRYPT'),
    ('SSHA512', 'BLF-CRYPT'),
    ('PLAIN-MD5', 'BLF-CRYPT'),
])
def test_hash_in_another_scheme_is_replaced(db, run_tasks, old_scheme, new_scheme):
    db.add_domain('example.org')
    db.add_user('john@example.org', dovecot_pw.make_hash(old_scheme, PASSWORD))
    run = run_tasks([
        user(task_name='check', email='john@example.org', password=PASSWORD, password_scheme=new_scheme,
             check=True),
        user(task_name='switch', email='john@example.org', password=PASSWORD, password_scheme=new_scheme),
        user(task_name='again', email='john@example.org', password=PASSWORD, password_scheme=new_scheme),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('switch'), True)
    assert run.task('switch')['password_changed'] is True
    assert_prediction(run.task('check'), run.task('switch'), ('password_changed',))
    assert_ok(run, run.task('again'), False)
    stored = stored_hash(db, 'john@example.org')
    assert dovecot_pw.scheme_of(stored) == new_scheme
    assert dovecot_pw.verify(stored, PASSWORD)


def test_update_password_on_create(db, run_tasks):
    db.add_domain('example.org')
    db.add_user('john@example.org', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD))
    before = stored_hash(db, 'john@example.org')
    run = run_tasks([
        user(task_name='existing', email='john@example.org', password=OTHER_PASSWORD, update_password='on_create'),
        user(task_name='existing other scheme', email='john@example.org', password=OTHER_PASSWORD,
             password_scheme='SHA512-CRYPT', update_password='on_create'),
        user(task_name='new', email='jane@example.org', password=OTHER_PASSWORD, update_password='on_create'),
        user(task_name='new again', email='jane@example.org', password=PASSWORD, update_password='on_create'),
    ])
    assert run.rc == 0, run.describe()
    for name in ('existing', 'existing other scheme'):
        assert_ok(run, run.task(name), False)
        assert run.task(name)['password_changed'] is False
    assert stored_hash(db, 'john@example.org') == before
    assert_ok(run, run.task('new'), True)
    assert run.task('new')['password_changed'] is True
    assert_ok(run, run.task('new again'), False)
    assert dovecot_pw.verify(stored_hash(db, 'jane@example.org'), OTHER_PASSWORD)


def test_password_hash_is_stored_as_given(db, run_tasks):
    db.add_domain('example.org')
    ready = dovecot_pw.make_hash('SHA512-CRYPT', PASSWORD)
    other = dovecot_pw.make_hash('BLF-CRYPT', OTHER_PASSWORD)
    run = run_tasks([
        user(task_name='create', email='john@example.org', password_hash=ready),
        user(task_name='again', email='john@example.org', password_hash=ready),
        user(task_name='check other', email='john@example.org', password_hash=other, check=True),
        db.snapshot_task('after check'),
        user(task_name='other', email='john@example.org', password_hash=other),
        user(task_name='on_create', email='john@example.org', password_hash=ready, update_password='on_create'),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('create'), True)
    assert_ok(run, run.task('again'), False)
    assert run.snapshot('after check')['virtual_users'][0]['password'] == ready
    assert_prediction(run.task('check other'), run.task('other'), ('password_changed',))
    assert run.task('other')['password_changed'] is True
    assert_ok(run, run.task('on_create'), False)
    assert stored_hash(db, 'john@example.org') == other
    assert dovecot_pw.verify(other, OTHER_PASSWORD)


BAD_HASHES = [
    ('$2y$05$abcdefghijklmnopqrstuu5vE1qFjE2ByZoO1t3.Z3bCVHpXyLy7S', ('prefix',)),  # no {SCHEME}
    ('{NOSUCH}abc', ('NOSUCH',)),
    ('{BLF-CRYPT}', ()),
    ('{BLF-CRYPT}$2y$05$ab cd', ()),
    ('{PLAIN}' + 'x' * 150, (re.compile(r'\b150\b'),)),  # longer than password varchar(150)
]


# Its inputs fail in the module before the database is read: the engine plays no part
# (the column limits, from the engine's schema: test_alias.py, test_values_longer_than_their_columns_fail).
@pytest.mark.engine_free
def test_bad_password_input_fails_and_writes_nothing(db, run_tasks):
    db.add_domain('example.org')
    db.add_user('jane@example.org', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD))
    tasks = [db.snapshot_task('before')]
    for index, (bad, _fragments) in enumerate(BAD_HASHES):
        for email in ('john@example.org', 'jane@example.org'):
            tasks.append(user(task_name='hash %d %s' % (index, email), email=email, password_hash=bad,
                              ignore_errors=True))
    tasks += [
        user(task_name='empty password', email='john@example.org', password='', ignore_errors=True),
        user(task_name='no password on create', email='john@example.org', ignore_errors=True),
        user(task_name='both', email='john@example.org', password=PASSWORD,
             password_hash=dovecot_pw.make_hash('BLF-CRYPT', PASSWORD), ignore_errors=True),
        user(task_name='bad scheme', email='john@example.org', password=PASSWORD, password_scheme='MD5-CRYPTX',
             ignore_errors=True),
        db.snapshot_task('after'),
    ]
    run = run_tasks(tasks)
    assert run.snapshot('after') == run.snapshot('before')
    for index, (bad, fragments) in enumerate(BAD_HASHES):
        for email in ('john@example.org', 'jane@example.org'):
            assert_clean_failure(run, run.task('hash %d %s' % (index, email)), *fragments)
    assert_clean_failure(run, run.task('empty password'), 'password')
    assert_clean_failure(run, run.task('no password on create'), 'password')
    assert_clean_failure(run, run.task('both'), 'password_hash')
    assert_clean_failure(run, run.task('bad scheme'), 'password_scheme')
    for bad in (BAD_HASHES[0][0], BAD_HASHES[-1][0]):
        assert bad not in run.text, 'a password_hash (no_log) shows in the output'


# Sizes are read by the module; the engine matters for what its column holds (the largest, on both).
PARSED = pytest.mark.engine_free


@pytest.mark.parametrize('quota, expected', [
    pytest.param('2G', 2147483648, marks=PARSED),
    pytest.param('2 GB', 2147483648, marks=PARSED),
    pytest.param('10M', 10485760, marks=PARSED),
    pytest.param('512K', 524288, marks=PARSED),
    pytest.param('1.5G', 1610612736, marks=PARSED),
    (5000000000, 5000000000),
    pytest.param('5000000000', 5000000000, marks=PARSED),
    ('1T', 1099511627776),
    pytest.param(0, 0, marks=PARSED),
])
def test_quota_sizes(db, run_tasks, quota, expected):
    db.add_domain('example.org')
    run = run_tasks([
        user(task_name='create', email='john@example.org', password=PASSWORD, quota=quota),
        user(task_name='again as bytes', email='john@example.org', password=PASSWORD, quota=expected),
        user(task_name='again as given', email='john@example.org', quota=quota),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('create'), True)
    assert run.task('create')['user']['quota'] == expected
    assert_ok(run, run.task('again as bytes'), False)
    assert_ok(run, run.task('again as given'), False)
    assert db.user('john@example.org')['quota'] == expected


def test_quota_unset_keeps_and_changes_only_quota(db, run_tasks):
    db.add_domain('example.org')
    db.add_user('john@example.org', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD), quota=1024)
    hashed = stored_hash(db, 'john@example.org')
    run = run_tasks([
        user(task_name='unset', email='john@example.org', password=PASSWORD),
        user(task_name='no password, unset quota', email='john@example.org'),
        user(task_name='check set', email='john@example.org', quota='1M', check=True, diff=True),
        user(task_name='set', email='john@example.org', quota='1M', diff=True),
        user(task_name='unlimited', email='john@example.org', quota=0),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('unset'), False)
    assert run.task('unset')['user']['quota'] == 1024
    assert_ok(run, run.task('no password, unset quota'), False)
    assert_ok(run, run.task('set'), True)
    assert run.task('set')['password_changed'] is False
    assert run.task('set')['user']['quota'] == 1048576
    assert_prediction(run.task('check set'), run.task('set'), ('user', 'password_changed'))
    before, after = diff_of(run.task('set'))
    assert '1024' in str(before) and '1048576' in str(after)
    assert_ok(run, run.task('unlimited'), True)
    assert db.user('john@example.org')['quota'] == 0
    assert stored_hash(db, 'john@example.org') == hashed


def test_bad_quota_fails_and_writes_nothing(db, run_tasks):
    db.add_domain('example.org')
    db.add_user('jane@example.org', quota=100)
    bad = ['lots', '-1', -5, '2X', '', 'G', True]
    tasks = [db.snapshot_task('before')]
    for index, quota in enumerate(bad):
        tasks.append(user(task_name='new %d' % index, email='john@example.org', password=PASSWORD, quota=quota,
                          ignore_errors=True))
        tasks.append(user(task_name='old %d' % index, email='jane@example.org', quota=quota, ignore_errors=True))
    tasks.append(db.snapshot_task('after'))
    run = run_tasks(tasks)
    assert run.snapshot('after') == run.snapshot('before')
    for index in range(len(bad)):
        assert_clean_failure(run, run.task('new %d' % index), 'quota')
        assert_clean_failure(run, run.task('old %d' % index), 'quota')


@pytest.mark.parametrize('db', ['bullseye'], indirect=True)
def test_int11_quota_column_refuses_what_it_cannot_hold(db, run_tasks):
    db.add_domain('example.org')
    db.add_user('jane@example.org', quota=100)
    run = run_tasks([
        db.snapshot_task('before'),
        user(task_name='new 2G', email='john@example.org', password=PASSWORD, quota='2G', ignore_errors=True),
        user(task_name='check new 2G', email='john@example.org', password=PASSWORD, quota='2G', check=True,
             ignore_errors=True),
        user(task_name='old 2G', email='jane@example.org', quota=2147483648, ignore_errors=True),
        user(task_name='old 5G', email='jane@example.org', quota='5G', ignore_errors=True),
        db.snapshot_task('after'),
        user(task_name='max', email='john@example.org', password=PASSWORD, quota=2147483647),
        user(task_name='1G', email='jane@example.org', quota='1G'),
    ])
    assert run.snapshot('after') == run.snapshot('before')
    for name in ('new 2G', 'check new 2G', 'old 2G', 'old 5G'):
        assert_clean_failure(run, run.task(name), 'quota', '2147483647')
    assert_ok(run, run.task('max'), True)
    assert_ok(run, run.task('1G'), True)
    assert db.user('john@example.org')['quota'] == 2147483647
    assert db.user('jane@example.org')['quota'] == 1073741824


@pytest.mark.parametrize('db', ['buster'], indirect=True)
def test_schema_without_quota_column(db, run_tasks, postmap):
    db.add_domain('example.org')
    run = run_tasks([
        user(task_name='create', email='john@example.org', password=PASSWORD),
        user(task_name='again', email='john@example.org', password=PASSWORD),
        db.snapshot_task('before'),
        user(task_name='quota on create', email='jane@example.org', password=PASSWORD, quota='1G',
             ignore_errors=True),
        user(task_name='quota on update', email='john@example.org', quota='1G', ignore_errors=True),
        user(task_name='check quota', email='john@example.org', quota=1024, check=True, ignore_errors=True),
        db.snapshot_task('after'),
        user(task_name='new password', email='john@example.org', password=OTHER_PASSWORD),
    ])
    assert_ok(run, run.task('create'), True)
    assert run.task('create')['user']['quota'] is None
    assert_ok(run, run.task('again'), False)
    assert run.snapshot('after') == run.snapshot('before')
    for name in ('quota on create', 'quota on update', 'check quota'):
        assert_clean_failure(run, run.task(name), 'quota', 'column')
    assert_ok(run, run.task('new password'), True)
    assert dovecot_pw.verify(stored_hash(db, 'john@example.org'), OTHER_PASSWORD)
    assert postmap.is_mailbox('john@example.org')
    assert not postmap.is_mailbox('jane@example.org')


@pytest.mark.parametrize('db', ['bookworm', 'trixie'], indirect=True)
def test_missing_domain_is_named(db, run_tasks):
    db.add_domain('example.org')
    run = run_tasks([
        db.snapshot_task('before'),
        user(task_name='missing', email='john@example.net', password=PASSWORD, ignore_errors=True),
        user(task_name='check missing', email='john@example.net', password=PASSWORD, check=True,
             ignore_errors=True),
        user(task_name='idn missing', email='john@Bücher.example', password=PASSWORD, ignore_errors=True),
        db.snapshot_task('after'),
    ])
    assert run.snapshot('after') == run.snapshot('before')
    assert_clean_failure(run, run.task('missing'), 'example.net')
    assert_clean_failure(run, run.task('check missing'), 'example.net')
    assert_clean_failure(run, run.task('idn missing'), 'xn--bcher-kva.example')
    assert db.domains() == ['example.org']


BAD_EMAILS = [
    ('', ()),
    ('john', ('john',)),
    ('john@', ('john@',)),
    ('@example.org', ('@example.org',)),
    ('john@@example.org', ('john@@example.org',)),
    ('john@exa@mple.org', ()),
    ('jo hn@example.org', ('jo hn@example.org',)),
    ('john@example.org ', ()),
    ('jo\thn@example.org', ()),
    ('jo\x01hn@example.org', ()),
    ('jo\x00hn@example.org', ()),
    ("jo'hn@example.org", ("jo'hn@example.org",)),
    ('jo"hn@example.org', ()),
    ('"john"@example.org', ()),
    ('jo..hn@example.org', ('jo..hn@example.org',)),
    ('.john@example.org', ('.john@example.org',)),
    ('john.@example.org', ('john.@example.org',)),
    ('john@example..org', ('john@example..org',)),
    ('john@-example.org', ('john@-example.org',)),
    ('john@example-.org', ('john@example-.org',)),
    ('john@.example.org', ('john@.example.org',)),
    ('jo;hn@example.org', ('jo;hn@example.org',)),
    ('jo%hn@example.org', ('jo%hn@example.org',)),
    ('jo/hn@example.org', ('jo/hn@example.org',)),
    # a valid address, longer than virtual_users.email varchar(100)
    ('a' * 60 + '@' + 'b' * 30 + '.example.org', (re.compile(r'\b100\b'),)),
]


# Its inputs fail in the module before the database is read: the engine plays no part
# (the column limits, from the engine's schema: test_alias.py, test_values_longer_than_their_columns_fail).
@pytest.mark.engine_free
def test_bad_emails_fail_clearly_and_write_nothing(db, run_tasks):
    db.add_domain('example.org')
    db.add_domain('b' * 30 + '.example.org')
    db.add_user('jane@example.org')
    tasks = [db.snapshot_task('before')]
    for index, (bad, _fragments) in enumerate(BAD_EMAILS):
        tasks.append(user(task_name='bad %d' % index, email=bad, password=PASSWORD, ignore_errors=True))
        if index % 3 == 0:  # the removal path validates too (a sample keeps the run short)
            tasks.append(user(task_name='bad absent %d' % index, email=bad, state='absent', ignore_errors=True))
    tasks.append(db.snapshot_task('after'))
    run = run_tasks(tasks)
    assert run.snapshot('after') == run.snapshot('before')
    for index, (bad, fragments) in enumerate(BAD_EMAILS):
        for name in ('bad %d' % index,) + (('bad absent %d' % index,) if index % 3 == 0 else ()):
            assert_clean_failure(run, run.task(name), *fragments)
    assert PASSWORD not in run.text


def test_case_and_idn_are_normalized(db, run_tasks, postmap):
    db.add_domain('xn--bcher-kva.example')
    run = run_tasks([
        user(task_name='create', email='John.Doe@Bücher.Example', password=PASSWORD),
        user(task_name='ascii', email='john.doe@xn--bcher-kva.example', password=PASSWORD),
        user(task_name='upper', email='JOHN.DOE@BÜCHER.EXAMPLE'),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('create'), True)
    assert run.task('create')['user'] == {'email': 'john.doe@xn--bcher-kva.example',
                                          'domain': 'xn--bcher-kva.example', 'quota': 0}
    assert_ok(run, run.task('ascii'), False)
    assert_ok(run, run.task('upper'), False)
    assert [r[0] for r in db.query('SELECT %s FROM virtual_users' % db.binary('email'))] \
        == [b'john.doe@xn--bcher-kva.example']
    assert postmap.is_mailbox('john.doe@xn--bcher-kva.example')
    assert dovecot_pw.verify(stored_hash(db, 'john.doe@xn--bcher-kva.example'), PASSWORD)


def test_secrets_never_show(db, run_tasks):
    """Neither the password nor any hash appears in the output, at -vvvv, with diff, in any result."""
    db.add_domain('example.org')
    ready = dovecot_pw.make_hash('SHA512-CRYPT', UNICODE_PASSWORD)
    tasks = [
        user(task_name='check create', email='john@example.org', password=PASSWORD, check=True),
        user(task_name='create', email='john@example.org', password=PASSWORD, quota='1G'),
        user(task_name='again', email='john@example.org', password=PASSWORD),
        user(task_name='change', email='john@example.org', password=OTHER_PASSWORD,
             password_scheme='SHA512-CRYPT'),
        user(task_name='hash', email='jane@example.org', password_hash=ready),
        user(task_name='failing', email='jane@example.org', password=PASSWORD, quota='lots', ignore_errors=True),
        user(task_name='missing domain', email='x@example.net', password=PASSWORD, ignore_errors=True),
        user(task_name='delete', email='jane@example.org', state='absent'),
    ]
    run = run_tasks(tasks, diff=True, verbosity=4)
    assert run.task('create').changed and run.task('change').changed and run.task('delete').changed
    assert run.task('failing').failed and run.task('missing domain').failed
    john = stored_hash(db, 'john@example.org')
    secrets = [PASSWORD, OTHER_PASSWORD, UNICODE_PASSWORD, ready, ready.split('}', 1)[1], john,
               john.split('}', 1)[1], ADMIN_PASSWORD]
    for secret in secrets:
        assert secret not in run.text, 'secret %r found in the output' % secret
    # the hash body without the salt's prefix, in case it is printed differently
    assert john.split('$')[-1] not in run.text
    for record in run.tasks:
        for key in ('password', 'password_hash', 'hash'):
            value = record.result.get(key)
            assert value in (None, 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'), (key, record)
        for key, value in (record.get('user') or {}).items():
            assert key in ('email', 'domain', 'quota'), 'user result carries %r' % key


def test_remove_mail(db, run_tasks, tmp_path):
    mail_root = tmp_path / 'vmail'
    (mail_root / 'example.org/john/Maildir/cur').mkdir(parents=True)
    (mail_root / 'example.org/jane/Maildir/cur').mkdir(parents=True)
    (mail_root / 'example.org/john/Maildir/cur/1.mail').write_text('Subject: hi\n\nhello\n')
    db.add_domain('example.org')
    db.add_user('john@example.org')
    db.add_user('jane@example.org')
    run = run_tasks([
        user(task_name='keep', email='jane@example.org', state='absent', mail_root=str(mail_root)),
        user(task_name='check', email='john@example.org', state='absent', remove_mail=True,
             mail_root=str(mail_root), check=True),
        {'name': 'still there', 'ansible.builtin.stat': {'path': str(mail_root / 'example.org/john')}},
        user(task_name='remove', email='john@example.org', state='absent', remove_mail=True,
             mail_root=str(mail_root)),
        user(task_name='again', email='john@example.org', state='absent', remove_mail=True,
             mail_root=str(mail_root)),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('keep'), True)
    assert (mail_root / 'example.org/jane/Maildir/cur').is_dir()
    assert run.task('still there')['stat']['exists'] is True
    assert_prediction(run.task('check'), run.task('remove'), ('mail_removed',))
    assert run.task('remove')['mail_removed'] in (True, [str(mail_root / 'example.org/john')])
    assert not (mail_root / 'example.org/john').exists()
    assert (mail_root / 'example.org').is_dir()
    assert_ok(run, run.task('again'), False)
    assert db.users().keys() == set()


def test_failed_run_rolls_back(db, run_tasks):
    """A statement that fails half-way (here: a trigger) leaves the database as it was."""
    db.add_domain('example.org')
    db.add_user('john@example.org', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD), quota=1)
    db.fail_on('virtual_users', 'BEFORE UPDATE', 'NEW.quota = 4242')
    before = db.snapshot()
    run = run_tasks([user(email='john@example.org', password=OTHER_PASSWORD, quota=4242)])
    assert_clean_failure(run, run[0])
    assert db.snapshot() == before
    assert OTHER_PASSWORD not in run.text
