# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engines there are, by the value of the `engine` option."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.db.mariadb import MariaDB
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.postgresql import PostgreSQL

ENGINES = {MariaDB.name: MariaDB, PostgreSQL.name: PostgreSQL}
DEFAULT = MariaDB.name


def engine_for(params):
    """The Engine for the module's options (MariaDB unless `engine` says otherwise)."""
    return ENGINES[params.get('engine') or DEFAULT]()
