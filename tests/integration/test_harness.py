# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Smoke tests of the harness itself: if these fail, the module tests prove nothing."""

import os

import pymysql
import pytest

from tests.integration import dovecot_pw
from tests.integration.playbook_runner import Runner
from tests.integration.database import SCHEMAS
from tests.integration.db_server import ADMIN_PASSWORD, ADMIN_USER, LOOKUP_PASSWORD, LOOKUP_USER


def test_server_is_throwaway_and_private(mariadb):
    assert mariadb.socket.startswith(os.path.dirname(os.path.dirname(mariadb.datadir)))
    assert mariadb.socket != '/run/mysqld/mysqld.sock'
    conn = mariadb.connect()
    with conn.cursor() as cur:
        cur.execute('SELECT @@datadir, @@port, @@character_set_server')
        datadir, port, charset = cur.fetchone()
    conn.close()
    assert os.path.realpath(datadir) == os.path.realpath(mariadb.datadir)
    assert port == mariadb.port
    assert charset == 'utf8mb4'


def test_admin_account_has_least_privilege(mariadb, db):
    conn = pymysql.connect(unix_socket=mariadb.socket, user=ADMIN_USER, password=ADMIN_PASSWORD, database=db.name,
                           autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute("INSERT INTO virtual_domains (name) VALUES ('example.org')")
            cur.execute("UPDATE virtual_domains SET name='example.net'")
            cur.execute('SELECT name FROM virtual_domains')
            assert cur.fetchall() == (('example.net',),)
            cur.execute('DELETE FROM virtual_domains')
            with pytest.raises(pymysql.err.OperationalError):
                cur.execute('CREATE TABLE x (id int)')
            with pytest.raises(pymysql.err.OperationalError):
                cur.execute('DROP TABLE virtual_aliases')
    finally:
        conn.close()
    # the same account over TCP
    conn = pymysql.connect(host='127.0.0.1', port=mariadb.port, user=ADMIN_USER, password=ADMIN_PASSWORD,
                           database=db.name)
    conn.close()


def test_lookup_account_is_read_only_over_tcp(mariadb, db):
    conn = pymysql.connect(host='127.0.0.1', port=mariadb.port, user=LOOKUP_USER, password=LOOKUP_PASSWORD,
                           database=db.name, autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute('SELECT COUNT(*) FROM virtual_users')
            with pytest.raises(pymysql.err.OperationalError):
                cur.execute("INSERT INTO virtual_domains (name) VALUES ('example.org')")
    finally:
        conn.close()


@pytest.mark.parametrize('db', SCHEMAS, indirect=True)
def test_schema_variant_loaded(db):
    quota = db.query("SELECT column_type FROM information_schema.columns WHERE table_schema=%s "
                     "AND table_name='virtual_users' AND column_name='quota'", (db.name,))
    unique_name = db.query("SELECT 1 FROM information_schema.statistics WHERE table_schema=%s "
                           "AND table_name='virtual_domains' AND column_name='name' AND non_unique=0", (db.name,))
    expected_quota = {'bookworm': 'bigint(11)', 'trixie': 'bigint(11)', 'bullseye': 'int(11)', 'buster': None}
    assert (quota[0][0] if quota else None) == expected_quota[db.schema]
    assert bool(unique_name) == (db.schema == 'trixie')
    assert db.counts() == {'virtual_domains': 0, 'virtual_users': 0, 'virtual_aliases': 0}
    # the cascade of the guide's foreign keys is in place
    db.add_domain('example.org')
    db.add_user('john@example.org')
    db.add_alias('jack@example.org', 'john@example.org')
    db.execute("DELETE FROM virtual_domains WHERE name='example.org'")
    assert db.counts() == {'virtual_domains': 0, 'virtual_users': 0, 'virtual_aliases': 0}


def test_databases_are_fresh_per_test(make_db):
    first, second = make_db('bookworm'), make_db('bookworm')
    assert first.name != second.name
    first.add_domain('example.org')
    assert second.domains() == []


@pytest.mark.parametrize('db', SCHEMAS, indirect=True)
def test_postmap_sees_the_database(db, postmap, postmap_q):
    db.add_domain('example.org')
    db.add_user('john@example.org')
    db.add_alias('jack@example.org', 'john@example.org')
    db.add_alias('jack@example.org', 'someone@example.net')
    db.add_alias('@example.org', 'john@example.org')
    assert postmap_q('example.org', 'domains') == '1'
    assert postmap_q('example.net', 'domains') is None
    assert postmap_q('john@example.org', 'mailboxes') == '1'
    assert postmap_q('jack@example.org', 'mailboxes') is None
    assert postmap_q('john@example.org', 'email2email') == 'john@example.org'
    assert postmap.alias_destinations('jack@example.org') == ['john@example.org', 'someone@example.net']
    # Postfix folds the key to lower case, MariaDB compares case-insensitively
    assert postmap_q('JOHN@Example.ORG', 'mailboxes') == '1'
    # catch-all vs email2email, as Postfix resolves virtual_alias_maps
    assert postmap.resolve('john@example.org') == ['john@example.org']
    assert postmap.resolve('nobody@example.org') == ['john@example.org']
    assert postmap.resolve('jack@example.org') == ['john@example.org', 'someone@example.net']


def test_postmap_errors_are_not_mistaken_for_misses(postmap):
    postmap.files['domains'] = postmap.files['domains'] + '.missing'
    with pytest.raises(AssertionError):
        postmap.query('example.org', 'domains')


def test_doveadm_verifies_its_own_hash():
    stored = dovecot_pw.make_hash('BLF-CRYPT', 'x')
    assert stored.startswith('{BLF-CRYPT}$2y$')
    assert dovecot_pw.verify(stored, 'x') is True
    assert dovecot_pw.verify(stored, 'y') is False


@pytest.mark.parametrize('scheme', dovecot_pw.SCHEMES)
def test_doveadm_knows_every_scheme(scheme):
    stored = dovecot_pw.make_hash(scheme, 'pässword with spaces')
    assert dovecot_pw.scheme_of(stored) == scheme
    assert dovecot_pw.verify(stored, 'pässword with spaces') is True
    assert dovecot_pw.verify(stored, 'password with spaces') is False


def test_runner_collects_results_and_snapshots(db, tmp_path):
    db.add_domain('example.org')
    runner = Runner(str(tmp_path / 'no-collections'), tmp_path / 'runs')
    result = runner.run([
        db.snapshot_task('before'),
        {'ansible.builtin.debug': {'msg': 'hello'}},
        {'ansible.builtin.command': {'cmd': 'true'}, 'check_mode': True},
        {'ansible.builtin.fail': {'msg': 'expected failure'}, 'ignore_errors': True},
        {'name': 'last', 'ansible.builtin.command': {'cmd': 'true'}},
    ])
    assert result.rc == 0, result.describe()
    assert [t.status for t in result] == ['ok', 'ok', 'skipped', 'failed', 'changed']
    assert result[3].ignore_errors and result[3].msg == 'expected failure'
    assert result.task('last').changed
    assert result.snapshot('before')['virtual_domains'][0]['name'] == 'example.org'
    assert result.snapshot('before') == db.snapshot()
    assert 'expected failure' in result.text


def test_runner_private_run_mysqld(mariadb, tmp_path):
    runner = Runner(str(tmp_path / 'no-collections'), tmp_path / 'runs')
    listing = {'name': 'ls', 'ansible.builtin.command': {'argv': ['ls', '-A', '/run/mysqld']}}
    empty = runner.run([listing], run_mysqld='')
    assert empty.rc == 0, empty.describe()
    assert empty.task('ls')['stdout'] == ''
    bound = runner.run([listing], run_mysqld=mariadb.run_dir)
    assert bound.rc == 0, bound.describe()
    assert bound.task('ls')['stdout'].split() == ['mysqld.sock']


def test_collection_is_built_and_installed(collections_path):
    root = os.path.join(collections_path, 'ansible_collections', 'ispmail', 'mailserver')
    modules = sorted(os.listdir(os.path.join(root, 'plugins', 'modules')))
    for name in ('ispmail_alias.py', 'ispmail_domain.py', 'ispmail_user.py'):
        assert name in modules
    assert os.path.exists(os.path.join(root, 'meta', 'runtime.yml'))
    assert not os.path.exists(os.path.join(root, 'tests'))
