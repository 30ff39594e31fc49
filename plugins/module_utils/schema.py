# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What this database's ISPmail tables look like: the guide's schema has several variants."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

TABLES = ('virtual_domains', 'virtual_users', 'virtual_aliases')

# Largest value each integer type holds (signed; unsigned doubles it plus one).
INT_MAX = {'tinyint': 127, 'smallint': 32767, 'mediumint': 8388607,
           'int': 2147483647, 'bigint': 9223372036854775807}


class SchemaError(Exception):
    """The database does not hold the ISPmail tables; the message is for the user."""


class Schema(object):
    """Column facts: which optional columns exist and the limits of each value."""

    def __init__(self, columns):
        # columns: {(table, column): (data_type, column_type, max_length)}
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
        data_type, column_type, dummy = self.columns[('virtual_users', 'quota')]
        limit = INT_MAX.get(data_type, INT_MAX['bigint'])
        if 'unsigned' in column_type:
            limit = limit * 2 + 1
        return limit

    @property
    def quota_type(self):
        return self.columns[('virtual_users', 'quota')][1]

    def max_length(self, table, column):
        info = self.columns.get((table, column))
        return info[2] if info and info[2] else None


def load_schema(session):
    rows = session.select(
        'SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH '
        'FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() '
        'AND TABLE_NAME IN (%s, %s, %s)', TABLES)
    columns = {}
    for table, column, data_type, column_type, max_length in rows:
        columns[(table.lower(), column.lower())] = (data_type.lower(), column_type.lower(),
                                                    int(max_length) if max_length else None)
    return Schema(columns)
