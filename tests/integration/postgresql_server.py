# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A throwaway PostgreSQL server for the integration tests: one job, start it and stop it.

Provides (no fixtures; conftest.py makes ``db_server`` from this one when the tests run with
``--engine postgresql``):
  PostgreSQLServer   a db_server.DatabaseServer: the host's PostgreSQL (Debian 15 on 12, 17 on 13)
                     from a temporary data directory, run as the ``postgres`` system user, with
                     SCRAM authentication on the socket and on 127.0.0.1, and the accounts of
                     db_server.py as roles (the admin's table grants come with each database)

PostgreSQL refuses to run as root, and its files must be reachable by ``postgres``: the whole
server lives in one directory under /tmp that ``stop`` removes.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile

import psycopg

from tests.integration import dbdump
from tests.integration.db_server import ADMIN_PASSWORD, ADMIN_USER, LOOKUP_PASSWORD, LOOKUP_USER, DatabaseServer
from tests.integration.mariadb_server import free_port
from tests.integration.postfix_lookup import PostfixLookups

SUPERUSER = 'postgres'
SUPERUSER_PASSWORD = 'super-Secret-5432'
# Speed, not durability: the data is thrown away.
FAST = ('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off')


def _bindir():
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/pg_ctl'))
    if not found:
        raise RuntimeError('PostgreSQL is not installed (Debian package postgresql)')
    return os.path.dirname(found[-1])


def _as_postgres(args, **kwargs):
    return subprocess.run(['runuser', '-u', 'postgres', '--'] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False, **kwargs)


class PostgreSQLServer(DatabaseServer):
    engine = 'postgresql'

    def __init__(self, base_dir=None):
        self.base_dir = tempfile.mkdtemp(prefix='ispmail-pg-', dir='/tmp')
        os.chmod(self.base_dir, 0o755)
        self.datadir = os.path.join(self.base_dir, 'data')
        self.socket = os.path.join(self.base_dir, 'run')  # the socket's directory
        self.log_file = os.path.join(self.base_dir, 'postgresql.log')
        self.port = None
        self.bindir = _bindir()

    def start(self, timeout=60):
        os.makedirs(self.socket)
        pwfile = os.path.join(self.base_dir, 'pw')
        with open(pwfile, 'w', encoding='utf-8') as handle:
            handle.write(SUPERUSER_PASSWORD + '\n')
        shutil.chown(self.base_dir, 'postgres')
        shutil.chown(self.socket, 'postgres')
        shutil.chown(pwfile, 'postgres')
        init = _as_postgres([os.path.join(self.bindir, 'initdb'), '-D', self.datadir, '-U', SUPERUSER,
                             '--pwfile', pwfile, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8'])
        if init.returncode != 0:
            raise RuntimeError('initdb failed:\n%s' % init.stdout)
        self.port = free_port()
        options = ' '.join(['-k', self.socket, '-p', str(self.port), '-h', '127.0.0.1'] + list(FAST))
        started = _as_postgres([os.path.join(self.bindir, 'pg_ctl'), '-D', self.datadir, '-l', self.log_file,
                                '-o', options, '-w', '-t', str(timeout), 'start'], timeout=timeout + 30)
        if started.returncode != 0:
            raise RuntimeError('PostgreSQL did not start:\n%s\n%s' % (started.stdout, self.log_tail()))
        self._create_accounts()
        return self

    def stop(self):
        if os.path.isdir(self.datadir):
            _as_postgres([os.path.join(self.bindir, 'pg_ctl'), '-D', self.datadir, '-m', 'immediate', 'stop'],
                         timeout=60)
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def connect(self, database=None):
        return psycopg.connect(host=self.socket, port=self.port, user=SUPERUSER, password=SUPERUSER_PASSWORD,
                               dbname=database or 'postgres', autocommit=True, cursor_factory=psycopg.ClientCursor)

    def lookups(self, directory, database):
        return PostfixLookups(directory, self.host, self.port, LOOKUP_USER, LOOKUP_PASSWORD, database,
                              engine=self.engine)

    def admin_params(self, database, host=None, **extra):
        # The port is part of the socket's name (.s.PGSQL.PORT), so it goes with the socket too.
        extra.setdefault('login_port', self.port)
        return super().admin_params(database, host, engine=self.engine, **extra)

    def superuser_params(self, database):
        """The modules' connection options for the superuser (database roles need one)."""
        return {'engine': self.engine, 'login_unix_socket': self.socket, 'login_port': self.port,
                'login_user': SUPERUSER, 'login_password': SUPERUSER_PASSWORD, 'login_db': database}

    def _create_accounts(self):
        self.execute("CREATE ROLE %s LOGIN PASSWORD '%s'" % (ADMIN_USER, ADMIN_PASSWORD),
                     "CREATE ROLE %s LOGIN PASSWORD '%s'" % (LOOKUP_USER, LOOKUP_PASSWORD))

    def quote(self, name):
        return '"%s"' % name

    def dump_command(self, database):
        return [sys.executable, dbdump.__file__, 'postgresql', self.socket, database, str(self.port),
                SUPERUSER_PASSWORD]

    def prepare(self, database):
        """The guide's grants on a new database's tables: the admin's DML, the lookup's SELECT."""
        conn = self.connect(database)
        try:
            with conn.cursor() as cur:
                cur.execute('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %s' % ADMIN_USER)
                cur.execute('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %s' % ADMIN_USER)
                cur.execute('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %s' % LOOKUP_USER)
        finally:
            conn.close()
