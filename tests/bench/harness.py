# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's MariaDB and collection: one job, take them from the integration harness.

Provides (no fixtures):
  MailDatabase(base_dir, engine=...)   a started MariaDB or PostgreSQL (tests.integration) with one database
                              holding the guide's Bookworm schema; module_defaults(), counts(), stop()
  build_collection(workdir)   the collection built and installed offline (tests.integration.playbook_runner)
"""

import os

from tests.integration.database import Database
from tests.integration.mariadb_server import MariaDBServer
from tests.integration.postgresql_server import PostgreSQLServer
from tests.integration.playbook_runner import install_collection


def start_server(base_dir, engine='mariadb'):
    """A throwaway server of the engine, as the integration tests start it."""
    if engine == 'postgresql':
        return PostgreSQLServer().start()
    return MariaDBServer(os.path.join(base_dir, 'mariadb')).start()


class MailDatabase:
    """A running server (started here, or given) with one database holding the guide's Bookworm schema."""

    def __init__(self, base_dir, server=None, worker='bench', engine='mariadb'):
        self.server = server or start_server(base_dir, engine)
        try:
            self.database = Database(self.server, 'bookworm', worker=worker)
        except Exception:
            self.server.stop()
            raise
        self.name, self.socket = self.database.name, self.server.socket

    def module_defaults(self):
        return self.server.admin_params(self.name)

    def counts(self):
        return self.database.counts()

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
