"""What each engine decides without its server (db/mariadb.py, db/postgresql.py, db/galera.py,
db/mysql_config.py): where and how it connects, what a driver error means for the run, the
writers' lock, column facts. The integration tests meet the same code against real servers."""
import pymysql
import psycopg
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.db import engine as base
from ansible_collections.ispmail.mailserver.plugins.module_utils.db import galera, mariadb, postgresql
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.mysql_config import read_client_config
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import ConnectionFailure, SchemaError

NO_CONFIG = {'config_file': '/nonexistent/my.cnf'}


class ScriptedSession(object):
    """A Session whose reads answer from {SQL prefix: rows}; writes are recorded."""

    def __init__(self, answers, locked=False):
        self.answers = answers
        self.locked = locked
        self.cluster = None
        self.where = 'socket /x'
        self.log = []

    def select(self, sql, params=()):
        self.log.append((sql, tuple(params)))
        for prefix, rows in self.answers.items():
            if sql.startswith(prefix):
                return rows
        return []

    def select_one(self, sql, params=()):
        rows = self.select(sql, params)
        return rows[0] if rows else None

    def write_many(self, sql, rows):
        self.log.append((sql, list(rows)))


# -- MariaDB -------------------------------------------------------------------------------------
def test_mariadb_takes_the_options_first_then_the_config_file(tmp_path):
    cnf = tmp_path / 'my.cnf'
    cnf.write_text('!includedir /etc/mysql/conf.d/\n[client]\nuser = "cfguser"\npassword=cfgpw\nhost=db.example\n'
                   'port=3307\nssl_ca=/ca.pem\n[other]\nuser=no\n')
    kwargs, where = mariadb.connection_target({'config_file': str(cnf), 'login_db': 'mail'})
    assert (kwargs['user'], kwargs['password'], kwargs['host'], kwargs['port']) == ('cfguser', 'cfgpw', 'db.example', 3307)
    assert kwargs['ssl_ca'] == '/ca.pem' and kwargs['ssl_verify_identity'] is True and kwargs['ssl_verify_cert']
    assert where == 'host db.example port 3307 (TLS)' and kwargs['autocommit'] is False
    kwargs, where = mariadb.connection_target({'config_file': str(cnf), 'login_user': 'u', 'login_password': '',
                                               'login_unix_socket': '/s.sock', 'check_hostname': False,
                                               'connect_timeout': 5})
    assert (kwargs['user'], kwargs['password'], kwargs['unix_socket'], kwargs['connect_timeout']) == ('u', '', '/s.sock', 5)
    assert 'host' not in kwargs and kwargs['ssl_verify_identity'] is False and where == 'socket /s.sock (TLS)'


def test_mariadb_defaults_to_the_debian_socket_without_tls():
    kwargs, where = mariadb.connection_target(NO_CONFIG)
    assert where == 'socket /run/mysqld/mysqld.sock' and kwargs['password'] == '' and kwargs['connect_timeout'] == 30
    assert 'ssl_ca' not in kwargs and 'ssl_cert' not in kwargs
    kwargs, where = mariadb.connection_target(dict(NO_CONFIG, login_host='h', client_cert='/c', client_key='/k'))
    assert (kwargs['host'], kwargs['port'], kwargs['ssl_cert'], kwargs['ssl_key']) == ('h', 3306, '/c', '/k')
    assert where == 'host h port 3306 (TLS, server not verified: no ca_cert)' and 'ssl_disabled' not in kwargs
    kwargs, where = mariadb.connection_target(dict(NO_CONFIG, login_host='h', login_port=3310))
    assert where == 'host h port 3310' and kwargs['port'] == 3310


def test_a_config_file_that_cannot_be_read_is_named(tmp_path):
    bad = tmp_path / 'bad.cnf'
    bad.write_text('no section\n')
    with pytest.raises(ConnectionFailure, match='cannot read client configuration .*bad.cnf'):
        read_client_config(str(bad))
    assert read_client_config(None) == {} and read_client_config(str(tmp_path / 'none.cnf')) == {}


@pytest.mark.parametrize('error, kind', [
    (pymysql.err.OperationalError(1213, 'Deadlock'), base.RETRY),
    (pymysql.err.OperationalError(1205, 'Lock wait timeout'), base.RETRY),
    (pymysql.err.OperationalError(2013, 'Lost connection'), base.LOST),
    (pymysql.err.OperationalError(2006, 'gone away'), base.LOST),
    (pymysql.err.InterfaceError(0, ''), base.LOST),
    (pymysql.err.InternalError(1290, 'read-only'), base.READ_ONLY),
    (pymysql.err.InternalError(1792, 'read-only transaction'), base.READ_ONLY),
    (pymysql.err.InternalError(1836, 'read-only mode'), base.READ_ONLY),
    (pymysql.err.OperationalError(1047, 'WSREP has not yet prepared node'), base.NOT_READY),
    (pymysql.err.IntegrityError(1062, 'Duplicate'), base.FAILED),
    (pymysql.err.MySQLError(), base.FAILED),
])
def test_mariadb_errors_mean_what_their_codes_say(error, kind):
    assert mariadb.MariaDB().error_kind(error) == kind


