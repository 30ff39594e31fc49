# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Forwardings (virtual_aliases), one row per source and destination: normalize, load, plan, apply, report."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.base import Entity
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.checks import check_state, refuse_duplicates
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.domains import domain_ids
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.limits import check_alias_limits, load_limits
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.report import Report
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, PlanError
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import (
    check_length, domain_of, normalize_address, normalize_source)
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.alias_graph import AliasGraph, describe


def normalize_items(items, schema):
    source_max = schema.max_length('virtual_aliases', 'source')
    destination_max = schema.max_length('virtual_aliases', 'destination')
    for item in items:
        item['source'] = normalize_source(item['source'])
        what = "alias '%s'" % item['source']
        check_length(item['source'], source_max, 'source')
        check_state(item, what)
        if item.get('destinations') is None:
            if item['state'] == 'present':
                raise InputError('%s: destinations are required with state present' % what)
        else:
            item['destinations'] = _destinations(item, what, destination_max)
    refuse_duplicates([item['source'] for item in items], 'alias source')
    return items


def _destinations(item, what, destination_max):
    destinations = item['destinations']
    if isinstance(destinations, str):
        destinations = [destinations]
    if not isinstance(destinations, list):
        raise InputError('%s: destinations must be a list of addresses' % what)
    normalized = []
    for destination in destinations:
        address = normalize_address(destination, '%s: destination' % what)
        check_length(address, destination_max, '%s: destination' % what)
        if address not in normalized:
            normalized.append(address)
    if not normalized and item['state'] == 'present':
        raise InputError('%s: destinations must not be empty with state present' % what)
    return normalized


class AliasCurrent(object):
    """What an alias plan starts from: domain_ids {domain: id} of the items' domains that exist;
    aliases {source: {destination: [row ids]}} of every alias row (the loop check needs them all);
    mailboxes, every user's address (None when no item is present: no loop check is needed);
    limits: {domain: limits} of the items' domains (entities/limits.py; empty where the schema has none)."""

    def __init__(self, domain_ids, aliases, mailboxes, limits=None):
        self.domain_ids = domain_ids
        self.aliases = aliases
        self.mailboxes = mailboxes
        self.limits = limits or {}


def load_aliases(session):
    aliases = {}
    for row_id, source, destination in session.select(
            'SELECT id, source, destination FROM virtual_aliases ORDER BY id'):
        aliases.setdefault(source.lower(), {}).setdefault(destination.lower(), []).append(row_id)
    return aliases


def load_mailboxes(session):
    return set(email.lower() for (email,) in session.select('SELECT email FROM virtual_users'))


def load(session, schema, items, scope=()):
    """`scope`: more domains whose aliases an exclusive plan sees (ispmail_directory's whole file)."""
    ids = domain_ids(session, set(domain_of(item['source']) for item in items) | set(scope))
    aliases = load_aliases(session)
    present = any(item['state'] == 'present' for item in items)
    limits = dict((limit['name'], limit) for limit in load_limits(session, schema, set(ids.values())).values())
    return AliasCurrent(ids, aliases, load_mailboxes(session) if present else None, limits)


class AliasPlan(object):
    def __init__(self):
        self.report = Report('source')
        self.insert = []   # (domain_id, source, destination)
        self.delete = []   # (id,)
        self.after = {}    # source -> sorted destinations after the run
        self.added = {}
        self.removed = {}


def plan(current, items, exclusive, list_exclusive):
    """The changes that give the items' sources their wanted destinations. Pure.

    `exclusive`: each listed source keeps only its listed destinations; `list_exclusive`:
    sources of the listed domains that are not listed go too. Refuses forwarding loops.
    """
    ids = current.domain_ids
    for item in items:
        if item['state'] == 'present' and domain_of(item['source']) not in ids:
            raise PlanError("the domain '%s' of alias source '%s' does not exist; create it first with "
                            "ispmail.mailserver.ispmail_domain" % (domain_of(item['source']), item['source']))
    existing = current.aliases
    result = AliasPlan()
    wanted = dict((source, set(rows)) for source, rows in existing.items())
    for item in items:
        _plan_source(result, item, existing.get(item['source'], {}), ids, exclusive)
        wanted[item['source']] = set(result.after[item['source']])
    if list_exclusive:
        listed = set(item['source'] for item in items)
        for source in sorted(existing):
            if source not in listed and domain_of(source) in ids:
                _plan_source(result, {'source': source, 'state': 'absent', 'destinations': None},
                             existing[source], ids, False)
                wanted[source] = set()
    _refuse_loops(wanted, current.mailboxes, [item['source'] for item in items if item['state'] == 'present'])
    check_alias_limits(existing, wanted, current.limits)
    return result


