# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dump the three ISPmail tables of one database as JSON: one job, a comparable snapshot.

Used by the tests directly (``dump(conn)``) and as a script run by an
``ansible.builtin.command`` task between module tasks of one playbook
(``python dbdump.py SOCKET DATABASE``), so that a test can prove that a
check-mode or failed task wrote nothing without starting a second playbook.

Provides (no fixtures): dump(conn), TABLES; main(argv) when run as a script.
"""

import json
import sys

TABLES = ('virtual_domains', 'virtual_users', 'virtual_aliases')


def dump(conn):
    """{table: [row, ...]} with every column, rows sorted by id."""
    out = {}
    with conn.cursor() as cur:
        for table in TABLES:
            cur.execute('SELECT * FROM `%s` ORDER BY id' % table)
            names = [col[0] for col in cur.description]
            out[table] = [dict(zip(names, row)) for row in cur.fetchall()]
    return out


def main(argv):
    import pymysql  # pylint: disable=import-outside-toplevel

    socket_path, database = argv[1], argv[2]
    conn = pymysql.connect(unix_socket=socket_path, user='root', password='', database=database,
                           charset='utf8mb4')
    try:
        print(json.dumps(dump(conn), sort_keys=True, default=str))
    finally:
        conn.close()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
