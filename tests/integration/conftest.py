# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the integration tests.

Session scope (one per pytest-xdist worker, so workers share nothing):
  mariadb           a throwaway MariaDB server (mariadb_server.MariaDBServer, a db_server.DatabaseServer)
  db_server         the server of the engine under test: ``mariadb``, or with ``--engine postgresql``
                    a throwaway PostgreSQL (postgresql_server.PostgreSQLServer). With that option,
                    the tests that need MariaDB itself (they use ``mariadb`` or ``scratch_server``,
                    or a schema variant other than the default, or are marked mariadb_schema) are
                    deselected, and so are those where the engine plays no part (engine_free, below);
                    without it those marked postgresql_only. The run says how many.
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
from tests.integration.postgresql_server import PostgreSQLServer

MARIADB_ONLY_FIXTURES = ('mariadb', 'scratch_server')
# Test modules that run modules writing no SQL of their own against the engine's server (DKIM
# keys, DNS records, the alias-loop rules): the same on either engine. Marked engine_free, as
# is every test that does not use db_server at all (the docs, the benchmark, which runs both
# engines itself, the crash battery's private MariaDB, the harness's doveadm checks).
ENGINE_FREE_MODULES = ('test_dkim', 'test_info_dns', 'test_alias_loops')
# What scripts/test-integration-oldest leaves to the newest ansible-core (marked newest_core):
# the batteries that stress MariaDB or the modules' own code (the same whatever the core), the
# connection and TLS options, the list-form batteries, the harness's own checks, the DKIM and DNS
# files, the docs, the benchmark (it needs ansible-core 2.19's callbacks), Galera, and the
# schema variants other than the default.
NEWEST_CORE_MODULES = ('test_bench', 'test_concurrency', 'test_crash', 'test_hostile_input', 'test_alias_loops',
                       'test_lists', 'test_list_forms', 'test_connection', 'test_tls', 'test_harness',
                       'test_lifecycle', 'test_docs', 'test_dkim', 'test_info_dns', 'test_galera')


def pytest_addoption(parser):
    parser.addoption('--engine', choices=('mariadb', 'postgresql'), default='mariadb',
                     help='the database engine the module tests run against (default mariadb)')


def _module(item):
    return os.path.splitext(os.path.basename(str(item.fspath)))[0]


def _schema(item):
    callspec = getattr(item, 'callspec', None)
    return callspec.params.get('db', 'bookworm') if callspec is not None else 'bookworm'


def _engine_free(item):
    return _module(item) in ENGINE_FREE_MODULES or 'db_server' not in getattr(item, 'fixturenames', ())


def _needs_mariadb(item):
    if item.get_closest_marker('mariadb_schema') is not None or item.get_closest_marker('galera') is not None:
        return True
    if any(name in MARIADB_ONLY_FIXTURES for name in getattr(item, 'fixturenames', ())):
        return True
    return _schema(item) not in ('bookworm', 'role')


def _wrong_engine(item, engine):
    if engine == 'postgresql':
        return _needs_mariadb(item) or item.get_closest_marker('engine_free') is not None
    return item.get_closest_marker('postgresql_only') is not None


# tryfirst: the markers are set before -m selects by them.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if _engine_free(item):
            item.add_marker('engine_free')
        if _module(item) in NEWEST_CORE_MODULES or _schema(item) not in ('bookworm', 'role'):
            item.add_marker('newest_core')
    engine = config.getoption('--engine')
    kept = [item for item in items if not _wrong_engine(item, engine)]
    deselected = [item for item in items if _wrong_engine(item, engine)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


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
def db_server(request):
    if request.config.getoption('--engine') != 'postgresql':
        yield request.getfixturevalue('mariadb')
        return
    server = PostgreSQLServer()
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
def make_db(db_server):
    created = []

    def factory(schema='bookworm', name=None):
        assert schema is None or schema in SCHEMAS + ('role',), schema
        database = Database(db_server, schema, _worker(), name=name)
        created.append(database)
        return database

    yield factory
    for database in created:
        database.drop()


@pytest.fixture
def db(request, make_db):
    return make_db(getattr(request, 'param', 'bookworm'))


@pytest.fixture
def admin_defaults(db_server, db):
    return db_server.admin_params(db.name)


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
def postmap(db_server, db, tmp_path):
    return db_server.lookups(tmp_path / 'postfix', db.name)


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