def test_mariadb_messages_drop_the_python_repr():
    engine = mariadb.MariaDB()
    assert engine.describe_error(pymysql.err.OperationalError(1045, 'Access denied')) == '(1045) Access denied'
    assert engine.describe_error(pymysql.err.MySQLError('plain')) == 'plain'
    assert engine.fold('email') == 'email'


@pytest.mark.parametrize('data_type, column_type, length, wanted', [
    ('INT', 'int(11)', None, ('int(11)', 2147483647, None)),
    ('int', 'int(10) unsigned', None, ('int(10) unsigned', 4294967295, None)),
    ('bigint', 'bigint(20)', None, ('bigint(20)', 9223372036854775807, None)),
    ('varchar', 'VARCHAR(100)', 100, ('varchar(100)', None, 100)),
    ('text', 'text', 0, ('text', None, None)),
])
def test_mariadb_column_facts(data_type, column_type, length, wanted):
    found = mariadb.column(data_type, column_type, length)
    assert (found.type_name, found.int_max, found.max_length) == wanted


def test_mariadb_writers_take_the_named_lock_once_and_release_it():
    engine = mariadb.MariaDB()
    session = ScriptedSession({'SELECT GET_LOCK': [(1,)]})
    engine.begin(session, write=False)
    assert not session.locked and not any('GET_LOCK' in sql for sql, dummy in session.log)
    engine.begin(session, write=True)
    engine.begin(session, write=True)
    assert session.locked and [params for sql, params in session.log if 'GET_LOCK' in sql] == \
        [('ispmail.mailserver', 120)]
    engine.finish(session)
    assert not session.locked and session.log[-1] == ('SELECT RELEASE_LOCK(%s)', ('ispmail.mailserver',))
    count = len(session.log)
    engine.finish(session)
    assert len(session.log) == count  # nothing held, nothing to release


@pytest.mark.parametrize('answer', [[(0,)], [(None,)], []])
def test_mariadb_says_when_another_run_holds_the_lock(answer):
    with pytest.raises(ConnectionFailure, match='another run holds the lock ispmail.mailserver for more than 120'):
        mariadb.MariaDB().begin(ScriptedSession({'SELECT GET_LOCK': answer}), write=True)


def test_mariadb_reads_the_columns_of_the_three_tables():
    session = ScriptedSession({'SELECT TABLE_NAME': [('Virtual_Users', 'Quota', 'bigint', 'bigint(11)', None)]})
    columns = mariadb.MariaDB().columns(session)
    assert list(columns) == [('virtual_users', 'quota')] and columns[('virtual_users', 'quota')].int_max > 2 ** 62
    assert session.log[0][1] == ('virtual_domains', 'virtual_users', 'virtual_aliases')


# -- Galera --------------------------------------------------------------------------------------
HEALTHY = [('wsrep_ready', 'ON'), ('WSREP_CLUSTER_STATUS', 'Primary'), ('wsrep_local_state_comment', 'Synced')]


def test_a_plain_server_is_no_cluster_and_gets_no_lock_row():
    session = ScriptedSession({'SHOW GLOBAL VARIABLES': [('wsrep_on', 'OFF')], 'SELECT GET_LOCK': [(1,)]})
    mariadb.MariaDB().begin(session, write=True)
    assert session.cluster.galera is False and not any('INSERT' in sql for sql, dummy in session.log)
    assert galera.is_on([('WSREP_ON', 'on')]) and not galera.is_on([])


def test_a_healthy_galera_node_reads_causally_and_writes_the_lock_row_each_attempt():
    session = ScriptedSession({'SHOW GLOBAL VARIABLES': [('wsrep_on', 'ON')], 'SHOW GLOBAL STATUS': HEALTHY,
                               'SELECT GET_LOCK': [(1,)], 'SELECT COLUMN_TYPE': [('int(11)',)]})
    engine = mariadb.MariaDB()
    engine.begin(session, write=True)
    engine.begin(session, write=True)
    sqls = [sql for sql, dummy in session.log]
    column_type = ('SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() '
                   'AND TABLE_NAME = %s AND COLUMN_NAME = %s')
    assert sqls.count('SHOW GLOBAL VARIABLES LIKE %s') == 1 and sqls.count(column_type) == 1
    assert ('SET SESSION wsrep_sync_wait = %s', (1,)) in session.log
    assert sqls.count('INSERT INTO virtual_domains (id, name) VALUES (%s, %s)') == 2
    assert ('INSERT INTO virtual_domains (id, name) VALUES (%s, %s)', [(-1, 'ispmail-lock.invalid')]) in session.log


