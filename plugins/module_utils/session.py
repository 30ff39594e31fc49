# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One module run against the database: a lock, one transaction, and the record of its queries."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.connection import (
    LOCK_NAME, LOCK_TIMEOUT, ConnectionFailure, connect, describe_error, pymysql)


class DatabaseError(Exception):
    """A statement failed; the transaction was rolled back. The message is for the user."""


class Session(object):
    """Reads run always; writes run only outside check mode. Every statement is parameterized.

    `queries` lists each distinct SQL template, reads and writes, in the order first used
    (values are never recorded, so secrets cannot leak through it).
    """

    def __init__(self, params, check_mode, write=True):
        self.check_mode = check_mode
        self.queries = []
        self.conn = connect(params)
        self.locked = False
        if write and not check_mode:
            self._lock()

    def _lock(self):
        # Writers from many hosts serialize here, so two runs never both insert the same
        # row on schemas that have no unique key to stop them.
        row = self.select_one('SELECT GET_LOCK(%s, %s)', (LOCK_NAME, LOCK_TIMEOUT))
        if not row or row[0] != 1:
            raise ConnectionFailure('another run holds the lock %s for more than %s seconds; '
                                    'try again' % (LOCK_NAME, LOCK_TIMEOUT))
        self.locked = True

    def _record(self, sql):
        if sql not in self.queries:
            self.queries.append(sql)

    def _run(self, cursor, sql, params, many=False):
        try:
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
        except pymysql.err.MySQLError as exc:
            self.rollback()
            raise DatabaseError('%s failed, nothing was changed: %s'
                                % (sql.split()[0].upper(), describe_error(exc)))

    def select(self, sql, params=()):
        self._record(sql)
        with self.conn.cursor() as cursor:
            self._run(cursor, sql, params)
            return list(cursor.fetchall())

    def select_one(self, sql, params=()):
        rows = self.select(sql, params)
        return rows[0] if rows else None

    def write(self, sql, params=()):
        """Run one write; returns the affected row count (0 in check mode)."""
        self._record(sql)
        if self.check_mode:
            return 0
        with self.conn.cursor() as cursor:
            self._run(cursor, sql, params)
            return cursor.rowcount

    def write_many(self, sql, rows):
        """Run one write per row of parameters, batched by the driver (INSERT ... VALUES is multi-row)."""
        rows = list(rows)
        if not rows:
            return 0
        self._record(sql)
        if self.check_mode:
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
        except pymysql.err.MySQLError as exc:
            if isinstance(exc, pymysql.err.InterfaceError) or exc.args[:1] in ((2006,), (2013,)):
                # The server may have committed before the connection broke: do not claim either way.
                raise DatabaseError('COMMIT failed: the connection was lost (%s), so it is not known whether '
                                    'the change was saved; run again to make sure' % describe_error(exc))
            raise DatabaseError('COMMIT failed, nothing was changed: %s' % describe_error(exc))

    def rollback(self):
        try:
            self.conn.rollback()
        except pymysql.err.MySQLError:
            pass  # The connection is gone; the server rolls back on its own.

    def close(self):
        try:
            if self.locked:
                self.select('SELECT RELEASE_LOCK(%s)', (LOCK_NAME,))
            self.conn.close()
        except (pymysql.err.MySQLError, DatabaseError):
            pass  # The connection is gone, and the lock with it; keep the error that ended the run.
