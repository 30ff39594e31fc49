# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks every entity's items pass: a known state, no key listed twice, a boolean enabled."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError

STATES = ('present', 'absent')
# What Ansible takes for a boolean in an item of a list option (items are not converted for us).
BOOLEANS = {'true': True, 'yes': True, 'on': True, '1': True, 'false': False, 'no': False, 'off': False, '0': False}


def check_state(item, what):
    if item.get('state') not in STATES:
        raise InputError("%s: state must be 'present' or 'absent', not %r" % (what, item.get('state')))


def refuse_duplicates(keys, what):
    seen = set()
    for key in keys:
        if key in seen:
            raise InputError("%s '%s' is listed twice" % (what, key))
        seen.add(key)


def check_enabled(item, what, schema, table):
    """An item's enabled: True, False, or None to leave it as stored; needs the schema's column."""
    value = item.get('enabled')
    if value is None:
        return
    if not isinstance(value, bool):
        value = BOOLEANS.get(str(value).strip().lower())
        if value is None:
            raise InputError('%s: enabled must be true or false, not %r' % (what, item.get('enabled')))
    schema.require_enabled(table, what)
    item['enabled'] = value
