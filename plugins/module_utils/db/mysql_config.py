# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a MariaDB client configuration file (~/.my.cnf) the way the mariadb client does."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

try:
    import configparser
except ImportError:  # pragma: no cover - Python 2 is not supported, but sanity imports on it
    configparser = None

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import ConnectionFailure

DEFAULT_CONFIG_FILE = '~/.my.cnf'
SECTIONS = ('client', 'mysql', 'mariadb', 'client-mariadb')


def read_client_config(path):
    """The [client] (and [mysql], [mariadb]) settings of a my.cnf file, or {} if there is none."""
    if not path or configparser is None:
        return {}
    path = os.path.expanduser(path)
    if not os.path.isfile(path):
        return {}
    parser = configparser.ConfigParser(allow_no_value=True, strict=False, interpolation=None)
    try:
        with open(path) as handle:
            # my.cnf allows '!include' lines that configparser does not know.
            parser.read_string(''.join(line for line in handle if not line.lstrip().startswith('!')))
    except (OSError, IOError, configparser.Error) as exc:
        raise ConnectionFailure('cannot read client configuration %s: %s' % (path, exc))
    settings = {}
    for section in SECTIONS:
        if parser.has_section(section):
            for key, value in parser.items(section):
                settings[key.replace('_', '-')] = (value or '').strip().strip('"\'')
    return settings