def test_a_galera_node_without_mail_tables_writes_no_lock_row_and_an_unsigned_id_is_refused():
    session = ScriptedSession({'SHOW GLOBAL VARIABLES': [('wsrep_on', 'ON')], 'SHOW GLOBAL STATUS': HEALTHY,
                               'SELECT GET_LOCK': [(1,)]})
    mariadb.MariaDB().begin(session, write=True)
    assert session.cluster.lock_table is False and not any('INSERT' in sql for sql, dummy in session.log)
    session = ScriptedSession({'SHOW GLOBAL VARIABLES': [('wsrep_on', 'ON')], 'SHOW GLOBAL STATUS': HEALTHY,
                               'SELECT GET_LOCK': [(1,)], 'SELECT COLUMN_TYPE': [('INT(10) UNSIGNED',)]})
    with pytest.raises(SchemaError, match='unsigned'):
        mariadb.MariaDB().begin(session, write=True)


def test_an_unhealthy_galera_node_is_refused_before_anything_is_read():
    session = ScriptedSession({'SHOW GLOBAL VARIABLES': [('wsrep_on', 'ON')],
                               'SHOW GLOBAL STATUS': HEALTHY[:1] + [('wsrep_cluster_status', 'non-Primary')]})
    with pytest.raises(ConnectionFailure) as caught:
        mariadb.MariaDB().begin(session, write=False)
    assert str(caught.value) == ('the Galera node at socket /x is not usable, nothing was read or changed: '
                                 'wsrep_cluster_status is non-Primary, wsrep_local_state_comment is missing (a node '
                                 'must be ready, Synced and in the Primary component)')


# -- PostgreSQL ----------------------------------------------------------------------------------
def test_postgresql_connects_by_socket_directory_or_host():
    kwargs, where = postgresql.connection_target({'login_unix_socket': '/run/pg/.s.PGSQL.5433', 'login_port': 5433,
                                                  'login_db': 'mail', 'login_user': 'admin'})
    assert (kwargs['host'], kwargs['port'], kwargs['dbname'], kwargs['user']) == ('/run/pg', 5433, 'mail', 'admin')
    assert where == 'socket /run/pg/.s.PGSQL.5433' and 'password' not in kwargs
    kwargs, where = postgresql.connection_target({'login_host': 'db', 'login_password': '', 'ca_cert': '/ca'})
    assert (kwargs['host'], kwargs['port'], kwargs['password'], kwargs['sslmode']) == ('db', 5432, '', 'verify-full')
    assert where == 'host db port 5432 (TLS)' and kwargs['connect_timeout'] == 30
    kwargs, where = postgresql.connection_target({'login_host': 'db', 'ca_cert': '/ca', 'check_hostname': False,
                                                  'client_cert': '/c', 'client_key': '/k'})
    assert (kwargs['sslmode'], kwargs['sslcert'], kwargs['sslkey']) == ('verify-ca', '/c', '/k')
    kwargs, where = postgresql.connection_target({'login_host': 'db', 'client_cert': '/c'})
    assert kwargs['sslmode'] == 'require' and where.endswith('(TLS, server not verified: no ca_cert)')
    kwargs, where = postgresql.connection_target({'login_unix_socket': '/sockets'})
    assert where == 'socket /sockets/.s.PGSQL.5432'
    assert postgresql.connection_target({})[1] == 'socket /var/run/postgresql/.s.PGSQL.5432'


class PgError(psycopg.Error):
    def __init__(self, code, message='boom'):
        self.code = code
        super(PgError, self).__init__(message)

    @property
    def sqlstate(self):
        return self.code


class PgBroken(PgError, psycopg.OperationalError):
    pass


@pytest.mark.parametrize('error, kind', [(PgError('40001'), base.RETRY), (PgError('40P01'), base.RETRY),
                                         (PgError('25006'), base.READ_ONLY), (PgError('08006'), base.LOST),
                                         (PgBroken(None), base.LOST), (PgError(None), base.FAILED),
                                         (PgBroken('23505'), base.FAILED), (PgError('23505'), base.FAILED)])
def test_postgresql_errors_mean_what_their_sqlstate_says(error, kind):
    assert postgresql.PostgreSQL().error_kind(error) == kind


