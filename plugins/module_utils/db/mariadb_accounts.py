# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Database accounts on MariaDB: the SQL of ispmail_db_account. Every value is a parameter;
the database name, an identifier, is checked before it is quoted.

A password never reaches the server as text (where the general log, the binary log and Galera's
write sets would keep it): the client makes mysql_native_password's hash, '*' and the hex of
SHA1(SHA1(password)), and sends that (IDENTIFIED BY PASSWORD, and the comparison on read)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import re

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError

_IDENTIFIER = re.compile(r'^[A-Za-z0-9_]{1,64}$')


def _database(name):
    """The database as GRANT and REVOKE take it: quoted, with '_' escaped (there it is a wildcard,
    and `mail_server` would also grant on mailXserver)."""
    if not _IDENTIFIER.match(name or ''):
        raise InputError("database name %r: letters, digits and '_' only (at most 64)" % name)
    return '`%s`' % grant_pattern(name)


def grant_pattern(name):
    """The name with GRANT's wildcards escaped, as mysql.db and information_schema store it."""
    return name.replace('\\', '\\\\').replace('_', '\\_').replace('%', '\\%')


def native_hash(password):
    """mysql_native_password's stored form of a password, made on the client."""
    return '*' + hashlib.sha1(hashlib.sha1(password.encode('utf-8')).digest()).hexdigest().upper()


class MariaDBAccounts(object):
    """Accounts are user@host; privileges are granted on every table of the database."""

    def read(self, session, account, password):
        """{'exists', 'password_ok', 'privileges'} of the account; password_ok is None without a password."""
        row = session.select_one(
            "SELECT JSON_VALUE(Priv, '$.plugin') = 'mysql_native_password' "
            "AND JSON_VALUE(Priv, '$.authentication_string') = %s "
            'FROM mysql.global_priv WHERE User = %s AND Host = %s',
            (native_hash(password or ''), account.name, account.host))
        if row is None:
            return {'exists': False, 'password_ok': None, 'privileges': []}
        rows = session.select('SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES '
                              'WHERE GRANTEE = %s AND TABLE_SCHEMA = %s',
                              ("'%s'@'%s'" % (account.name, account.host), grant_pattern(account.database)))
        return {'exists': True, 'password_ok': bool(row[0]) if password is not None else None,
                'privileges': sorted(set(privilege.upper() for (privilege,) in rows))}

    def create(self, session, account, password):
        session.write_many('CREATE USER %s@%s IDENTIFIED BY PASSWORD %s',
                           [(account.name, account.host, native_hash(password))])

    def set_password(self, session, account, password):
        session.write_many('ALTER USER %s@%s IDENTIFIED BY PASSWORD %s',
                           [(account.name, account.host, native_hash(password))])

    def set_privileges(self, session, account, privileges, had_any):
        database = _database(account.database)
        if had_any:
            session.write_many('REVOKE ALL PRIVILEGES ON %s.* FROM %%s@%%s' % database, [(account.name, account.host)])
        if privileges:
            session.write_many('GRANT %s ON %s.* TO %%s@%%s' % (', '.join(privileges), database),
                               [(account.name, account.host)])

    def drop(self, session, account):
        session.write_many('DROP USER %s@%s', [(account.name, account.host)])
