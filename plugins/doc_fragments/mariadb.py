# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The connection options every module shares (see module_utils/db/options.py and db/mariadb.py).
    DOCUMENTATION = r'''
options:
  login_host:
    description:
      - Host of the MariaDB server.
      - When neither O(login_host) nor O(login_unix_socket) is set and the client
        configuration file names neither, the module connects over the default
        socket C(/run/mysqld/mysqld.sock), as the C(mariadb) command does.
    type: str
  login_port:
    description:
      - TCP port of the MariaDB server, used with O(login_host).
      - Unset, the port from O(config_file), else 3306.
    type: int
  login_user:
    description:
      - User to connect as. Defaults to the user from O(config_file), else the
        user the module runs as (on Debian, root connects through the socket
        without a password).
      - Least privilege is SELECT, INSERT, UPDATE, DELETE on the mail database.
    type: str
  login_password:
    description:
      - Password of O(login_user).
    type: str
  login_unix_socket:
    description:
      - Path of the server's Unix socket. Takes precedence over O(login_host).
    type: path
  login_db:
    description:
      - Name of the ISPmail database.
    type: str
    default: mailserver
  config_file:
    description:
      - Client configuration file to read (its C([client]) section), if it exists.
      - Unset, C(~/.my.cnf) of the user the module runs as. An empty string reads no file.
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
      - Without it, PyMySQL still uses TLS when the server offers it, but does not
        check whom it talks to.
    type: path
    aliases: [ssl_ca]
  client_cert:
    description:
      - Client certificate for TLS, for accounts that C(REQUIRE X509). Turns TLS on,
        with or without O(ca_cert).
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
  - PyMySQL (Debian package C(python3-pymysql))
notes:
  - All changes of one task run in one transaction; a failure leaves the
    database as it was.
  - Writers serialize on the MariaDB named lock C(ispmail.mailserver), so runs
    from many hosts at once do not create duplicate rows.
'''
