# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Renaming a mailbox (ispmail_user's rename_from): which row an item means, and the alias
destinations that follow the mailbox to its new address.

The row keeps its id, hash and quota; only its address (and domain) change. An item whose old
address is gone is an ordinary item of its new address, so a rename that already ran changes
nothing.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.checks import refuse_duplicates
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, PlanError
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import normalize_mailbox


def normalize_renames(items):
    """Check each item's rename_from; a rename that is none (the same address) is dropped."""
    for item in items:
        if item.get('rename_from') is None:
            continue
        item['rename_from'] = normalize_mailbox(item['rename_from'], 'rename_from')
        if item['rename_from'] == item['email']:
            item['rename_from'] = None
        elif item['state'] != 'present':
            raise InputError("user '%s': rename_from needs state=present" % item['email'])
    sources = [item['rename_from'] for item in items if item.get('rename_from')]
    refuse_duplicates(sources, 'rename_from address')
    targets = set(item['email'] for item in items)
    for source in sources:
        if source in targets:
            raise InputError("user '%s' is renamed by one item and listed by another; list it once" % source)


def rename_sources(items):
    return [item['rename_from'] for item in items if item.get('rename_from')]


def row_for(item, users):
    """The row an item means: its own, the row it renames, or None (to be created)."""
    row = users.get(item['email'])
    old = item.get('rename_from')
    old_row = users.get(old) if old else None
    if old_row is None:
        return row
    if row is not None:
        raise PlanError("cannot rename '%s' to '%s': both exist. Remove one of them first, or drop rename_from"
                        % (old, item['email']))
    return old_row


def load_alias_rows(session, renames):
    """[(id, source, destination)] of the aliases that forward to an old or a new address."""
    addresses = sorted(set(address for pair in renames for address in pair))
    if not addresses:
        return []
    return session.select('SELECT id, source, destination FROM virtual_aliases WHERE %s IN (%s) ORDER BY id'
                          % (session.fold('destination'), session.placeholders(len(addresses))), addresses)


def plan_alias_rewrites(alias_rows, renames):
    """(updates [(new, id)], deletes [(id,)]): each alias of an old address now forwards to the
    new one; where the alias already forwards to the new one too, the old row goes. Pure."""
    new_of = dict(renames)
    pairs = set((source.lower(), destination.lower()) for dummy, source, destination in alias_rows)
    updates, deletes = [], []
    for row_id, source, destination in alias_rows:
        new = new_of.get(destination.lower())
        if new is None:
            continue
        if (source.lower(), new) in pairs:
            deletes.append((row_id,))
        else:
            updates.append((new, row_id))
            pairs.add((source.lower(), new))
    return updates, deletes


def applied_alias_rows(alias_rows, updates, deletes):
    """The alias rows after the rewrites. Pure."""
    new_destination = dict((row_id, new) for new, row_id in updates)
    gone = set(row_id for (row_id,) in deletes)
    return [(row_id, source, new_destination.get(row_id, destination))
            for row_id, source, destination in alias_rows if row_id not in gone]
