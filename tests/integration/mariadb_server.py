# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A throwaway MariaDB server for the integration tests and the benchmark: one job, start it and stop it.

Provides (no fixtures; conftest.py makes ``mariadb`` and ``scratch_server`` from these):
  MariaDBServer   the session's server: fast (no durable commits), TLS on with tls_certs.TLSFiles
  ScratchServer   a server a test owns: durable commits, its own options, crash() and restart()
  free_port()     a TCP port on 127.0.0.1 that nothing listens on right now

The server runs from a temporary data directory with ``--no-defaults`` (nothing
from /etc/mysql is read), listens on a Unix socket in that directory and on
127.0.0.1 at a free port, and carries the accounts of db_server.py:

* ``mailadmin`` (at ``localhost`` for the socket and ``127.0.0.1`` for TCP) with
  SELECT, INSERT, UPDATE, DELETE on the test databases: the least privilege the
  modules must work with;
* ``mailserver``@``127.0.0.1`` with SELECT only, what Postfix and Dovecot use.

The test databases are all named ``ispt_...``, so both grants are given on the
pattern ``ispt\\_%``. :meth:`MariaDBServer.command` is the one mariadbd command line.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pymysql

from tests.integration import dbdump
from tests.integration.db_server import (ADMIN_PASSWORD, ADMIN_USER, DB_PATTERN, LOOKUP_PASSWORD, LOOKUP_USER,
                                         TLS_PASSWORD, TLS_USER, X509_USER, DatabaseServer)
from tests.integration.postfix_lookup import PostfixLookups
from tests.integration.tls_certs import TLSFiles

# Speed, not durability: the session server's data is thrown away.
FAST_COMMITS = ('--innodb-flush-log-at-trx-commit=0', '--loose-innodb-doublewrite=0')
# Durable, as a real server: a commit is in the redo log on disk when it returns.
DURABLE_COMMITS = ('--innodb-flush-log-at-trx-commit=1',)


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


class MariaDBServer(DatabaseServer):
    """Start with :meth:`start`, stop with :meth:`stop`; root connects over the socket without a password.

    durable: commit as a real server does (slower); tls: serve the certificates of ``self.tls``;
    extra_args: more mariadbd options, after the others (a later option wins).
    """

    engine = 'mariadb'

    def __init__(self, base_dir, durable=False, tls=True, extra_args=()):
        self.base_dir = str(base_dir)
        self.durable, self.use_tls, self.extra_args = durable, tls, list(extra_args)
        self.datadir = os.path.join(self.base_dir, 'data')
        # The socket's directory is also bind-mounted over /run/mysqld by the tests of the
        # default connection, so the socket carries the Debian name.
        self.run_dir = os.path.join(self.base_dir, 'run')
        self.socket = os.path.join(self.run_dir, 'mysqld.sock')
        self.log_file = os.path.join(self.base_dir, 'mariadbd.log')
        self.tmpdir = os.path.join(self.base_dir, 'tmp')
        self.tls = TLSFiles(os.path.join(self.base_dir, 'tls')) if tls else None
        self.port = None
        self.process = None

    # -- life cycle ------------------------------------------------------------------
    def start(self, timeout=60):
        os.makedirs(self.run_dir, exist_ok=True)
        os.makedirs(self.tmpdir, exist_ok=True)
        if self.tls:
            self.tls.create()
        self._install()
        last_error = None
        for _attempt in range(3):  # a free port can be taken between the probe and the bind
            self.port = free_port()
            try:
                self._run_until_up(self.command(), timeout)
                break
            except RuntimeError as exc:
                last_error = exc
                self.stop()
        else:
            raise last_error
        self._create_accounts()
        return self

    def _install(self):
        # A private tmpdir: concurrent bootstraps (pytest-xdist workers) collide in /tmp otherwise.
        install = subprocess.run(
            [_binary('mariadb-install-db', 'mysql_install_db'), '--no-defaults',
             '--datadir=%s' % self.datadir, '--user=root', '--tmpdir=%s' % self.tmpdir,
             '--auth-root-authentication-method=normal', '--skip-test-db'],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False,
            env=dict(os.environ, TMPDIR=self.tmpdir))
        if install.returncode != 0:
            raise RuntimeError('mariadb-install-db failed:\n%s' % install.stdout)

    def command(self):
        """The mariadbd command line, for every server of the tests and the benchmark."""
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
            '--innodb-buffer-pool-size=64M', '--innodb-log-file-size=16M', '--skip-log-bin',
        ]
        cmd += DURABLE_COMMITS if self.durable else FAST_COMMITS
        if self.tls:
            cmd += ['--ssl-ca=%s' % self.tls.ca_cert, '--ssl-cert=%s' % self.tls.server_cert,
                    '--ssl-key=%s' % self.tls.server_key]
        return cmd + self.extra_args

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

    def lookups(self, directory, database):
        return PostfixLookups(directory, self.host, self.port, LOOKUP_USER, LOOKUP_PASSWORD, database)

    def dump_command(self, database):
        return [sys.executable, dbdump.__file__, 'mariadb', self.socket, database]

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


class ScratchServer(MariaDBServer):
    """A server a test owns and may kill: durable commits (a crash test measures MariaDB as a real
    server runs it), no TLS unless ``extra_args`` bring it, :meth:`crash` and :meth:`restart`."""

    def __init__(self, base_dir, extra_args=()):
        super().__init__(base_dir, durable=True, tls=False, extra_args=extra_args)
        self.crashes = 0

    def crash(self):
        """SIGKILL mariadbd: no shutdown, no flush; InnoDB recovers from its redo log on restart."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None
        self.crashes += 1

    def restart(self, timeout=120):
        self._run_until_up(self.command(), timeout)
