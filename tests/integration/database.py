# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One fresh ISPmail database per test, loaded with a schema variant: one job, seed and inspect it.

Everything here runs as the server's root over the socket, beside the modules
(which connect as the least-privileged ``mailadmin``), so the tests see what
was really committed.

Provides (no fixtures; conftest.py makes ``db`` and ``make_db``):
  Database(server, schema, worker, name=None)   CREATE DATABASE + schema; query/execute, add_domain/user/alias,
                                                domains/users/aliases/counts, snapshot(), snapshot_task(),
                                                fail_on() (a trigger that makes one write fail), drop()
  SCHEMAS, schema_sql(schema)                   the schema variants under tests/schemas/, and 'role'
"""

import itertools
import json
import os

from tests.integration import dbdump

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'schemas')
SCHEMAS = ('bookworm', 'trixie', 'bullseye', 'buster')
ROLE_DIR = os.path.join(os.path.dirname(SCHEMA_DIR), '..', 'roles', 'server')
# PostgreSQL has one schema, the role's; it stands in for the default variant and for 'role'.
POSTGRESQL_SCHEMA = os.path.join(ROLE_DIR, 'files', 'schema-postgresql.sql')
# 'role': the schema the role makes on MariaDB (the guide's, with the enabled columns of suspension).
ROLE_SCHEMA = os.path.join(ROLE_DIR, 'templates', 'sql', 'schema.sql.j2')

_counter = itertools.count(1)


def schema_sql(schema, engine='mariadb'):
    path = ROLE_SCHEMA if schema == 'role' else os.path.join(SCHEMA_DIR, schema + '.sql')
    if engine == 'postgresql':
        # One schema (the variants are MariaDB's); tests parametrized by variant run on MariaDB only.
        path = POSTGRESQL_SCHEMA
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith('--')]
    return [stmt.strip() for stmt in '\n'.join(lines).split(';') if stmt.strip()]


class Database:
    def __init__(self, server, schema, worker='gw0', name=None):
        """schema None: an empty database, without the ISPmail tables."""
        self.server = server
        self.schema = schema
        self.name = name or 'ispt_%s_%d_%s' % (worker, next(_counter), schema or 'empty')
        self.engine = server.engine
        server.execute('CREATE DATABASE %s' % server.quote(self.name))
        self.conn = server.connect(self.name)
        with self.conn.cursor() as cur:
            for statement in schema_sql(schema, self.engine) if schema else ():
                cur.execute(statement)
        if schema:
            server.prepare(self.name)

    def drop(self):
        try:
            self.conn.close()
        finally:
            force = ' WITH (FORCE)' if self.engine == 'postgresql' else ''
            self.server.execute('DROP DATABASE IF EXISTS %s%s' % (self.server.quote(self.name), force))

    # -- raw SQL ---------------------------------------------------------------------------
    def query(self, sql, args=None):
        with self.conn.cursor() as cur:
            cur.execute(sql, args)
            return list(cur.fetchall())

    def execute(self, sql, args=None):
        """Run one statement; returns the new row's id after an INSERT."""
        returning = self.engine == 'postgresql' and sql.lstrip().upper().startswith('INSERT')
        with self.conn.cursor() as cur:
            cur.execute(sql + (' RETURNING id' if returning else ''), args)
            return cur.fetchone()[0] if returning else getattr(cur, 'lastrowid', None)

    def binary(self, column):
        """SQL for a text column's exact bytes (no case folding by the collation)."""
        return "convert_to(%s, 'UTF8')" % column if self.engine == 'postgresql' else 'CAST(%s AS BINARY)' % column

    def has_column(self, table, column):
        return bool(self.query(
            'SELECT 1 FROM information_schema.columns WHERE table_schema=%s AND table_name=%s AND column_name=%s',
            ('public' if self.engine == 'postgresql' else self.name, table, column)))

    @property
    def has_quota(self):
        return self.has_column('virtual_users', 'quota')

    # -- seeding ---------------------------------------------------------------------------
    def add_domain(self, name):
        return self.execute('INSERT INTO virtual_domains (name) VALUES (%s)', (name,))

    def domain_id(self, name):
        rows = self.query('SELECT id FROM virtual_domains WHERE name=%s', (name,))
        assert len(rows) == 1, 'expected one domain row %r, found %d' % (name, len(rows))
        return rows[0][0]

    def add_user(self, email, password_hash='{PLAIN}unused', quota=None):
        domain_id = self.domain_id(email.split('@', 1)[1])
        if quota is None or not self.has_quota:
            return self.execute('INSERT INTO virtual_users (domain_id, email, password) VALUES (%s, %s, %s)',
                                (domain_id, email, password_hash))
        return self.execute('INSERT INTO virtual_users (domain_id, email, password, quota) VALUES (%s, %s, %s, %s)',
                            (domain_id, email, password_hash, quota))

    def add_alias(self, source, destination):
        domain_id = self.domain_id(source.split('@', 1)[1])
        return self.execute('INSERT INTO virtual_aliases (domain_id, source, destination) VALUES (%s, %s, %s)',
                            (domain_id, source, destination))

    # -- inspection ------------------------------------------------------------------------
    def domains(self):
        return sorted(row[0] for row in self.query('SELECT name FROM virtual_domains'))

    def users(self):
        """{email: {'password': ..., 'quota': ... or None without the column, 'domain': ...}}"""
        quota = 'u.quota' if self.has_quota else 'NULL'
        rows = self.query('SELECT u.email, u.password, %s, d.name FROM virtual_users u '
                          'JOIN virtual_domains d ON d.id = u.domain_id' % quota)
        return {row[0]: {'password': row[1], 'quota': row[2], 'domain': row[3]} for row in rows}

    def user(self, email):
        return self.users().get(email)

    def aliases(self):
        return sorted(self.query('SELECT source, destination FROM virtual_aliases'))

    def destinations(self, source):
        return sorted(row[0] for row in self.query('SELECT destination FROM virtual_aliases WHERE source=%s',
                                                   (source,)))

    def counts(self):
        return {table: self.query('SELECT COUNT(*) FROM %s' % table)[0][0] for table in dbdump.TABLES}

    def snapshot(self):
        """Every row of the three tables; equal snapshots mean nothing was written."""
        return json.loads(json.dumps(dbdump.dump(self.conn), sort_keys=True, default=str))

    def snapshot_task(self, name='snapshot'):
        """An ansible task that prints :meth:`snapshot` (parse it with ``RunResult.snapshot(name)``)."""
        return {
            'name': name,
            'ansible.builtin.command': {'argv': self.server.dump_command(self.name)},
            'changed_when': False,
        }

    def fail_on(self, table, event, condition, message='ispt injected failure'):
        """A trigger that makes a write fail (to prove that a failed run rolls everything back).

        ``condition`` is SQL over NEW/OLD, e.g. ``NEW.destination = 'boom@example.org'``.
        """
        trigger = 'ispt_fail_%s_%s' % (table, event.split()[-1].lower())
        if self.engine == 'postgresql':
            row = 'OLD' if event.split()[-1].upper() == 'DELETE' else 'NEW'
            self.execute("CREATE FUNCTION %s() RETURNS trigger AS $$ BEGIN IF %s THEN RAISE EXCEPTION '%s'; "
                         "END IF; RETURN %s; END $$ LANGUAGE plpgsql" % (trigger, condition, message, row))
            self.execute('CREATE TRIGGER %s %s ON %s FOR EACH ROW EXECUTE FUNCTION %s()'
                         % (trigger, event, table, trigger))
            return
        self.execute(
            "CREATE TRIGGER `%s` %s ON `%s` FOR EACH ROW BEGIN IF %s THEN "
            "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '%s'; END IF; END" % (trigger, event, table, condition, message))
