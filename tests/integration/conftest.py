# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the integration tests.

Session scope (one per pytest-xdist worker, so workers share nothing):
  mariadb           a throwaway MariaDB server (mariadb_server.MariaDBServer, a db_server.DatabaseServer)
  collections_path  the collection built and installed offline (playbook_runner.py)
  runner            runs playbooks against that collections path
Function scope:
  db                a fresh database loaded with a schema variant; parametrize it
                    indirectly with a name from database.SCHEMAS (default bookworm)
  make_db           a factory for more databases: make_db('buster'), make_db(None) (no tables),
                    make_db('bookworm', name='mailserver')
  admin_defaults    module_defaults for the least-privileged mailadmin over the socket
                    (mariadb.admin_params(db.name))
  run_tasks         run_tasks(tasks, check=False, diff=False, verbosity=0, extra_env=None,
                    module_defaults=<admin_defaults>, run_mysqld=None, home=None) -> RunResult
  postmap           the guide's four Postfix lookups against ``db`` (postfix_lookup.py)
  postmap_q         postmap_q(key, table) -> value or None
  scratch_server    a factory for private servers a test may kill or start with its own options:
                    scratch_server(extra_args=[...]) -> a started mariadb_server.ScratchServer;
                    all stopped afterwards
"""

import os

import pytest

from tests.integration.database import Database, SCHEMAS
from tests.integration.mariadb_server import MariaDBServer, ScratchServer
from tests.integration.playbook_runner import Runner, install_collection

_DEFAULT = object()


def _worker():
    return os.environ.get('PYTEST_XDIST_WORKER', 'gw0')


@pytest.fixture(scope='session')
def mariadb(tmp_path_factory):
    server = MariaDBServer(tmp_path_factory.mktemp('mariadb'))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    return install_collection(str(tmp_path_factory.mktemp('collection')))


@pytest.fixture(scope='session')
def runner(collections_path, tmp_path_factory):
    return Runner(collections_path, tmp_path_factory.mktemp('runs'))


@pytest.fixture
def make_db(mariadb):
    created = []

    def factory(schema='bookworm', name=None):
        assert schema is None or schema in SCHEMAS, schema
        database = Database(mariadb, schema, _worker(), name=name)
        created.append(database)
        return database

    yield factory
    for database in created:
        database.drop()


@pytest.fixture
def db(request, make_db):
    return make_db(getattr(request, 'param', 'bookworm'))


@pytest.fixture
def admin_defaults(mariadb, db):
    return mariadb.admin_params(db.name)


@pytest.fixture
def run_tasks(runner, admin_defaults):
    def run(tasks, check=False, diff=False, verbosity=0, extra_env=None, module_defaults=_DEFAULT,
            run_mysqld=None, home=None):
        if module_defaults is _DEFAULT:
            module_defaults = admin_defaults
        return runner.run(tasks, module_defaults=module_defaults, check=check, diff=diff, verbosity=verbosity,
                          extra_env=extra_env, run_mysqld=run_mysqld, home=home)

    return run


@pytest.fixture
def postmap(mariadb, db, tmp_path):
    return mariadb.lookups(tmp_path / 'postfix', db.name)


@pytest.fixture
def postmap_q(postmap):
    return postmap.query


@pytest.fixture
def scratch_server(tmp_path):
    servers = []

    def start(extra_args=()):
        server = ScratchServer(tmp_path / ('mariadb%d' % len(servers)), extra_args)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()
