# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail_db_account against the test MariaDB, run as its root over the socket: accounts that
really log in with the password given and may do exactly what their privileges say."""

import pymysql

from tests.integration.helpers import assert_clean_failure, assert_ok, assert_prediction, diff_of, task

PASSWORD = 'Lookup-Account-Secret-31'
NEW_PASSWORD = 'Lookup-Account-Rotated-77'


def root_defaults(mariadb, db):
    return {'login_unix_socket': mariadb.socket, 'login_user': 'root', 'login_password': '', 'login_db': db.name,
            'config_file': ''}


def account(**args):
    return task('ispmail_db_account', **args)


def login(mariadb, db, name, password):
    return pymysql.connect(host=mariadb.host, port=mariadb.port, user=name, password=password, database=db.name,
                           autocommit=True, connect_timeout=5)


def can(conn, sql):
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
        return True
    except pymysql.err.OperationalError:
        return False


def test_lookup_account_is_made_once_logs_in_and_only_reads(mariadb, db, run_tasks):
    name = 'look_%s' % db.name[-12:].replace('-', '_')
    args = dict(name=name, host='127.0.0.1', password=PASSWORD, privileges=['SELECT'])
    run = run_tasks([account(task_name='check', check=True, diff=True, **args), account(task_name='create', **args),
                     account(task_name='again', **args)], module_defaults=root_defaults(mariadb, db), verbosity=4)
    assert_prediction(run.task('check'), run.task('create'))
    assert_ok(run, run.task('create'), True)
    assert_ok(run, run.task('again'), False)
    assert diff_of(run.task('check'))[1] == {'privileges': ['SELECT'], 'password': 'set'}
    assert PASSWORD not in run.text
    conn = login(mariadb, db, name, PASSWORD)
    assert can(conn, 'SELECT COUNT(*) FROM virtual_domains')
    assert not can(conn, "INSERT INTO virtual_domains (name) VALUES ('x.example')")


def test_password_rotation_and_privileges_change_only_what_differs(mariadb, db, run_tasks):
    name = 'adm_%s' % db.name[-12:].replace('-', '_')
    where = dict(name=name, host='127.0.0.1')
    run = run_tasks([
        account(task_name='create', password=PASSWORD, **where),
        account(task_name='on_create keeps', update_password='on_create', password=NEW_PASSWORD, **where),
        account(task_name='rotate', diff=True, password=NEW_PASSWORD, **where),
        account(task_name='grant', privileges=['SELECT', 'INSERT', 'UPDATE', 'DELETE'], diff=True,
                password=NEW_PASSWORD, **where),
        account(task_name='grant again', privileges=['DELETE', 'UPDATE', 'INSERT', 'SELECT'],
                password=NEW_PASSWORD, **where),
    ], module_defaults=root_defaults(mariadb, db))
    assert_ok(run, run.task('on_create keeps'), False)
    assert_ok(run, run.task('rotate'), True)
    assert diff_of(run.task('rotate'))[1]['password'] == 'changed'
    assert_ok(run, run.task('grant'), True)
    assert diff_of(run.task('grant'))[1]['privileges'] == ['DELETE', 'INSERT', 'SELECT', 'UPDATE']
    assert_ok(run, run.task('grant again'), False)
    conn = login(mariadb, db, name, NEW_PASSWORD)
    assert can(conn, "INSERT INTO virtual_domains (name) VALUES ('granted.example')")
    assert db.domains() == ['granted.example']


def test_absent_drops_the_account_and_check_mode_keeps_it(mariadb, db, run_tasks):
    name = 'gone_%s' % db.name[-12:].replace('-', '_')
    base = dict(name=name, host='127.0.0.1')
    run = run_tasks([account(task_name='create', password=PASSWORD, **base),
                     account(task_name='drop check', state='absent', check=True, **base),
                     account(task_name='drop', state='absent', **base),
                     account(task_name='drop again', state='absent', **base)],
                    module_defaults=root_defaults(mariadb, db))
    assert_prediction(run.task('drop check'), run.task('drop'))
    assert_ok(run, run.task('drop again'), False)
    assert not mariadb_has_user(mariadb, name)


def mariadb_has_user(mariadb, name):
    conn = mariadb.connect()
    try:
        with conn.cursor() as cur:
            cur.execute('SELECT COUNT(*) FROM mysql.user WHERE User = %s', (name,))
            return cur.fetchone()[0] > 0
    finally:
        conn.close()


def test_bad_input_fails_cleanly_and_changes_nothing(mariadb, db, run_tasks):
    defaults = root_defaults(mariadb, db)
    run = run_tasks([
        account(task_name='no password', name='nopw_account', ignore_errors=True),
        account(task_name='bad name', name="x'; DROP USER root; --", password=PASSWORD, ignore_errors=True),
        account(task_name='bad host', name='ok_name', host='a b', password=PASSWORD, ignore_errors=True),
    ], module_defaults=defaults)
    assert_clean_failure(run, run.task('no password'), 'does not exist yet', 'password')
    assert_clean_failure(run, run.task('bad name'), 'letters, digits')
    assert_clean_failure(run, run.task('bad host'), 'host')
    assert not mariadb_has_user(mariadb, 'nopw_account') and not mariadb_has_user(mariadb, 'ok_name')


def test_the_password_never_reaches_the_server_as_text(mariadb, db, run_tasks):
    """The general log (what the binary log and Galera's write sets carry too) holds the client's
    hash, never the password, for the create, the check of an unchanged password and a rotation."""
    name = 'log_%s' % db.name[-12:].replace('-', '_')
    where = dict(name=name, host='127.0.0.1')
    root = mariadb.connect()
    with root.cursor() as cur:
        cur.execute("SET GLOBAL log_output = 'TABLE'")
        cur.execute('TRUNCATE mysql.general_log')
        cur.execute('SET GLOBAL general_log = 1')
    try:
        run = run_tasks([account(task_name='create', password=PASSWORD, **where),
                         account(task_name='again', password=PASSWORD, **where),
                         account(task_name='rotate', password=NEW_PASSWORD, **where)],
                        module_defaults=root_defaults(mariadb, db))
    finally:
        with root.cursor() as cur:
            cur.execute('SET GLOBAL general_log = 0')
            cur.execute("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log")
            logged = '\n'.join(row[0] or '' for row in cur.fetchall())
    assert [run.task(step).changed for step in ('create', 'again', 'rotate')] == [True, False, True]
    assert 'IDENTIFIED BY PASSWORD' in logged, 'the log did not record the statements'
    assert PASSWORD not in logged and NEW_PASSWORD not in logged
    assert login(mariadb, db, name, NEW_PASSWORD)


def test_the_grant_is_on_this_database_only_not_a_wildcard(mariadb, db, run_tasks):
    """'_' in a database name is a wildcard in GRANT: it is escaped, so a database whose name
    differs in that place stays out of reach."""
    assert '_' in db.name
    lookalike = db.name.replace('_', 'X', 1)
    name = 'wild_%s' % db.name[-11:].replace('-', '_')
    root = mariadb.connect()
    with root.cursor() as cur:
        cur.execute('CREATE DATABASE `%s`' % lookalike)
        cur.execute('CREATE TABLE `%s`.secrets (x int)' % lookalike)
    try:
        run = run_tasks([account(task_name='create', name=name, host='127.0.0.1', password=PASSWORD,
                                 privileges=['SELECT']),
                         account(task_name='again', name=name, host='127.0.0.1', password=PASSWORD,
                                 privileges=['SELECT'])],
                        module_defaults=root_defaults(mariadb, db))
        assert_ok(run, run.task('create'), True)
        assert_ok(run, run.task('again'), False)
        conn = login(mariadb, db, name, PASSWORD)
        assert can(conn, 'SELECT COUNT(*) FROM virtual_domains')
        assert not can(conn, 'SELECT COUNT(*) FROM `%s`.secrets' % lookalike)
    finally:
        with root.cursor() as cur:
            cur.execute('DROP DATABASE `%s`' % lookalike)
