# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The single form and the list form of a module's options as one list of items."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError

# Options that say the same thing in two ways: an item that sets one does not take the
# top-level default of the other (a ready hash beside a default password is not a conflict).
ALTERNATIVES = (('password', 'password_hash'),)


def gather_items(params, list_key, key_name, item_keys):
    """[item, ...] from `params`, each a dict holding every key of `item_keys`.

    The single form is a list of one item built from the top-level options; in the list form
    the top-level options are the defaults of every item, and an item may be a plain string
    (its `key_name`).
    """
    entries = params.get(list_key)
    if entries is None:
        return [dict((key, params.get(key)) for key in item_keys)]
    known = frozenset(item_keys)
    defaults = dict((key, params.get(key)) for key in item_keys if key != key_name)
    items = []
    for index, entry in enumerate(entries):
        if isinstance(entry, str):
            entry = {key_name: entry}
        elif not isinstance(entry, dict):
            raise InputError('%s[%d] must be a string (the %s) or a dictionary, not %s'
                             % (list_key, index, key_name, type(entry).__name__))
        elif not known.issuperset(entry):
            unknown = sorted(str(key) for key in set(entry) - known)
            raise InputError('%s[%d] has unknown key(s) %s; an item takes %s'
                             % (list_key, index, ', '.join(unknown), ', '.join(item_keys)))
        if entry.get(key_name) in (None, ''):
            raise InputError('%s[%d] has no %s' % (list_key, index, key_name))
        item = dict(defaults)
        for group in ALTERNATIVES:
            if any(entry.get(key) is not None for key in group):
                item.update((key, None) for key in group)
        item.update((key, value) for key, value in entry.items() if value is not None)
        items.append(item)
    return items
