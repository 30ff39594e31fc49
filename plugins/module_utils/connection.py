# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by every module, and opening the connection to MariaDB."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import getpass
import inspect
import os
import traceback

try:
    import configparser
except ImportError:  # pragma: no cover - Python 2 is not supported, but sanity imports on it
    configparser = None

try:
    import pymysql
    PYMYSQL_IMPORT_ERROR = None
except ImportError:
    pymysql = None
    PYMYSQL_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.basic import missing_required_lib

DEFAULT_SOCKET = '/run/mysqld/mysqld.sock'
DEFAULT_CONFIG_FILE = '~/.my.cnf'
LOCK_NAME = 'ispmail.mailserver'
LOCK_TIMEOUT = 120


class ConnectionFailure(Exception):
    """The database could not be reached or refused us; the message is for the user."""


def connection_argument_spec():
    """The options documented in the doc fragment ispmail.mailserver.mariadb."""
    return dict(
        login_host=dict(type='str'),
        login_port=dict(type='int', default=3306),
        login_user=dict(type='str'),
        login_password=dict(type='str', no_log=True),
        login_unix_socket=dict(type='path'),
        login_db=dict(type='str', default='mailserver'),
        config_file=dict(type='path'),
        connect_timeout=dict(type='int', default=30),
        ca_cert=dict(type='path', aliases=['ssl_ca']),
        client_cert=dict(type='path', aliases=['ssl_cert']),
        client_key=dict(type='path', aliases=['ssl_key']),
        check_hostname=dict(type='bool'),
    )


def require_pymysql(module):
    if pymysql is None:
        module.fail_json(msg=missing_required_lib('PyMySQL (Debian: python3-pymysql)'),
                         exception=PYMYSQL_IMPORT_ERROR)


def read_client_config(path):
    """The [client] (and [mysql], [mariadb]) settings of a my.cnf file, or {} if there is none."""
    if not path or configparser is None:
        return {}
    path = os.path.expanduser(path)
    if not os.path.isfile(path):
        return {}
    parser = configparser.ConfigParser(allow_no_value=True, strict=False, interpolation=None)
    try:
        with open(path) as handle:
            # my.cnf allows '!include' lines that configparser does not know.
            parser.read_string(''.join(line for line in handle if not line.lstrip().startswith('!')))
    except (OSError, IOError, configparser.Error) as exc:
        raise ConnectionFailure('cannot read client configuration %s: %s' % (path, exc))
    settings = {}
    for section in ('client', 'mysql', 'mariadb', 'client-mariadb'):
        if parser.has_section(section):
            for key, value in parser.items(section):
                settings[key.replace('_', '-')] = (value or '').strip().strip('"\'')
    return settings


def connection_target(params):
    """Work out where and as whom to connect: explicit options, then config_file, then defaults.

    Returns a dict of PyMySQL keyword arguments plus 'where' (socket or host:port) for messages.
    """
    config_file = params.get('config_file')
    cfg = read_client_config(DEFAULT_CONFIG_FILE if config_file is None else config_file)
    socket_path = params.get('login_unix_socket')
    host = params.get('login_host')
    port = params.get('login_port') or 3306
    if not socket_path and not host:
        socket_path = cfg.get('socket')
        host = cfg.get('host')
        if cfg.get('port') and port == 3306:
            port = int(cfg['port'])
    if not socket_path and not host:
        # What the mariadb client does on Debian: the server's default socket.
        socket_path = DEFAULT_SOCKET
    user = params.get('login_user') or cfg.get('user') or getpass.getuser()
    password = params.get('login_password')
    if password is None:
        password = cfg.get('password', '')
    kwargs = dict(user=user, password=password, database=params.get('login_db'),
                  connect_timeout=params.get('connect_timeout') or 30,
                  charset='utf8mb4', autocommit=False)
    if socket_path:
        kwargs['unix_socket'] = socket_path
        where = 'socket %s' % socket_path
    else:
        kwargs.update(host=host, port=int(port))
        where = 'host %s port %s' % (host, port)
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
        where += ' (TLS)' if ca_cert else ' (TLS, server not verified: no ca_cert)'
    elif socket_path and _can_disable_tls():
        # Newer PyMySQL tries TLS whenever the server offers it (MariaDB 11.4+ always does):
        # over a local socket that is a handshake and encryption for nothing.
        kwargs['ssl_disabled'] = True
    return kwargs, where


def _can_disable_tls():
    try:
        return 'ssl_disabled' in inspect.signature(pymysql.connections.Connection.__init__).parameters
    except (AttributeError, TypeError, ValueError):
        return False


def connect(params):
    """Open a connection with autocommit off. Raises ConnectionFailure with a message for the user."""
    kwargs, where = connection_target(params)
    try:
        conn = pymysql.connect(**kwargs)
    except pymysql.err.MySQLError as exc:
        raise ConnectionFailure('cannot connect to MariaDB at %s as user %s (database %s): %s'
                                % (where, kwargs['user'], kwargs['database'], describe_error(exc)))
    except (OSError, IOError, ValueError) as exc:
        # TLS set-up errors (unreadable CA file, bad key) come as plain OS or SSL errors that
        # do not name the file: name the TLS files in play.
        files = ', '.join('%s %s' % (option, kwargs[key]) for option, key in
                          (('ca_cert', 'ssl_ca'), ('client_cert', 'ssl_cert'), ('client_key', 'ssl_key'))
                          if kwargs.get(key))
        raise ConnectionFailure('cannot connect to MariaDB at %s as user %s: %s%s'
                                % (where, kwargs['user'], exc, ' (%s)' % files if files else ''))
    return conn


def describe_error(exc):
    """'(1045) Access denied ...' from a PyMySQL error, without Python's repr noise."""
    args = getattr(exc, 'args', ())
    if len(args) >= 2:
        return '(%s) %s' % (args[0], args[1])
    return str(exc)
