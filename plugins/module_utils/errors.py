# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors whose message is meant for the user as it is. Every layer may raise them; this
module imports nothing of the collection, so any layer may import it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class UserError(Exception):
    """A run ends with this message and no traceback; the transaction is rolled back."""


class InputError(UserError, ValueError):
    """A value the user gave is not acceptable; nothing has been written."""


class PlanError(UserError):
    """The wanted state cannot be reached (missing domain, loop, data still attached)."""


class ConnectionFailure(UserError):
    """The database could not be reached, refused us, or may not be written to."""


class SchemaError(UserError):
    """The database does not hold the ISPmail tables."""


class DatabaseError(UserError):
    """A statement failed; the transaction was rolled back."""


class RetryTransaction(DatabaseError):
    """The server gave up this transaction for a concurrent one (deadlock, certification
    conflict): running it again from its first read may succeed."""


class HostError(UserError):
    """Something on the mail host (not in the database) failed: a mail directory, a program."""


class LibraryMissing(UserError):
    """A Python library the run needs cannot be imported.

    `library` is what Ansible's missing_required_lib() names (with the Debian package);
    `traceback` is the import error, returned as the result's `exception`.
    """

    def __init__(self, library, traceback=None, reason=None):
        super(LibraryMissing, self).__init__(library)
        self.library = library
        self.traceback = traceback
        self.reason = reason
