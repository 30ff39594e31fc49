"""A fake engine for the unit tier: one job, stand behind the Engine seam (db/engine.py) without a
server, and record every statement a run sends.

Provides (no fixtures):
  FakeEngine(failures=None)   the ISPmail tables in an in-memory SQLite database of this process
                              (no server, nothing on disk); `statements` lists every
                              (sql, params) sent, in order, with 'BEGIN', 'COMMIT' and 'ROLLBACK';
                              `failures` maps the first word of a statement ('INSERT') to a list of
                              error kinds (engine.RETRY, ...) raised by its next executions
  FakeEngine.writes()         the recorded statements that write (INSERT, UPDATE, DELETE, CREATE ...)
  FakeEngine.rows(sql)        what a SELECT over the fake tables returns, for assertions
  FakeEngine.accounts_table   {(name, host): {'password', 'privileges'}}: the database accounts the
                              MariaDB account SQL (db/mariadb_accounts.py) reads and writes
  DriverError(kind)           the fake driver's error; FakeEngine.error_kind returns its kind
"""
import re
import sqlite3

from ansible_collections.ispmail.mailserver.plugins.module_utils.db import engine as base
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.mariadb_accounts import MariaDBAccounts

TABLES = (
    'CREATE TABLE virtual_domains (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)',
    'CREATE TABLE virtual_users (id INTEGER PRIMARY KEY AUTOINCREMENT, domain_id INTEGER NOT NULL, '
    'email TEXT NOT NULL, password TEXT NOT NULL, quota BIGINT NOT NULL DEFAULT 0)',
    'CREATE TABLE virtual_aliases (id INTEGER PRIMARY KEY AUTOINCREMENT, domain_id INTEGER NOT NULL, '
    'source TEXT NOT NULL, destination TEXT NOT NULL)',
)
# The Bookworm schema's limits, as MariaDB's information_schema reports them.
COLUMNS = {('virtual_domains', 'name'): ('varchar', None, 50), ('virtual_users', 'email'): ('varchar', None, 100),
           ('virtual_users', 'password'): ('varchar', None, 150),
           ('virtual_users', 'quota'): ('bigint', 9223372036854775807, None),
           ('virtual_aliases', 'source'): ('varchar', None, 100),
           ('virtual_aliases', 'destination'): ('varchar', None, 100)}
WRITES = ('INSERT', 'UPDATE', 'DELETE', 'CREATE', 'ALTER', 'DROP', 'GRANT', 'REVOKE')


class DriverError(Exception):
    def __init__(self, kind):
        super(DriverError, self).__init__('fake %s error' % kind)
        self.kind = kind


class FakeEngine(base.Engine):
    name = 'mariadb'
    label = 'FakeDB'
    accounts = MariaDBAccounts()

    def __init__(self, failures=None):
        self.db = sqlite3.connect(':memory:')
        for sql in TABLES:
            self.db.execute(sql)
        self.db.commit()
        self.statements = []
        self.failures = dict((word, list(kinds)) for word, kinds in (failures or {}).items())
        self.accounts_table = {}
        self.has_quota = True

    def require_driver(self):
        pass

    def connect(self, params):
        self.statements.append(('CONNECT', params.get('login_password')))
        return Connection(self)

    def where(self, params):
        return 'fake'

    driver_error = DriverError

    def error_kind(self, exc):
        return exc.kind

    def fold(self, column):
        return 'LOWER(%s)' % column

    def begin(self, session, write):
        self.statements.append(('BEGIN', write))

    def columns(self, session):
        return dict((key, base.Column(*facts)) for key, facts in COLUMNS.items()
                    if self.has_quota or key[1] != 'quota')

    def writes(self):
        return [(sql, params) for sql, params in self.statements if sql.split()[0] in WRITES]

    def rows(self, sql):
        return [tuple(row) for row in self.db.execute(sql)]

    def seed(self, sql, *rows):
        """Rows written straight into the fake tables, as if made by hand before the run."""
        self.db.executemany(sql.replace('%s', '?'), rows)
        self.db.commit()


class Connection(object):
    def __init__(self, engine):
        self.engine = engine

    def cursor(self):
        return Cursor(self.engine)

    def commit(self):
        self.engine.statements.append(('COMMIT', None))
        self.engine.db.commit()

    def rollback(self):
        self.engine.statements.append(('ROLLBACK', None))
        self.engine.db.rollback()

    def close(self):
        self.engine.statements.append(('CLOSE', None))


class Cursor(object):
    """A DB-API cursor over the SQLite tables; database accounts live in a dict (SQLite has none)."""

    def __init__(self, engine):
        self.engine = engine
        self.result = []
        self.rowcount = -1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=()):
        self._fail(sql)
        self._execute(sql, params)

    def _execute(self, sql, params):
        self.engine.statements.append((sql, tuple(params)))
        if _accounts_statement(sql):
            self.result, self.rowcount = _accounts(self.engine.accounts_table, sql, tuple(params))
            return
        cursor = self.engine.db.execute(sql.replace('%s', '?'), tuple(params))
        self.result, self.rowcount = cursor.fetchall(), cursor.rowcount

    def executemany(self, sql, rows):
        rows = [tuple(row) for row in rows]
        self._fail(sql)
        total = 0
        for row in rows:
            self._execute(sql, row)
            total += self.rowcount
        self.rowcount = total

    def fetchall(self):
        return list(self.result)

    def _fail(self, sql):
        kinds = self.engine.failures.get(sql.split()[0].upper())
        if kinds:
            raise DriverError(kinds.pop(0))


def _accounts_statement(sql):
    return bool(re.match(r'(CREATE|ALTER|DROP) USER|GRANT|REVOKE|SELECT (JSON_VALUE|PRIVILEGE_TYPE)', sql))


def _accounts(table, sql, params):
    """(rows, rowcount) of one statement of db/mariadb_accounts.py against {(name, host): account}."""
    if sql.startswith('SELECT JSON_VALUE'):
        password, name, host = params
        account = table.get((name, host))
        return ([] if account is None else [(int(account['password'] == password),)]), 1
    if sql.startswith('SELECT PRIVILEGE_TYPE'):
        grantee, dummy = params
        name, host = re.match(r"^'(.*)'@'(.*)'$", grantee).groups()
        return [(p,) for p in table.get((name, host), {}).get('privileges', [])], 1
    key = params[:2]
    if sql.startswith('CREATE USER'):
        table[key] = {'password': params[2], 'privileges': []}
    elif sql.startswith('ALTER USER'):
        table[key]['password'] = params[2]
    elif sql.startswith('DROP USER'):
        del table[key]
    elif sql.startswith('REVOKE'):
        table[key]['privileges'] = []
    else:
        table[key]['privileges'] = [p.strip() for p in re.match(r'GRANT (.*) ON ', sql).group(1).split(',')]
    return [], 1
