# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PostgreSQL through psycopg 3, or psycopg2 where that is what the host has: the only file that
imports them. As community.postgresql does, psycopg 3 is tried first."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import getpass
import os
import traceback

try:
    import psycopg
    DRIVER = 'psycopg'
    IMPORT_ERROR = None
except ImportError:
    psycopg = None
    try:
        import psycopg2 as psycopg  # noqa: F811 (the same few calls, under one name)
        DRIVER = 'psycopg2'
        IMPORT_ERROR = None
    except ImportError:
        psycopg = None
        DRIVER = None
        IMPORT_ERROR = traceback.format_exc()

from ansible_collections.ispmail.mailserver.plugins.module_utils.db import engine as base
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.postgresql_accounts import PostgreSQLAccounts
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.schema import TABLES
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import ConnectionFailure, LibraryMissing

DEFAULT_SOCKET_DIR = '/var/run/postgresql'
# pg_advisory_xact_lock's key for the writers of the mail directory ('ISPM' in ASCII).
LOCK_KEY = 0x4953504D
LOCK_TIMEOUT = '120s'
INT_MAX = {'smallint': 32767, 'integer': 2147483647, 'bigint': 9223372036854775807}

_RETRY = frozenset(('40001', '40P01'))          # serialization failure, deadlock
_READ_ONLY = frozenset(('25006',))              # read-only transaction (or a hot standby)


class PostgreSQL(base.Engine):
    name = 'postgresql'
    label = 'PostgreSQL'
    default_port = 5432
    accounts = PostgreSQLAccounts()

    def require_driver(self):
        if psycopg is None:
            raise LibraryMissing('psycopg 3 (Debian: python3-psycopg) or psycopg2 (Debian: python3-psycopg2)',
                                 IMPORT_ERROR)

    def where(self, params):
        return connection_target(params)[1]

    def connect(self, params):
        kwargs, where = connection_target(params)
        if DRIVER == 'psycopg':
            # Client-side binding, as psycopg2 and PyMySQL do: role passwords are parameters of
            # CREATE/ALTER ROLE, which server-side binding does not take.
            kwargs['cursor_factory'] = psycopg.ClientCursor
        try:
            conn = psycopg.connect(**kwargs)
        except psycopg.Error as exc:
            raise ConnectionFailure('cannot connect to PostgreSQL at %s as user %s (database %s): %s'
                                    % (where, kwargs['user'], kwargs['dbname'], self.describe_error(exc)))
        conn.autocommit = False
        return conn

    @property
    def driver_error(self):
        return psycopg.Error

    def error_kind(self, exc):
        code = sqlstate(exc)
        if code in _RETRY:
            return base.RETRY
        if code in _READ_ONLY:
            return base.READ_ONLY
        broken = isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError))
        if (code or '').startswith('08') or (code is None and broken):
            return base.LOST
        return base.FAILED

    def describe_error(self, exc):
        code = sqlstate(exc)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return '(%s) %s' % (code, message) if code else message

    def fold(self, column):
        # Text compares case-sensitively here; the modules store lowercase and compare lowercase.
        return 'lower(%s)' % column

    def begin(self, session, write):
        if not write:
            return
        # Writers serialize on a transaction-level advisory lock (free for any role, released at
        # COMMIT or ROLLBACK), taken again by every attempt of a retried transaction.
        # Waiting is bounded: a lock held longer fails with 55P03 (lock_not_available).
        session.select("SELECT set_config('lock_timeout', %s, true)", (LOCK_TIMEOUT,))
        session.select('SELECT pg_advisory_xact_lock(%s)', (LOCK_KEY,))
        session.select("SELECT set_config('lock_timeout', '0', true)")

    def columns(self, session):
        rows = session.select(
            'SELECT table_name, column_name, data_type, character_maximum_length FROM information_schema.columns '
            'WHERE table_schema = current_schema() AND table_name IN (%s, %s, %s)', TABLES)
        return dict(((table.lower(), name.lower()), base.Column(data_type, INT_MAX.get(data_type),
                                                                int(length) if length else None))
                    for table, name, data_type, length in rows)


def sqlstate(exc):
    return getattr(exc, 'sqlstate', None) or getattr(exc, 'pgcode', None)


def connection_target(params):
    """libpq's keyword arguments and 'where' for messages. login_unix_socket is the socket's
    directory (the socket file itself is taken too); with neither it nor login_host, Debian's
    socket directory."""
    socket_dir = params.get('login_unix_socket')
    if socket_dir and os.path.basename(socket_dir).startswith('.s.PGSQL.'):
        socket_dir = os.path.dirname(socket_dir)
    host = params.get('login_host')
    port = params.get('login_port') or PostgreSQL.default_port
    if socket_dir or not host:
        host = socket_dir or DEFAULT_SOCKET_DIR
        where = 'socket %s/.s.PGSQL.%s' % (host, port)
    else:
        where = 'host %s port %s' % (host, port)
    kwargs = dict(host=host, port=port, user=params.get('login_user') or getpass.getuser(),
                  dbname=params.get('login_db'), connect_timeout=params.get('connect_timeout') or 30)
    if params.get('login_password') is not None:
        kwargs['password'] = params['login_password']
    return kwargs, where + _tls(kwargs, params)


def _tls(kwargs, params):
    ca_cert, cert = params.get('ca_cert'), params.get('client_cert')
    if ca_cert:
        kwargs.update(sslrootcert=ca_cert,
                      sslmode='verify-ca' if params.get('check_hostname') is False else 'verify-full')
    if cert:
        kwargs.update(sslcert=cert, sslkey=params.get('client_key'))
        kwargs.setdefault('sslmode', 'require')
    if ca_cert or cert:
        return ' (TLS)' if ca_cert else ' (TLS, server not verified: no ca_cert)'
    return ''
