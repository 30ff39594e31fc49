# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Database accounts (roles) on PostgreSQL: the SQL of ispmail_db_account.

A role has no host. Its password is sent as a SCRAM-SHA-256 verifier made here, so the server
(and its statement log) never sees it; reading a verifier back needs a superuser (pg_authid).
Privileges are granted on the three ISPmail tables, with USAGE on their id sequences for INSERT.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.ispmail.mailserver.plugins.module_utils.db.schema import TABLES
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.scram import make_verifier, matches
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError

_ROLE = re.compile(r'^[a-z_][a-z0-9_]{0,62}$')
PRIVILEGES = ('SELECT', 'INSERT', 'UPDATE', 'DELETE')


def _role(name):
    if not _ROLE.match(name or ''):
        raise InputError("PostgreSQL role name %r: lowercase letters, digits and '_' only, not starting with a digit"
                         % name)
    return '"%s"' % name


class PostgreSQLAccounts(object):
    def read(self, session, account, password):
        row = session.select_one('SELECT rolpassword FROM pg_authid WHERE rolname = %s', (account.name,))
        if row is None:
            return {'exists': False, 'password_ok': None, 'privileges': []}
        held = []
        for privilege in PRIVILEGES:
            checks = ' AND '.join(['has_table_privilege(%s, %s, %s)'] * len(TABLES))
            args = [value for table in TABLES for value in (account.name, table, privilege)]
            if session.select_one('SELECT ' + checks, args)[0]:
                held.append(privilege)
        # Sorted, as the wanted ones are (entities/accounts.normalize): else every run is a change.
        return {'exists': True, 'password_ok': matches(row[0], password) if password is not None else None,
                'privileges': sorted(held)}

    def create(self, session, account, password):
        session.write_many('CREATE ROLE %s LOGIN PASSWORD %%s' % _role(account.name), [(make_verifier(password),)])

    def set_password(self, session, account, password):
        session.write_many('ALTER ROLE %s PASSWORD %%s' % _role(account.name), [(make_verifier(password),)])

    def set_privileges(self, session, account, privileges, had_any):
        role, tables = _role(account.name), ', '.join(TABLES)
        if had_any:
            session.write_many('REVOKE ALL ON %s FROM %s' % (tables, role), [()])
        if privileges:
            session.write_many('GRANT %s ON %s TO %s' % (', '.join(privileges), tables, role), [()])
        verb = 'GRANT USAGE ON SEQUENCE %s TO %s' if 'INSERT' in privileges else 'REVOKE ALL ON SEQUENCE %s FROM %s'
        for sequence in _sequences(session):
            session.write_many(verb % (sequence, role), [()])

    def drop(self, session, account):
        # A role that holds privileges cannot be dropped: take back those on the mail tables first.
        role = _role(account.name)
        session.write_many('REVOKE ALL ON %s FROM %s' % (', '.join(TABLES), role), [()])
        for sequence in _sequences(session):
            session.write_many('REVOKE ALL ON SEQUENCE %s FROM %s' % (sequence, role), [()])
        session.write_many('DROP ROLE %s' % role, [()])


def _sequences(session):
    """The id sequences of the three tables (serial or identity columns)."""
    return [row[0] for row in session.select(
        "SELECT pg_get_serial_sequence(t, 'id') FROM unnest(ARRAY[%s, %s, %s]) AS t", TABLES) if row[0]]
