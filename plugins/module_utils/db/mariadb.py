# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""MariaDB (and MySQL) through PyMySQL: the only file that imports PyMySQL."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import getpass
import inspect
import traceback

try:
    import pymysql
    PYMYSQL_IMPORT_ERROR = None
except ImportError:
    pymysql = None
    PYMYSQL_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.ispmail.mailserver.plugins.module_utils.db import engine as base
from ansible_collections.ispmail.mailserver.plugins.module_utils.db import galera
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.mariadb_accounts import MariaDBAccounts
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.mysql_config import (
    DEFAULT_CONFIG_FILE, read_client_config)
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.schema import TABLES
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import (
    ConnectionFailure, LibraryMissing)

DEFAULT_SOCKET = '/run/mysqld/mysqld.sock'
LOCK_NAME = 'ispmail.mailserver'
LOCK_TIMEOUT = 120

# Largest value each integer type holds (signed; unsigned doubles it plus one).
INT_MAX = {'tinyint': 127, 'smallint': 32767, 'mediumint': 8388607,
           'int': 2147483647, 'bigint': 9223372036854775807}

# Server error codes by what they mean for the run.
_RETRY = frozenset((1205, 1213))                  # lock wait timeout, deadlock / certification conflict
_LOST = frozenset((2006, 2013))                   # server gone, connection lost during a query
_READ_ONLY = frozenset((1290, 1792, 1836))        # --read-only, read-only transaction, read-only mode
_NOT_READY = frozenset((1047,))                   # a Galera node outside the primary component (WSREP not ready)


class MariaDB(base.Engine):
    name = 'mariadb'
    label = 'MariaDB'
    default_port = 3306
    accounts = MariaDBAccounts()

    def require_driver(self):
        if pymysql is None:
            raise LibraryMissing('PyMySQL (Debian: python3-pymysql)', PYMYSQL_IMPORT_ERROR)

    def where(self, params):
        return connection_target(params)[1]

    def connect(self, params):
        kwargs, where = connection_target(params)
        try:
            return pymysql.connect(**kwargs)
        except pymysql.err.MySQLError as exc:
            raise ConnectionFailure('cannot connect to MariaDB at %s as user %s (database %s): %s'
                                    % (where, kwargs['user'], kwargs['database'], self.describe_error(exc)))
        except (OSError, IOError, ValueError) as exc:
            # TLS set-up errors (unreadable CA file, bad key) come as plain OS or SSL errors that
            # do not name the file: name the TLS files in play.
            files = ', '.join('%s %s' % (option, kwargs[key]) for option, key in
                              (('ca_cert', 'ssl_ca'), ('client_cert', 'ssl_cert'), ('client_key', 'ssl_key'))
                              if kwargs.get(key))
            raise ConnectionFailure('cannot connect to MariaDB at %s as user %s: %s%s'
                                    % (where, kwargs['user'], exc, ' (%s)' % files if files else ''))

    @property
    def driver_error(self):
        return pymysql.err.MySQLError

    def error_kind(self, exc):
        code = exc.args[0] if exc.args else None
        if isinstance(exc, pymysql.err.InterfaceError) or code in _LOST:
            return base.LOST
        if code in _RETRY:
            return base.RETRY
        if code in _READ_ONLY:
            return base.READ_ONLY
        if code in _NOT_READY:
            return base.NOT_READY
        return base.FAILED

    def describe_error(self, exc):
        """'(1045) Access denied ...' from a PyMySQL error, without Python's repr noise."""
        args = getattr(exc, 'args', ())
        if len(args) >= 2:
            return '(%s) %s' % (args[0], args[1])
        return str(exc)

    def fold(self, column):
        # The ISPmail columns are utf8 with a case-insensitive collation: '=' already folds case.
        return column

    def begin(self, session, write):
        cluster = galera.prepare(session)
        if write and not session.locked:
            _lock(session)
        if write and cluster.galera:
            # GET_LOCK above still queues the runs on one node (no wasted attempts); the lock
            # row makes runs on different nodes conflict at certification (db/galera.py).
            galera.take_lock_row(session)

    def finish(self, session):
        if session.locked:
            session.select('SELECT RELEASE_LOCK(%s)', (LOCK_NAME,))
            session.locked = False

    def columns(self, session):
        rows = session.select(
            'SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH '
            'FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() '
            'AND TABLE_NAME IN (%s, %s, %s)', TABLES)
        return dict(((table.lower(), name.lower()), column(data_type, column_type, max_length))
                    for table, name, data_type, column_type, max_length in rows)


