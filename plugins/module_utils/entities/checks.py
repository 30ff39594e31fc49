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


def check_boolean(item, key, what):
    """An item's boolean as Ansible reads one (yes, no, on ...); None stays None."""
    value = item.get(key)
    if value is None or isinstance(value, bool):
        return value
    value = BOOLEANS.get(str(value).strip().lower())
    if value is None:
        raise InputError('%s: %s must be true or false, not %r' % (what, key, item.get(key)))
    item[key] = value
    return value


def check_enabled(item, what, schema, table):
    """An item's enabled: True, False, or None to leave it as stored; needs the schema's column."""
    if check_boolean(item, 'enabled', what) is not None:
        schema.require_enabled(table, what)


def whole_number(value, what, meaning):
    """An item's count (Ansible does not convert items of a list option): an int, or a string of
    digits; `meaning` says what it counts in the message, such as 'characters (0: no minimum)'."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if isinstance(value, bool) or isinstance(value, float) or number < 0 or str(number) != str(value).strip():
        raise InputError('%s must be a whole number of %s, not %r' % (what, meaning, value))
    return number