def test_postgresql_messages_and_lock():
    engine = postgresql.PostgreSQL()
    assert engine.describe_error(PgError('23505', 'duplicate key\nDETAIL: x')) == '(23505) duplicate key'
    assert engine.describe_error(PgError(None, 'plain')) == 'plain' and engine.describe_error(PgError(None, '')) == \
        'PgError'
    assert engine.fold('email') == 'lower(email)'
    session = ScriptedSession({})
    engine.begin(session, write=False)
    assert session.log == []
    engine.begin(session, write=True)
    assert [params for sql, params in session.log] == [('120s',), (0x4953504D,), ()]
    session = ScriptedSession({'SELECT table_name': [('virtual_users', 'quota', 'integer', None),
                                                     ('virtual_users', 'email', 'character varying', 80)]})
    columns = engine.columns(session)
    assert columns[('virtual_users', 'quota')].int_max == 2147483647
    assert columns[('virtual_users', 'email')].max_length == 80


# -- PostgreSQL roles (db/postgresql_accounts.py) ------------------------------------------------
def pg_account(name='lookup'):
    from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.accounts import Account
    return Account(name, 'localhost', 'mail')


def test_a_postgresql_role_is_read_with_its_privileges_on_all_three_tables():
    from ansible_collections.ispmail.mailserver.plugins.module_utils.db.scram import make_verifier
    accounts = postgresql.PostgreSQL.accounts
    missing = {'exists': False, 'password_ok': None, 'privileges': []}
    assert accounts.read(ScriptedSession({}), pg_account(), 'pw') == missing
    session = ScriptedSession({'SELECT rolpassword': [(make_verifier('pw'),)], 'SELECT has_table_privilege': [(True,)]})
    found = accounts.read(session, pg_account(), 'pw')
    assert found == {'exists': True, 'password_ok': True, 'privileges': ['DELETE', 'INSERT', 'SELECT', 'UPDATE']}
    assert session.log[1][1] == ('lookup', 'virtual_domains', 'SELECT', 'lookup', 'virtual_users', 'SELECT',
                                 'lookup', 'virtual_aliases', 'SELECT')
    assert accounts.read(session, pg_account(), 'other')['password_ok'] is False
    assert accounts.read(session, pg_account(), None)['password_ok'] is None
    session.answers['SELECT has_table_privilege'] = [(False,)]
    assert accounts.read(session, pg_account(), None)['privileges'] == []


def test_a_postgresql_role_gets_a_verifier_never_its_password():
    accounts = postgresql.PostgreSQL.accounts
    session = ScriptedSession({})
    accounts.create(session, pg_account(), 'Secret-pw')
    accounts.set_password(session, pg_account(), 'Secret-pw')
    (create, (row,)), (alter, (row2,)) = session.log
    assert create == 'CREATE ROLE "lookup" LOGIN PASSWORD %s' and alter == 'ALTER ROLE "lookup" PASSWORD %s'
    assert row[0].startswith('SCRAM-SHA-256$') and 'Secret-pw' not in row[0] + row2[0]
    with pytest.raises(Exception, match='lowercase letters'):
        accounts.create(session, pg_account('Bad-Name'), 'x')


def test_postgresql_privileges_follow_insert_onto_the_sequences():
    accounts = postgresql.PostgreSQL.accounts
    session = ScriptedSession({'SELECT pg_get_serial_sequence': [('virtual_users_id_seq',), (None,)]})
    accounts.set_privileges(session, pg_account(), ['INSERT', 'SELECT'], True)
    writes = [sql for sql, rows in session.log if not sql.startswith('SELECT')]
    assert writes == ['REVOKE ALL ON virtual_domains, virtual_users, virtual_aliases FROM "lookup"',
                      'GRANT INSERT, SELECT ON virtual_domains, virtual_users, virtual_aliases TO "lookup"',
                      'GRANT USAGE ON SEQUENCE virtual_users_id_seq TO "lookup"']
    session.log = []
    accounts.set_privileges(session, pg_account(), [], False)
    assert [sql for sql, rows in session.log if not sql.startswith('SELECT')] == [
        'REVOKE ALL ON SEQUENCE virtual_users_id_seq FROM "lookup"']
    session.log = []
    accounts.drop(session, pg_account())
    assert [sql for sql, rows in session.log if not sql.startswith('SELECT')] == [
        'REVOKE ALL ON virtual_domains, virtual_users, virtual_aliases FROM "lookup"',
        'REVOKE ALL ON SEQUENCE virtual_users_id_seq FROM "lookup"', 'DROP ROLE "lookup"']
