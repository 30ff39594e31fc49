# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The connection options every module shares, MariaDB and PostgreSQL (see
    # module_utils/db/options.py, db/mariadb.py and db/postgresql.py).
    DOCUMENTATION = r'''
options:
  engine:
    description:
      - The database server, V(mariadb) (or MySQL) or V(postgresql).
      - Every option and behaviour is the same on both, except where said below.
      - On PostgreSQL, addresses and domains are stored and compared in lowercase, since it compares
        text case-sensitively and Postfix lowercases its lookup keys.
    type: str
    choices: [mariadb, postgresql]
    default: mariadb
    version_added: 3.0.0
  login_host:
    description:
      - Host of the database server.
      - When neither O(login_host) nor O(login_unix_socket) is set (and, on MariaDB, the client
        configuration file names neither), the module connects over the default socket,
        C(/run/mysqld/mysqld.sock) or C(/var/run/postgresql), as the C(mariadb) and C(psql)
        commands do.
    type: str
  login_port:
    description:
      - TCP port of the server (on PostgreSQL also the number in the socket's name).
      - Unset, on MariaDB the port from O(config_file), else 3306; on PostgreSQL 5432.
    type: int
  login_user:
    description:
      - User (PostgreSQL role) to connect as. Defaults to the user from O(config_file) on MariaDB,
        else the user the module runs as (on Debian, root connects to MariaDB through the socket
        without a password; on PostgreSQL a role of the same name with peer authentication does).
      - Least privilege is SELECT, INSERT, UPDATE, DELETE on the three tables (and, on PostgreSQL,
        USAGE on their id sequences where the ids are C(serial)).
    type: str
  login_password:
    description:
      - Password of O(login_user).
    type: str
  login_unix_socket:
    description:
      - On MariaDB, the path of the server's Unix socket; on PostgreSQL, the directory that holds it
        (the socket file's path is taken too). Takes precedence over O(login_host).
    type: path
  login_db:
    description:
      - Name of the ISPmail database.
    type: str
    default: mailserver
  config_file:
    description:
      - MariaDB only. Client configuration file to read (its C([client]) section), if it exists.
      - Unset, C(~/.my.cnf) of the user the module runs as. An empty string reads no file.
      - On PostgreSQL, libpq reads C(~/.pgpass) for a password that is not given.
    type: path
  connect_timeout:
    description:
      - Seconds to wait for the connection.
    type: int
    default: 30
  ca_cert:
    description:
      - CA certificate to verify the server's TLS certificate with. Setting it
        turns TLS and the verification of the server on.
      - Without it, PyMySQL and libpq still use TLS over TCP when the server offers it, but do not
        check whom they talk to.
    type: path
    aliases: [ssl_ca]
  client_cert:
    description:
      - Client certificate for TLS, for accounts that C(REQUIRE X509) (MariaDB) or C(cert)
        authentication (PostgreSQL). Turns TLS on, with or without O(ca_cert).
    type: path
    aliases: [ssl_cert]
  client_key:
    description:
      - Key of O(client_cert).
    type: path
    aliases: [ssl_key]
  check_hostname:
    description:
      - Whether the server's certificate must name O(login_host). Only with TLS.
      - Defaults to true when O(ca_cert) is set.
    type: bool
requirements:
  - for MariaDB, PyMySQL (Debian package C(python3-pymysql))
  - for PostgreSQL, psycopg 3 (Debian package C(python3-psycopg)) or psycopg2 (C(python3-psycopg2)),
    whichever the host has
notes:
  - All changes of one task run in one transaction; a failure leaves the
    database as it was.
  - Writers serialize, so runs from many hosts at once do not create duplicate rows, on the
    MariaDB named lock C(ispmail.mailserver) or a PostgreSQL transaction-level advisory lock.
'''
