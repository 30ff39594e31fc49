"""Schemas for the pure checks, without a database: one job, build the column facts a database would give.

Provides (no fixtures):
  schema(quota_type=None)   a Schema with the Bookworm varchar limits of the guide's tables and,
                            when a type such as 'int(11)' or 'bigint(11)' is given, a quota column
"""
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.mariadb import column
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.schema import Schema

VARCHARS = {('virtual_domains', 'name'): 50, ('virtual_users', 'email'): 100, ('virtual_users', 'password'): 150,
            ('virtual_aliases', 'source'): 100, ('virtual_aliases', 'destination'): 100}


def schema(quota_type=None):
    columns = {key: column('varchar', 'varchar(%d)' % size, size) for key, size in VARCHARS.items()}
    if quota_type:
        columns[('virtual_users', 'quota')] = column(quota_type.split('(')[0], quota_type, None)
    return Schema(columns)