def _plan_source(result, item, rows, ids, exclusive):
    source = item['source']
    current = sorted(rows)
    if item['state'] == 'present':
        add = [d for d in item['destinations'] if d not in rows]
        drop = [d for d in current if d not in item['destinations']] if exclusive else []
    else:
        add = []
        drop = [d for d in current if item['destinations'] is None or d in item['destinations']]
    for destination in add:
        result.insert.append((ids[domain_of(source)], source, destination))
    for destination in drop:
        result.delete.extend((row_id,) for row_id in rows[destination])
    duplicates = []
    if exclusive and item['state'] == 'present':
        # Hand-edited tables may hold the same row twice; the whole truth has each once.
        duplicates = [d for d in current if d not in drop and len(rows[d]) > 1]
        for destination in duplicates:
            result.delete.extend((row_id,) for row_id in rows[destination][1:])
    after = sorted((set(current) - set(drop)) | set(add))
    result.after[source] = after
    result.added[source] = add
    result.removed[source] = drop
    # The diff shows every row, so that removing a duplicate shows as a change.
    before_rows = sorted(d for d in current for dummy in rows[d])
    after_rows = sorted(d for d in after for dummy in (rows.get(d, [1]) if d not in duplicates else [1]))
    before_state = {'source': source, 'destinations': before_rows} if current else None
    after_state = {'source': source, 'destinations': after_rows} if after else None
    if not current and after:
        outcome = 'created'
    elif current and not after:
        outcome = 'removed'
    elif add or drop or duplicates:
        outcome = 'updated'
    else:
        outcome = 'unchanged'
    result.report.add(source, outcome, before_state, after_state)


def _refuse_loops(wanted, mailboxes, sources):
    if not sources:
        return
    graph = AliasGraph(dict((s, d) for s, d in wanted.items() if d), mailboxes)
    cycle = graph.find_cycle(sources)
    if cycle and any(node.startswith('@') for node in cycle):
        raise PlanError('this would make a forwarding loop through a catch-all: it forwards to a name of '
                        'its own domain that has no mailbox, so that mail bounces: %s' % describe(cycle))
    if cycle:
        raise PlanError('this would make a forwarding loop, which Postfix defers as "unreasonable '
                        'virtual_alias_maps map nesting": %s' % describe(cycle))


def applied(current, alias_plan):
    """The AliasCurrent after the plan, as apply() leaves the table (new rows have no id). Pure."""
    gone = set(row_id for (row_id,) in alias_plan.delete)
    rows = [(row_id, source, destination) for source, destinations in current.aliases.items()
            for destination, ids in destinations.items() for row_id in ids if row_id not in gone]
    rows.extend((None, source, destination) for dummy, source, destination in alias_plan.insert)
    aliases = {}
    for row_id, source, destination in rows:
        aliases.setdefault(source, {}).setdefault(destination, []).append(row_id)
    return AliasCurrent(current.domain_ids, aliases, current.mailboxes, current.limits)


def apply(alias_plan, session):
    session.write_many('DELETE FROM virtual_aliases WHERE id = %s', alias_plan.delete)
    session.write_many('INSERT INTO virtual_aliases (domain_id, source, destination) VALUES (%s, %s, %s)',
                       alias_plan.insert)


class Aliases(Entity):
    list_key = 'aliases'
    key_name = 'source'
    item_keys = ('source', 'destinations', 'state')
    option_keys = ('exclusive',)
    normalize = staticmethod(normalize_items)
    apply = staticmethod(apply)
    applied = staticmethod(applied)

    def load(self, session, schema, items, options):
        return load(session, schema, items)

    def plan(self, current, items, options):
        return plan(current, items, options['exclusive'], options['exclusive'] and options['is_list'])

    def report(self, plan, items, options):
        result = {}
        if not options['is_list']:
            source = items[0]['source']
            result.update(source=source, destinations=plan.after[source], added=plan.added[source],
                          removed=plan.removed[source])
        return plan.report.shape(result, options['is_list'])
