# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a result echoes of the module's arguments; the items of the options (entities/items.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.items import gather_items
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.report import DIFF_ENTRIES_MAX

__all__ = ('echoed_arguments', 'gather_items')


def echoed_arguments(params, list_key):
    """The module arguments a result echoes as `invocation`, with a long list told by its length.

    Ansible returns every argument with the result, and takes the result apart several times on
    the controller: a list of 10,000 entries echoed back costs more there than the module's own
    work, and nobody reads it at -vvv. The result's outcomes, counts and diff report every entry.
    """
    entries = params.get(list_key)
    if entries is None or len(entries) <= DIFF_ENTRIES_MAX:
        return {'module_args': params}
    echoed = dict(params)
    echoed[list_key] = '(%d entries, not echoed: see outcomes, counts and diff)' % len(entries)
    return {'module_args': echoed}
