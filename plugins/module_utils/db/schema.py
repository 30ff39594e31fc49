# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What this database's ISPmail tables look like: the guide's schema has several variants."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import SchemaError

TABLES = ('virtual_domains', 'virtual_users', 'virtual_aliases')


class Schema(object):
    """Column facts: which optional columns exist and the limits of each value."""

    def __init__(self, columns):
        # columns: {(table, column): engine.Column}
        self.columns = columns
        missing = [t for t in TABLES if not any(key[0] == t for key in columns)]
        if missing:
            raise SchemaError('the database has no table %s: install the ISPmail schema first '
                              '(for example with the role ispmail.mailserver.server)' % ', '.join(missing))

    @property
    def has_quota(self):
        return ('virtual_users', 'quota') in self.columns

    @property
    def quota_max(self):
        return self.columns[('virtual_users', 'quota')].int_max

    @property
    def quota_type(self):
        return self.columns[('virtual_users', 'quota')].type_name

    def has_enabled(self, table):
        """Whether `table` has the enabled column of suspended domains and mailboxes."""
        return (table, 'enabled') in self.columns

    def require_enabled(self, table, what):
        """Refuse `enabled` for `what` on a schema without the column (the guide's own)."""
        if not self.has_enabled(table):
            raise SchemaError('%s: enabled was given, but this database has no enabled column in %s (the '
                              "guide's schema has none). The role ispmail.mailserver.server adds it to an "
                              'existing database, or add it with "ALTER TABLE %s ADD COLUMN enabled BOOLEAN '
                              'NOT NULL DEFAULT TRUE" (and make Dovecot\'s password query read it); or leave '
                              'enabled unset' % (what, table, table))

    def missing(self, table, columns):
        """The columns of `table` this database lacks, in the order given."""
        return [column for column in columns if (table, column) not in self.columns]

    def int_max(self, table, column):
        info = self.columns.get((table, column))
        return info.int_max if info else None

    def max_length(self, table, column):
        info = self.columns.get((table, column))
        return info.max_length if info else None


def load_schema(session):
    return Schema(session.engine.columns(session))
