# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail_info's dest: the directory as the YAML file ispmail_directory applies.

One entry per line, sorted, so that a change in git is a changed line. Strings are written as
JSON strings, which YAML reads as double-quoted scalars: no YAML library is needed on the
managed node, and no value can turn into another type (no, on, 1e3) when read back.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.limits import LIMIT_KEYS

HEADER = '# The mail directory of an ISPmail server: apply it with ispmail.mailserver.ispmail_directory.\n'


def _scalar(value):
    return 'null' if value is None else json.dumps(value, ensure_ascii=False)


def _flow(entry):
    return '{%s}' % ', '.join('%s: %s' % (key, _flow_list(value) if isinstance(value, list) else _scalar(value))
                              for key, value in entry.items())


def _flow_list(values):
    return '[%s]' % ', '.join(_scalar(value) for value in values)


def _section(name, lines):
    if not lines:
        return '%s: []\n' % name
    return '%s:\n%s' % (name, ''.join('  - %s\n' % line for line in lines))


def user_entry(user, with_hashes):
    entry = {'email': user['email']}
    if user.get('quota') is not None:
        entry['quota'] = user['quota']
    if user.get('enabled') is False:
        entry['enabled'] = False
    if with_hashes:
        entry['password_hash'] = user['password_hash']
    return entry


def domain_entry(name, detail):
    """A domain by name, or with what it has beside the defaults: enabled: false, its limits."""
    entry = {'name': name}
    if detail.get('enabled') is False:
        entry['enabled'] = False
    entry.update((key, detail[key]) for key in LIMIT_KEYS if detail.get(key))
    return _flow(entry) if len(entry) > 1 else _scalar(name)


def format_directory(info, with_hashes):
    """The text of the directory file for ispmail_info's result `info`."""
    details = dict((d['name'], d) for d in info.get('domain_details', ()))
    domains = [domain_entry(name, details.get(name, {})) for name in info['domains']]
    users = [_flow(user_entry(user, with_hashes)) for user in info['users']]
    aliases = [_flow({'source': alias['source'], 'destinations': alias['destinations']}) for alias in info['aliases']]
    return HEADER + _section('domains', domains) + _section('users', users) + _section('aliases', aliases)
