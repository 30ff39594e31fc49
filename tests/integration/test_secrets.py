# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets stay secret, and the modules need no more than the guide's grants.

* One full run of every module at -vvvv in diff mode (check mode, real, unchanged, changed, failing
  tasks, a wrong DB password): every output (console, stderr, every task result) is searched for
  each password, each hash the run wrote or was given, and the DB passwords.
* The admin account has SELECT, INSERT, UPDATE, DELETE and nothing else, and that full run works
  with it; the lookup account can only read (a write as it fails, directly and through a module).
"""

import pymysql
import pytest

from tests.integration.helpers import TRACEBACK_MARKERS, alias, assert_clean_failure, domain, user
from tests.integration.db_server import ADMIN_PASSWORD, ADMIN_USER, DB_PATTERN, LOOKUP_PASSWORD, LOOKUP_USER
from tests.integration.reliability_support import record_figures

from tests.integration import dovecot_pw

JOHN = 'John-Secret-pw-8h3k2'
JOHN_NEW = 'John-Changed-pw-q7x1'
JANE = 'Jane-Secret-pw-\u00e4\u00f6-9z'
BOB = 'Bob-Secret-pw-ARGON-4c'
NUL_PASSWORD = 'Nul-Secret-pw\x00-tail'
LONG_PASSWORD = 'Long-Secret-pw-' + 'x' * 600
WRONG_DB_PASSWORD = 'Wrong-DB-Secret-5511'
NO_PREFIX_HASH = '$2y$05$NoPrefixSecretHashAbcdefghijklmnopqrstuvwxyz0123456789'


def test_full_run_shows_no_secret(db, mariadb, run_tasks):
    given_hash = dovecot_pw.make_hash('SHA512-CRYPT', 'Given-Hash-Secret-pw')
    users = [
        {'email': 'john@example.org', 'password': JOHN, 'quota': '1G'},
        {'email': 'jane@example.org', 'password': JANE, 'password_scheme': 'SHA256-CRYPT'},
        {'email': 'bob@example.org', 'password': BOB, 'password_scheme': 'ARGON2ID'},
        {'email': 'moved@example.org', 'password_hash': given_hash},
    ]
    changed_users = [dict(users[0], password=JOHN_NEW)] + users[1:]
    tasks = [
        domain(task_name='domains check', domains=['example.org', 'example.net'], check=True),
        domain(task_name='domains', domains=['example.org', 'example.net']),
        user(task_name='users check', users=users, check=True),
        user(task_name='users', users=users),
        user(task_name='users again', users=users),
        user(task_name='users changed', users=changed_users),
        user(task_name='single', email='solo@example.org', password=JOHN, quota='2G'),
        user(task_name='single again', email='solo@example.org', password=JOHN),
        user(task_name='single changed', email='solo@example.org', password=JANE, password_scheme='ARGON2I'),
        alias(task_name='aliases',
              aliases=[{'source': 'postmaster@example.org', 'destinations': ['john@example.org']}]),
        user(task_name='nul password', email='x@example.org', password=NUL_PASSWORD, ignore_errors=True),
        user(task_name='long password', email='x@example.org', password=LONG_PASSWORD, ignore_errors=True),
        user(task_name='hash without prefix', email='x@example.org', password_hash=NO_PREFIX_HASH,
             ignore_errors=True),
        user(task_name='missing domain', users=[{'email': 'x@missing.example', 'password': JOHN}],
             ignore_errors=True),
        user(task_name='wrong db password', email='x@example.org', password=JOHN,
             login_password=WRONG_DB_PASSWORD, ignore_errors=True),
        {'name': 'info', 'ispmail.mailserver.ispmail_info': {}},
        {'name': 'info with hashes, no_log', 'ispmail.mailserver.ispmail_info': {'return_password_hashes': True},
         'no_log': True, 'register': 'moved'},
        user(task_name='hashes fed back', users="{{ moved.users }}", update_password='on_create'),
        user(task_name='remove', users=[{'email': 'moved@example.org', 'state': 'absent'}]),
        domain(task_name='remove domain', name='example.net', state='absent', force=True),
    ]
    run = run_tasks(tasks, diff=True, verbosity=4)
    assert run.rc == 0, run.describe()
    for marker in TRACEBACK_MARKERS:
        assert marker not in run.text, run.describe()
    for name in ('domains', 'users', 'users changed', 'single', 'single changed', 'aliases', 'remove',
                 'remove domain'):
        assert run.task(name).changed, run.task(name)
    for name in ('users again', 'single again', 'hashes fed back'):
        assert run.task(name).status == 'ok', run.task(name)
    assert_clean_failure(run, run.task('nul password'), 'NUL')
    assert_clean_failure(run, run.task('long password'), '512')
    assert_clean_failure(run, run.task('hash without prefix'), 'prefix')
    assert_clean_failure(run, run.task('missing domain'), 'missing.example')
    assert_clean_failure(run, run.task('wrong db password'), 'Access denied')

    hashes = sorted(row['password'] for row in db.users().values())
    assert len(hashes) == 4 and given_hash not in hashes
    hashes.append(given_hash)
    secrets = {'password': [JOHN, JOHN_NEW, JANE, BOB, NUL_PASSWORD.split('\x00', maxsplit=1)[0], LONG_PASSWORD[:40],
                            'Given-Hash-Secret-pw'],
               'hash': hashes + [h.split('}', 1)[1] for h in hashes] + [NO_PREFIX_HASH],
               'db password': [ADMIN_PASSWORD, WRONG_DB_PASSWORD, LOOKUP_PASSWORD]}
    # The hash body without salt too, in case some output re-encodes the prefix.
    secrets['hash'] += [h.rsplit('$', 1)[-1] for h in hashes if len(h.rsplit('$', 1)[-1]) >= 20]
    found = [(kind, secret) for kind, values in secrets.items() for secret in values if secret in run.text]
    assert found == [], 'secrets in the output: %r' % found
    for record in run.tasks:
        for key in ('password', 'password_hash'):
            assert record.get(key) in (None, 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'), (key, record)
    # The output is really there to be searched: -vvvv and diffs were on.
    assert '<localhost> EXEC' in run.stdout and 'john@example.org' in run.text
    assert any('diff' in record.result for record in run.tasks)

    # The whole run worked with the guide's least grant.
    conn = mariadb.connect()
    with conn.cursor() as cur:
        cur.execute("SHOW GRANTS FOR '%s'@'localhost'" % ADMIN_USER)
        grants = sorted(row[0] for row in cur.fetchall())
    conn.close()
    privileges = [g for g in grants if not g.startswith('GRANT USAGE ON *.*')]
    assert privileges == ["GRANT SELECT, INSERT, UPDATE, DELETE ON `%s`.* TO `%s`@`localhost`"
                          % (DB_PATTERN, ADMIN_USER)], grants
    record_figures('secrets', tasks=len(run.tasks), verbosity=4, diff=True,
                   secrets_searched=sum(len(v) for v in secrets.values()), output_bytes=len(run.text),
                   secrets_found=0, admin_grants=privileges[0].split(' ON ')[0])


def test_lookup_account_can_only_read(db, mariadb, run_tasks):
    db.add_domain('example.org')
    conn = pymysql.connect(host='127.0.0.1', port=mariadb.port, user=LOOKUP_USER, password=LOOKUP_PASSWORD,
                           database=db.name, autocommit=True)
    denied = []
    try:
        with conn.cursor() as cur:
            cur.execute('SELECT name FROM virtual_domains')
            assert cur.fetchall() == (('example.org',),)
            for sql in ("INSERT INTO virtual_domains (name) VALUES ('evil.example')",
                        "UPDATE virtual_domains SET name = 'evil.example'",
                        'DELETE FROM virtual_domains',
                        'CREATE TABLE evil (id int)',
                        'DROP TABLE virtual_aliases',
                        "GRANT SELECT ON *.* TO 'mailserver'@'127.0.0.1'"):
                with pytest.raises(pymysql.err.MySQLError) as caught:
                    cur.execute(sql)
                assert caught.value.args[0] in (1142, 1044, 1045, 1227, 1410), caught.value
                denied.append(sql.split()[0])
    finally:
        conn.close()
    # Through a module: a clear refusal, nothing written.
    run = run_tasks([domain(name='evil.example')], module_defaults={
        'login_host': '127.0.0.1', 'login_port': mariadb.port, 'login_user': LOOKUP_USER,
        'login_password': LOOKUP_PASSWORD, 'login_db': db.name})
    assert_clean_failure(run, run[0], 'INSERT', 'denied')
    assert LOOKUP_PASSWORD not in run.text
    assert db.domains() == ['example.org']
    record_figures('lookup_account', writes_refused=denied + ['module INSERT'])
