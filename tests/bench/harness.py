# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's MariaDB and collection: one job, take them from the integration harness.

The integration tests' MariaDB starter (mariadb_server.py), database loader (database.py)
and collection builder (ansible_runner.py) serve the benchmark too: a throwaway mariadbd with
the guide's mailadmin account, the Bookworm schema, and the collection built and installed
offline.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'integration'))

from ansible_runner import install_collection  # noqa: E402  (the path above first)
from database import Database  # noqa: E402
from mariadb_server import ADMIN_PASSWORD, ADMIN_USER, MariaDBServer  # noqa: E402


def start_server(base_dir):
    return MariaDBServer(os.path.join(base_dir, 'mariadb')).start()


class MailDatabase:
    """A running server (started here, or given) with one database holding the guide's Bookworm schema."""

    def __init__(self, base_dir, server=None, worker='bench'):
        self.server = server or start_server(base_dir)
        try:
            self.database = Database(self.server, 'bookworm', worker=worker)
        except Exception:
            self.server.stop()
            raise
        self.name, self.socket = self.database.name, self.server.socket

    def module_defaults(self):
        return {'login_unix_socket': self.socket, 'login_user': ADMIN_USER, 'login_password': ADMIN_PASSWORD,
                'login_db': self.name}

    def counts(self):
        conn = self.server.connect()
        try:
            with conn.cursor() as cursor:
                found = {}
                for table in ('virtual_domains', 'virtual_users', 'virtual_aliases'):
                    cursor.execute('SELECT COUNT(*) FROM `%s`.`%s`' % (self.name, table))
                    found[table] = cursor.fetchone()[0]
                return found
        finally:
            conn.close()

    def stop(self):
        self.server.stop()


def build_collection(workdir):
    """Build and install the collection offline; returns the collections path."""
    return install_collection(workdir)


def fresh_database(server, name):
    """One more empty database with the Bookworm schema on a running server."""
    return MailDatabase(None, server=server, worker=name.replace('-', '_'))


_COLLECTIONS = {}


def collections(workdir):
    """The collection built once per benchmark run."""
    if workdir not in _COLLECTIONS:
        _COLLECTIONS[workdir] = build_collection(os.path.join(workdir, 'collection'))
    return _COLLECTIONS[workdir]
