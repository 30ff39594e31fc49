# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail.mailserver.ispmail_directory (the whole directory from one file, through its action
plugin) and ispmail_info's dest (the same file written from a server): Postfix lookups and
doveadm check the result, and the round trip gives the same rows."""

import json
import os
import stat
import subprocess
import sys

import pytest

from tests.integration import dovecot_pw
from tests.integration.helpers import assert_clean_failure, assert_ok, task
from tests.integration.lists_support import GIB, OTHER_PASSWORD, PASSWORD

IDN = 'xn--bcher-kva.example'
HASH_PASSWORD = 'Hash-Given-9'
COUNTS = ('created', 'updated', 'removed', 'unchanged')


def directory_text(jane_hash):
    return '''# kept in git
domains: [example.org, Bücher.example, {name: example.net, state: present}]
users:
  - {email: john@example.org, password: "%s", quota: 1G}
  - {email: jane@example.org, password_hash: "%s"}
  - anna@bücher.example
aliases:
  - {source: sales@example.org, destinations: [john@example.org, jane@example.org]}
  - {source: "@example.net", destinations: [john@example.org]}
''' % (PASSWORD, jane_hash)


def write(path, text):
    path.write_text(text, encoding='utf-8')
    return str(path)


def apply(src, name='apply', **options):
    return task('ispmail_directory', task_name=name, src=src, **options)


def counts(record, section):
    return tuple(record['counts'][section][outcome] for outcome in COUNTS)


@pytest.fixture
def jane_hash():
    return dovecot_pw.make_hash('SHA512-CRYPT', HASH_PASSWORD)


def test_apply_check_mode_then_idempotent(db, run_tasks, postmap_q, tmp_path, jane_hash):
    text = directory_text(jane_hash).replace('  - anna@bücher.example\n',
                                             '  - {email: anna@bücher.example, password: "%s"}\n' % OTHER_PASSWORD)
    src = write(tmp_path / 'directory.yml', text)
    before = db.snapshot()
    check = run_tasks([apply(src, check=True, diff=True)]).task('apply')
    assert check.status == 'changed', check
    assert db.snapshot() == before
    assert counts(check, 'domains') == (3, 0, 0, 0) and counts(check, 'users') == (3, 0, 0, 0)
    assert check['changes']['aliases'] == {'sales@example.org': 'created', '@example.net': 'created'}
    assert [d['before_header'] for d in check['diff']] == ['domains', 'users', 'aliases']
    run = run_tasks([apply(src, diff=True), apply(src, name='again')], verbosity=4)
    real, again = run.task('apply'), run.task('again')
    assert_ok(run, real, True)
    assert_ok(run, again, False)
    for section in ('domains', 'users', 'aliases'):
        assert real['counts'][section] == check['counts'][section]
    assert counts(again, 'users') == (0, 0, 0, 3)
    # What Postfix and Dovecot see.
    assert postmap_q(IDN, 'domains') is not None
    assert sorted(postmap_q('sales@example.org', 'aliases').split(',')) == ['jane@example.org', 'john@example.org']
    assert postmap_q('@example.net', 'aliases') == 'john@example.org'
    assert dovecot_pw.verify(db.user('john@example.org')['password'], PASSWORD)
    assert db.user('jane@example.org')['password'] == jane_hash
    assert db.user('john@example.org')['quota'] == GIB
    # No password or hash in anything the run put out, at -vvvv.
    for secret in (PASSWORD, OTHER_PASSWORD, jane_hash, jane_hash.split('$')[-1]):
        assert secret not in run.text


def test_a_bad_entry_fails_the_whole_run_naming_it(db, run_tasks, tmp_path, jane_hash):
    before = db.snapshot()
    bad = directory_text(jane_hash).replace('  - anna@bücher.example\n',
                                            '  - {email: "bad address@example.org", password: "%s"}\n' % PASSWORD)
    run = run_tasks([apply(write(tmp_path / 'bad.yml', bad))])
    assert_clean_failure(run, run.task('apply'), 'bad.yml', 'bad address@example.org')
    assert db.snapshot() == before
    # An alias of a domain the file does not create: the domains and users created before it go too.
    missing = directory_text(jane_hash).replace('"@example.net"', '"@missing.example"').replace(
        'anna@bücher.example', '{email: anna@bücher.example, password: "%s"}' % PASSWORD)
    run = run_tasks([apply(write(tmp_path / 'missing.yml', missing))])
    assert_clean_failure(run, run.task('apply'), "'missing.example'")
    assert db.snapshot() == before
    run = run_tasks([apply(write(tmp_path / 'broken.yml', 'domains: [a\nusers: {'))])
    assert_clean_failure(run, run.task('apply'), 'broken.yml', 'line')
    run = run_tasks([apply(write(tmp_path / 'keys.yml', 'domains: []\nmailboxes: []\n'))])
    assert_clean_failure(run, run.task('apply'), 'unknown key', 'mailboxes')


def test_exclusive_removes_what_the_file_lacks_domains_only_with_force(db, run_tasks, tmp_path):
    db.add_domain('example.org')
    db.add_domain('old.example')
    db.add_user('john@example.org', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD))
    db.add_user('gone@example.org', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD))
    db.add_user('last@old.example', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD))
    db.add_alias('info@example.org', 'john@example.org')
    src = write(tmp_path / 'd.json', json.dumps({'domains': ['example.org'],
                                                 'users': [{'email': 'john@example.org', 'password': PASSWORD}]}))
    before = db.snapshot()
    run = run_tasks([apply(src, exclusive=True, update_password='on_create')])
    assert_clean_failure(run, run.task('apply'), "'old.example'", 'force')
    assert db.snapshot() == before
    run = run_tasks([apply(src, exclusive=True, force=True, update_password='on_create', diff=True)])
    record = run.task('apply')
    assert_ok(run, record, True)
    assert record['changes'] == {'domains': {'old.example': 'removed'}, 'users': {'gone@example.org': 'removed'},
                                 'aliases': {'info@example.org': 'removed'}}
    assert sorted(db.users()) == ['john@example.org'] and db.domains() == ['example.org'] and db.aliases() == []


def test_round_trip_through_info_dest(db, make_db, run_tasks, tmp_path, mariadb, jane_hash):
    db.add_domain('example.org')
    db.add_domain(IDN)
    db.add_user('john@example.org', dovecot_pw.make_hash('BLF-CRYPT', PASSWORD), quota=GIB)
    db.add_user('jane@example.org', jane_hash)
    db.add_user('anna@' + IDN, dovecot_pw.make_hash('ARGON2ID', OTHER_PASSWORD), quota=5)
    db.add_alias('@' + IDN, 'anna@' + IDN)
    db.add_alias('team@example.org', 'john@example.org')
    db.add_alias('team@example.org', 'jane@example.org')
    dest = str(tmp_path / 'export' / 'directory.yml')
    os.makedirs(os.path.dirname(dest))
    export = task('ispmail_info', task_name='export', dest=dest, return_password_hashes=True)
    run = run_tasks([export, dict(export, name='export again')])
    assert_ok(run, run.task('export'), True)
    assert_ok(run, run.task('export again'), False)
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    target = make_db('bookworm')
    run = run_tasks([apply(dest), apply(dest, name='again')], module_defaults=mariadb.admin_params(target.name))
    assert_ok(run, run.task('apply'), True)
    assert_ok(run, run.task('again'), False)
    assert target.users() == db.users() and target.aliases() == db.aliases() and target.domains() == db.domains()


def test_a_vault_encrypted_file(db, run_tasks, tmp_path, jane_hash):
    src = write(tmp_path / 'vaulted.yml', directory_text(jane_hash).replace(
        'anna@bücher.example', '{email: anna@bücher.example, password: "%s"}' % PASSWORD))
    secret = write(tmp_path / 'vault-pass', 'vault-Secret-1\n')
    subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-vault'), 'encrypt', '--vault-password-file',
                    secret, src], check=True, capture_output=True)
    assert b'$ANSIBLE_VAULT' in open(src, 'rb').read()
    run = run_tasks([apply(src)], extra_env={'ANSIBLE_VAULT_PASSWORD_FILE': secret})
    assert_ok(run, run.task('apply'), True)
    assert len(db.users()) == 3
    run = run_tasks([apply(src)])
    assert run.task('apply').failed
