# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mailbox quotas: bytes as given, or sizes such as '2G' read as Ansible's human_to_bytes reads them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.common.text.formatters import human_to_bytes

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError

# The largest quota of the older schemas' int(11) column (Bullseye era): 2 GiB - 1.
INT11_QUOTA_MAX = 2147483647


def parse_quota(value, what='quota'):
    """None (leave as is), or a whole number of bytes >= 0 (0 = unlimited)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise InputError('%s must be a number of bytes or a size such as 2G, not %r' % (what, value))
    if isinstance(value, int):
        quota = value
    elif isinstance(value, float) and value.is_integer():
        quota = int(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            quota = int(text) if text.lstrip('-').isdigit() else human_to_bytes(text)
        except (ValueError, OverflowError) as exc:  # '1e999'-like sizes overflow a float
            # The reason quotes the value as given: escape it as %r does, no raw control characters.
            raise InputError('%s %r is not a number of bytes or a size such as 2G: %s'
                             % (what, value, repr(str(exc))[1:-1]))
    else:
        raise InputError('%s must be a number of bytes or a size such as 2G, not %r' % (what, value))
    if quota < 0:
        raise InputError('%s must not be negative (0 means unlimited), not %r' % (what, value))
    return quota
