# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A throwaway MariaDB server for the integration tests: one job, start it and stop it.

The server runs from a temporary data directory with ``--no-defaults`` (nothing
from /etc/mysql is read), listens on a Unix socket in that directory and on
127.0.0.1 at a free port, and carries the two accounts of the ISPmail guide:

* ``mailadmin`` (at ``localhost`` for the socket and ``127.0.0.1`` for TCP) with
  SELECT, INSERT, UPDATE, DELETE on the test databases: the least privilege the
  modules must work with;
* ``mailserver``@``127.0.0.1`` with SELECT only, what Postfix and Dovecot use.

The test databases are all named ``ispt_...``, so both grants are given on the
pattern ``ispt\\_%``.
"""

import os
import shutil
import socket
import subprocess
import time

import pymysql

from tls_certs import TLSFiles

ADMIN_USER = 'mailadmin'
ADMIN_PASSWORD = 'admin-Secret-4711'
LOOKUP_USER = 'mailserver'
LOOKUP_PASSWORD = 'lookup-Secret-0815'
# The admin's grants, but only over TLS (REQUIRE SSL) or only with a client certificate (REQUIRE X509).
TLS_USER = 'mailtls'
X509_USER = 'mailx509'
TLS_PASSWORD = 'tls-Secret-2718'
DB_PREFIX = 'ispt_'
DB_PATTERN = 'ispt\\_%'


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _binary(*names):
    for name in names:
        for directory in ('/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'):
            path = os.path.join(directory, name)
            if os.access(path, os.X_OK):
                return path
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError('none of %s is installed (Debian package mariadb-server)' % ', '.join(names))


class MariaDBServer:
    """Start with :meth:`start`, stop with :meth:`stop`; root connects over the socket without a password."""

    def __init__(self, base_dir):
        self.base_dir = str(base_dir)
        self.datadir = os.path.join(self.base_dir, 'data')
        # The socket's directory is also bind-mounted over /run/mysqld by the tests of the
        # default connection, so the socket carries the Debian name.
        self.run_dir = os.path.join(self.base_dir, 'run')
        self.socket = os.path.join(self.run_dir, 'mysqld.sock')
        self.log_file = os.path.join(self.base_dir, 'mariadbd.log')
        self.tmpdir = os.path.join(self.base_dir, 'tmp')
        self.tls = TLSFiles(os.path.join(self.base_dir, 'tls'))
        self.host = '127.0.0.1'
        self.port = None
        self.process = None

    # -- life cycle ------------------------------------------------------------------
    def start(self, timeout=60):
        os.makedirs(self.run_dir, exist_ok=True)
        os.makedirs(self.tmpdir, exist_ok=True)
        self.tls.create()
        # A private tmpdir: concurrent bootstraps (pytest-xdist workers) collide in /tmp otherwise.
        install = subprocess.run(
            [_binary('mariadb-install-db', 'mysql_install_db'), '--no-defaults',
             '--datadir=%s' % self.datadir, '--user=root', '--tmpdir=%s' % self.tmpdir,
             '--auth-root-authentication-method=normal', '--skip-test-db'],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False,
            env=dict(os.environ, TMPDIR=self.tmpdir))
        if install.returncode != 0:
            raise RuntimeError('mariadb-install-db failed:\n%s' % install.stdout)
        last_error = None
        for _attempt in range(3):  # a free port can be taken between the probe and the bind
            self.port = free_port()
            try:
                self._launch(timeout)
                break
            except RuntimeError as exc:
                last_error = exc
                self.stop()
        else:
            raise last_error
        self._create_accounts()
        return self

    def _launch(self, timeout):
        cmd = [
            _binary('mariadbd', 'mysqld'), '--no-defaults', '--user=root',
            '--datadir=%s' % self.datadir, '--socket=%s' % self.socket, '--tmpdir=%s' % self.tmpdir,
            '--port=%d' % self.port, '--bind-address=127.0.0.1',
            '--pid-file=%s' % os.path.join(self.base_dir, 'mariadbd.pid'),
            '--log-error=%s' % self.log_file,
            # No reverse DNS look-ups: the first TCP connection would wait for them.
            '--skip-name-resolve',
            # What Debian's /etc/mysql/mariadb.conf.d/50-server.cnf sets, so that schemas
            # without a CHARSET clause (Trixie) get the character set a Debian server gives.
            '--character-set-server=utf8mb4', '--collation-server=utf8mb4_general_ci',
            # Speed, not durability: the data is thrown away.
            '--innodb-buffer-pool-size=64M', '--innodb-log-file-size=16M',
            '--innodb-flush-log-at-trx-commit=0', '--loose-innodb-doublewrite=0',
            '--skip-log-bin',
            '--ssl-ca=%s' % self.tls.ca_cert, '--ssl-cert=%s' % self.tls.server_cert,
            '--ssl-key=%s' % self.tls.server_key,
        ]
        self._run_until_up(cmd, timeout)

    def _run_until_up(self, cmd, timeout):
        """Start mariadbd with `cmd` and wait until it answers on its socket."""
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('mariadbd exited with %s:\n%s' % (self.process.returncode, self.log_tail()))
            if os.path.exists(self.socket):
                try:
                    self.connect().close()
                    return
                except pymysql.err.OperationalError:
                    pass
            time.sleep(0.1)
        raise RuntimeError('mariadbd did not come up within %s s:\n%s' % (timeout, self.log_tail()))

    def log_tail(self, lines=30):
        try:
            with open(self.log_file, encoding='utf-8', errors='replace') as handle:
                return ''.join(handle.readlines()[-lines:])
        except OSError:
            return '(no log)'

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    # -- SQL as root ---------------------------------------------------------------------
    def connect(self, database=None, user='root', password=''):
        return pymysql.connect(unix_socket=self.socket, user=user, password=password,
                               database=database, autocommit=True, charset='utf8mb4',
                               connect_timeout=5)

    def execute(self, *statements):
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
        finally:
            conn.close()

    def _create_accounts(self):
        statements = []
        for host in ('localhost', '127.0.0.1'):
            statements += [
                "CREATE USER '%s'@'%s' IDENTIFIED BY '%s'" % (ADMIN_USER, host, ADMIN_PASSWORD),
                "GRANT SELECT, INSERT, UPDATE, DELETE ON `%s`.* TO '%s'@'%s'" % (DB_PATTERN, ADMIN_USER, host),
            ]
        statements += [
            "CREATE USER '%s'@'127.0.0.1' IDENTIFIED BY '%s'" % (LOOKUP_USER, LOOKUP_PASSWORD),
            "GRANT SELECT ON `%s`.* TO '%s'@'127.0.0.1'" % (DB_PATTERN, LOOKUP_USER),
        ]
        for user, requirement in ((TLS_USER, 'SSL'), (X509_USER, 'X509')):
            statements += [
                "CREATE USER '%s'@'127.0.0.1' IDENTIFIED BY '%s' REQUIRE %s" % (user, TLS_PASSWORD, requirement),
                "GRANT SELECT, INSERT, UPDATE, DELETE ON `%s`.* TO '%s'@'127.0.0.1'" % (DB_PATTERN, user),
            ]
        self.execute(*statements)
