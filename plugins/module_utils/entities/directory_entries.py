# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail_directory's data as the three list forms' items."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.directory_sync import SECTIONS, TABLES
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.items import gather_items
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError

# Item keys of ispmail_user that act on the mail host after the run: not in the directory file.
HOST_ONLY = ('restore_mail',)


def sections_of(data, defaults):
    """(domain items, user items, alias items) from the file's data, with the module's options
    as the defaults of every user item (update_password, password_scheme)."""
    if not isinstance(data, dict):
        raise InputError('the directory must be a mapping with the keys %s, not %s'
                         % (', '.join(SECTIONS), type(data).__name__))
    unknown = sorted(str(key) for key in data if key not in SECTIONS)
    if unknown:
        raise InputError('the directory has unknown key(s) %s; it takes %s' % (', '.join(unknown), ', '.join(SECTIONS)))
    sections = []
    for section, table in zip(SECTIONS, TABLES):
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise InputError('%s must be a list, not %s' % (section, type(entries).__name__))
        params = dict(defaults, state='present')
        params[section] = entries
        keys = tuple(key for key in table.item_keys if key not in HOST_ONLY)
        sections.append(gather_items(params, section, table.key_name, keys))
    return tuple(sections)
