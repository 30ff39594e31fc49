# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engines there are, by the value of the `engine` option.

Each engine's file is imported only when a run asks for that engine: importing a driver costs
time on every module run (psycopg alone about a tenth of a second) that a MariaDB run never uses.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DEFAULT = 'mariadb'


def _mariadb():
    from ansible_collections.ispmail.mailserver.plugins.module_utils.db.mariadb import MariaDB
    return MariaDB


def _postgresql():
    from ansible_collections.ispmail.mailserver.plugins.module_utils.db.postgresql import PostgreSQL
    return PostgreSQL


ENGINES = {'mariadb': _mariadb, 'postgresql': _postgresql}


def engine_for(params):
    """The Engine for the module's options (MariaDB unless `engine` says otherwise)."""
    return ENGINES[params.get('engine') or DEFAULT]()()
