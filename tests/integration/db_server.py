# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a test database server offers, whatever its engine: one job, the engine seam of the harness.

Provides (no fixtures; conftest.py makes them):
  ADMIN_USER, ADMIN_PASSWORD, LOOKUP_USER, LOOKUP_PASSWORD, TLS_USER, X509_USER, TLS_PASSWORD,
  DB_PREFIX, DB_PATTERN   the guide's accounts and the test databases' names, the same on every engine
  DatabaseServer          the interface each engine's server implements (mariadb_server.MariaDBServer
                          now; a PostgreSQL server goes beside it) and the one source of the modules'
                          connection options for the admin account (:meth:`admin_params`)
"""

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


class DatabaseServer:
    """A throwaway server: :meth:`start`, :meth:`stop`, root SQL, and the accounts above.

    An engine sets ``socket``, ``host`` and ``port`` once started, and implements the methods
    that raise NotImplementedError here.
    """

    engine = None
    socket = None
    host = '127.0.0.1'
    port = None

    def start(self, timeout=60):
        raise NotImplementedError

    def stop(self):
        raise NotImplementedError

    def connect(self, database=None):
        """A DB-API connection as the server's superuser, autocommit on."""
        raise NotImplementedError

    def execute(self, *statements):
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
        finally:
            conn.close()

    log_file = None

    def log_tail(self, lines=30):
        """The end of the server's log, for messages of a server that would not start."""
        try:
            with open(self.log_file, encoding='utf-8', errors='replace') as handle:
                return ''.join(handle.readlines()[-lines:])
        except (OSError, TypeError):
            return '(no log)'

    def quote(self, name):
        """An identifier (a database or table name) quoted for this engine."""
        return '`%s`' % name

    def prepare(self, database):
        """After a test database got its tables: what the engine needs besides (grants)."""

    def dump_command(self, database):
        """The argv of dbdump.py printing ``database``'s rows, for a task between module tasks."""
        raise NotImplementedError

    def lookups(self, directory, database):
        """Postfix's lookups (``postmap -q``) against ``database``, as the read-only account."""
        raise NotImplementedError

    def admin_params(self, database, host=None, **extra):
        """The modules' connection options for the least-privileged admin: over the socket, or TCP to ``host``."""
        if host is None:
            params = {'login_unix_socket': self.socket}
        else:
            params = {'login_host': host, 'login_port': self.port}
        params.update(login_user=ADMIN_USER, login_password=ADMIN_PASSWORD, login_db=database)
        params.update(extra)
        return params
