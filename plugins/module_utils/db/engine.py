# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seam between the collection and a database server: what differs from one engine to another.

Everything above this layer speaks portable SQL with %s placeholders through a Session; an
Engine supplies the rest. To add an engine, subclass Engine in a file of its own (the only file
that imports its driver) and register it in db/engines.py. docs/architecture.md walks through it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# What a driver error means for the run (Engine.error_kind).
RETRY = 'retry'              # given up for a concurrent transaction: run the whole transaction again
LOST = 'lost'                # the connection broke during COMMIT: the outcome is unknown
READ_ONLY = 'read_only'      # the server (or node) refuses writes
NOT_READY = 'not_ready'      # a cluster node that serves no clients now (outside the primary component)
FAILED = 'failed'            # anything else: the statement failed, the transaction is rolled back


class Engine(object):
    """One database engine. Subclasses set the class attributes and implement the methods."""

    name = None           # the value of the `engine` option
    accounts = None       # the SQL of database accounts (ispmail_db_account), such as MariaDBAccounts
    label = None          # the name in messages, such as 'MariaDB'
    default_port = None

    def require_driver(self):
        """Raise errors.LibraryMissing when no driver for this engine can be imported."""
        raise NotImplementedError

    def connect(self, params):
        """A DB-API connection with autocommit off, from the module's connection options.

        Raises errors.ConnectionFailure with a message naming where and as whom; never the password.
        """
        raise NotImplementedError

    def where(self, params):
        """Where a connection goes, for messages: 'socket /run/mysqld/mysqld.sock', 'host h port p'."""
        raise NotImplementedError

    @property
    def driver_error(self):
        """The driver's base exception class: what Session catches around every statement."""
        raise NotImplementedError

    def error_kind(self, exc):
        """RETRY, LOST, READ_ONLY, NOT_READY or FAILED for a driver error."""
        raise NotImplementedError

    def describe_error(self, exc):
        """The server's message for a driver error, without Python's repr noise."""
        return str(exc)

    def fold(self, column):
        """SQL that compares `column` without regard to case (Postfix lowercases its keys)."""
        raise NotImplementedError

    def begin(self, session, write):
        """Start one transaction attempt: session settings, health checks and, for a run that
        writes (outside check mode), the lock that serializes writers of the mail directory."""
        raise NotImplementedError

    def finish(self, session):
        """Release what begin() took that outlives a transaction (session-level locks)."""

    def columns(self, session):
        """{(table, column): Column} of the ISPmail tables in the current database."""
        raise NotImplementedError


class Column(object):
    """What a column holds: its type as the server names it, the largest integer it takes, and
    the longest text (None where not limited or not text)."""

    __slots__ = ('type_name', 'int_max', 'max_length')

    def __init__(self, type_name, int_max=None, max_length=None):
        self.type_name = type_name
        self.int_max = int_max
        self.max_length = max_length
