# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One connection of a module run: parameterized reads and writes, check mode, and the record of queries."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.db import engine as base
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import (
    ConnectionFailure, DatabaseError, RetryTransaction)


class Session(object):
    """Reads run always; writes run only outside check mode, or in a rehearsal. Every statement
    is parameterized with %s placeholders, which every engine's driver takes.

    A rehearsal is check mode by transaction (as community.postgresql does it): the writes run,
    so that a later step of the same run reads what an earlier one wrote, and the transaction
    is rolled back at the end. Modules whose steps build on each other (ispmail_directory) use it.

    `queries` lists each distinct SQL template, reads and writes, in the order first used
    (values are never recorded, so secrets cannot leak through it).
    """

    def __init__(self, engine, params, check_mode, rehearse=False):
        self.engine = engine
        self.check_mode = check_mode
        self.rehearse = check_mode and rehearse
        self.queries = []
        self.locked = False   # set by the engine while it holds a connection-level lock
        self.cluster = None   # set by the engine: what it learned of the server once (db/galera.py)
        self.retries = 0      # transactions given up for a concurrent one and run again
        self.where = engine.where(params)
        self.conn = engine.connect(params)

    def fold(self, column):
        return self.engine.fold(column)

    @staticmethod
    def placeholders(count):
        """'%s, %s, %s' for an IN list of `count` values."""
        return ', '.join(['%s'] * count)

    def _record(self, sql):
        if sql not in self.queries:
            self.queries.append(sql)

    def _run(self, cursor, sql, params, many=False):
        try:
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
        except self.engine.driver_error as exc:
            self.rollback()
            raise self._failure(sql.split()[0].upper(), exc)

    def _failure(self, statement, exc):
        """The error to raise for a driver error; the transaction is already rolled back."""
        kind = self.engine.error_kind(exc)
        reason = self.engine.describe_error(exc)
        if kind == base.RETRY:
            return RetryTransaction('%s was given up for a concurrent transaction: %s' % (statement, reason))
        if kind == base.READ_ONLY:
            return ConnectionFailure('the %s server at %s refuses writes (read-only), nothing was changed: %s'
                                     % (self.engine.label, self.where, reason))
        if kind == base.NOT_READY:
            return ConnectionFailure('the %s node at %s serves no clients now (a cluster node outside the primary '
                                     'component, or not synced), nothing was changed: %s'
                                     % (self.engine.label, self.where, reason))
        return DatabaseError('%s failed, nothing was changed: %s' % (statement, reason))

    def select(self, sql, params=()):
        self._record(sql)
        with self.conn.cursor() as cursor:
            self._run(cursor, sql, params)
            return list(cursor.fetchall())

    def select_one(self, sql, params=()):
        rows = self.select(sql, params)
        return rows[0] if rows else None

    def write_many(self, sql, rows):
        """Run one write per row of parameters, batched by the driver (INSERT ... VALUES is multi-row)."""
        rows = list(rows)
        if not rows:
            return 0
        self._record(sql)
        if self.check_mode and not self.rehearse:
            return 0
        with self.conn.cursor() as cursor:
            self._run(cursor, sql, rows, many=True)
            return cursor.rowcount

    def commit(self):
        if self.check_mode:
            self.conn.rollback()
            return
        try:
            self.conn.commit()
        except self.engine.driver_error as exc:
            if self.engine.error_kind(exc) == base.LOST:
                # The server may have committed before the connection broke: do not claim either way.
                raise DatabaseError('COMMIT failed: the connection was lost (%s), so it is not known whether '
                                    'the change was saved; run again to make sure' % self.engine.describe_error(exc))
            self.rollback()
            raise self._failure('COMMIT', exc)

    def rollback(self):
        try:
            self.conn.rollback()
        except self.engine.driver_error:
            pass  # The connection is gone; the server rolls back on its own.

    def close(self):
        try:
            self.engine.finish(self)
            self.conn.close()
        except (self.engine.driver_error, DatabaseError):
            pass  # The connection is gone, and its locks with it; keep the error that ended the run.