def column(data_type, column_type, max_length):
    """A Column from information_schema.COLUMNS' DATA_TYPE, COLUMN_TYPE and CHARACTER_MAXIMUM_LENGTH."""
    data_type, column_type = data_type.lower(), column_type.lower()
    int_max = INT_MAX.get(data_type)
    if int_max is not None and 'unsigned' in column_type:
        int_max = int_max * 2 + 1
    return base.Column(column_type, int_max, int(max_length) if max_length else None)


def _lock(session):
    # Writers from many hosts serialize here, so two runs never both insert the same row on
    # schemas that have no unique key to stop them (on one server, or on one Galera node: across
    # nodes see db/galera.py). GET_LOCK belongs to the connection: it outlives a rolled-back
    # attempt and is released by finish() or when the connection closes.
    row = session.select_one('SELECT GET_LOCK(%s, %s)', (LOCK_NAME, LOCK_TIMEOUT))
    if not row or row[0] != 1:
        raise ConnectionFailure('another run holds the lock %s for more than %s seconds; '
                                'try again' % (LOCK_NAME, LOCK_TIMEOUT))
    session.locked = True


def connection_target(params):
    """Where and as whom to connect: explicit options, then config_file, then defaults.

    Returns PyMySQL's keyword arguments and 'where' (socket or host:port) for messages.
    """
    config_file = params.get('config_file')
    cfg = read_client_config(DEFAULT_CONFIG_FILE if config_file is None else config_file)
    kwargs, where = _address(params, cfg)
    password = params.get('login_password')
    kwargs.update(user=params.get('login_user') or cfg.get('user') or getpass.getuser(),
                  password=cfg.get('password', '') if password is None else password,
                  database=params.get('login_db'), connect_timeout=params.get('connect_timeout') or 30,
                  charset='utf8mb4', autocommit=False)
    where += _tls(kwargs, params, cfg)
    return kwargs, where


def _address(params, cfg):
    socket_path = params.get('login_unix_socket')
    host = params.get('login_host')
    port = params.get('login_port')
    if not socket_path and not host:
        socket_path = cfg.get('socket')
        host = cfg.get('host')
    if port is None:
        port = int(cfg['port']) if cfg.get('port') else MariaDB.default_port
    if not socket_path and not host:
        # What the mariadb client does on Debian: the server's default socket.
        socket_path = DEFAULT_SOCKET
    if socket_path:
        return {'unix_socket': socket_path}, 'socket %s' % socket_path
    return {'host': host, 'port': int(port)}, 'host %s port %s' % (host, port)


def _tls(kwargs, params, cfg):
    """Add the TLS arguments to `kwargs`; returns what the message of a failure adds to 'where'."""
    ca_cert = params.get('ca_cert') or cfg.get('ssl-ca')
    cert = params.get('client_cert') or cfg.get('ssl-cert')
    key = params.get('client_key') or cfg.get('ssl-key')
    if ca_cert:
        check_hostname = params.get('check_hostname')
        kwargs.update(ssl_ca=ca_cert, ssl_verify_cert=True,
                      ssl_verify_identity=True if check_hostname is None else check_hostname)
    if cert:
        # A client certificate alone still proves who we are, over TLS without verifying the server.
        kwargs.update(ssl_cert=cert, ssl_key=key)
    if ca_cert or cert:
        return ' (TLS)' if ca_cert else ' (TLS, server not verified: no ca_cert)'
    if 'unix_socket' in kwargs and _can_disable_tls():
        # Newer PyMySQL tries TLS whenever the server offers it (MariaDB 11.4+ always does):
        # over a local socket that is a handshake and encryption for nothing.
        kwargs['ssl_disabled'] = True
    return ''


def _can_disable_tls():
    try:
        return 'ssl_disabled' in inspect.signature(pymysql.connections.Connection.__init__).parameters
    except (AttributeError, TypeError, ValueError):
        return False
