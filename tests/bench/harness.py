# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's MariaDB and collection: one job, take them from the integration harness.

The integration tests' MariaDB starter (mariadb_server.py), database loader (database.py)
and collection builder (ansible_runner.py) are used when they import; otherwise a minimal
copy here does the same: a throwaway mariadbd with the guide's mailadmin account, the
Bookworm schema, and the collection built and installed offline.
"""

import glob
import os
import shutil
import subprocess
import sys
import time

import pymysql

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'integration'))

try:
    from ansible_runner import install_collection
except ImportError:  # pragma: no cover - only when the harness has moved
    install_collection = None
try:
    from database import Database
    from mariadb_server import ADMIN_PASSWORD, ADMIN_USER, MariaDBServer
except ImportError:  # pragma: no cover
    MariaDBServer = None

FALLBACK_ADMIN = ('mailadmin', 'bench-Secret-1')


class MailDatabase:
    """A running server with one database holding the guide's Bookworm schema."""

    def __init__(self, base_dir):
        if MariaDBServer is not None:
            self.server = MariaDBServer(os.path.join(base_dir, 'mariadb')).start()
            try:
                self.database = Database(self.server, 'bookworm', worker='bench')
            except Exception:
                self.server.stop()
                raise
            self.name, self.socket, self.admin = self.database.name, self.server.socket, (ADMIN_USER, ADMIN_PASSWORD)
        else:
            self.server = _OwnServer(os.path.join(base_dir, 'mariadb'))
            self.database = None
            self.name, self.socket, self.admin = 'ispt_bench', self.server.socket, FALLBACK_ADMIN
            self.server.load_schema(self.name, os.path.join(REPO_ROOT, 'tests', 'schemas', 'bookworm.sql'))

    def module_defaults(self):
        return {'login_unix_socket': self.socket, 'login_user': self.admin[0], 'login_password': self.admin[1],
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
    if install_collection is not None:
        return install_collection(workdir)
    galaxy = os.path.join(os.path.dirname(sys.executable), 'ansible-galaxy')
    build, collections = os.path.join(workdir, 'build'), os.path.join(workdir, 'collections')
    subprocess.run([galaxy, 'collection', 'build', REPO_ROOT, '--output-path', build, '--force'], check=True,
                   stdout=subprocess.DEVNULL)
    tarball, = glob.glob(os.path.join(build, 'ispmail-mailserver-*.tar.gz'))
    subprocess.run([galaxy, 'collection', 'install', tarball, '-p', collections, '--offline', '--no-deps',
                    '--force'], check=True, stdout=subprocess.DEVNULL)
    return collections


class _OwnServer:
    """mariadbd from a temporary data directory, socket only, root without a password."""

    def __init__(self, base_dir):
        self.base_dir = base_dir
        self.socket = os.path.join(base_dir, 'mysqld.sock')
        datadir = os.path.join(base_dir, 'data')
        os.makedirs(base_dir, exist_ok=True)
        subprocess.run([shutil.which('mariadb-install-db') or '/usr/bin/mariadb-install-db', '--no-defaults',
                        '--datadir=' + datadir, '--user=root', '--auth-root-authentication-method=normal',
                        '--skip-test-db'], check=True, stdout=subprocess.DEVNULL)
        self.process = subprocess.Popen(
            [shutil.which('mariadbd') or '/usr/sbin/mariadbd', '--no-defaults', '--user=root', '--datadir=' + datadir,
             '--socket=' + self.socket, '--skip-networking', '--log-error=' + os.path.join(base_dir, 'log'),
             '--innodb-flush-log-at-trx-commit=0', '--skip-log-bin'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for dummy in range(600):
            try:
                self.connect().close()
                break
            except (pymysql.err.OperationalError, FileNotFoundError):
                time.sleep(0.1)
        user, password = FALLBACK_ADMIN
        self.execute("CREATE USER '%s'@'localhost' IDENTIFIED BY '%s'" % (user, password),
                     "GRANT SELECT, INSERT, UPDATE, DELETE ON `ispt\\_%%`.* TO '%s'@'localhost'" % user)

    def connect(self, database=None):
        return pymysql.connect(unix_socket=self.socket, user='root', database=database, autocommit=True)

    def execute(self, *statements, database=None):
        conn = self.connect(database)
        try:
            with conn.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            conn.close()

    def load_schema(self, name, path):
        self.execute('CREATE DATABASE `%s`' % name)
        with open(path, encoding='utf-8') as handle:
            text = '\n'.join(line for line in handle if not line.lstrip().startswith('--'))
        self.execute(*[statement for statement in text.split(';') if statement.strip()], database=name)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)
