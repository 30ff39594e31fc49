# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks every entity's items pass: a known state, no key listed twice."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError

STATES = ('present', 'absent')


def check_state(item, what):
    if item.get('state') not in STATES:
        raise InputError("%s: state must be 'present' or 'absent', not %r" % (what, item.get('state')))


def refuse_duplicates(keys, what):
    seen = set()
    for key in keys:
        if key in seen:
            raise InputError("%s '%s' is listed twice" % (what, key))
        seen.add(key)
