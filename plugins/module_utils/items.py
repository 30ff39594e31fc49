# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The single form and the list form of a module as one list of items, and the report of a run."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError

OUTCOMES = ('created', 'updated', 'removed', 'unchanged')
STATES = ('present', 'absent')
# A list-form diff shows at most this many changed entries; the summary counts them all.
DIFF_ENTRIES_MAX = 200
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


def check_state(item, what):
    if item.get('state') not in STATES:
        raise InputError("%s: state must be 'present' or 'absent', not %r" % (what, item.get('state')))


def check_bool(value, what):
    if not isinstance(value, bool):
        raise InputError('%s must be true or false, not %r' % (what, value))
    return value


def refuse_duplicates(keys, what):
    seen = set()
    for key in keys:
        if key in seen:
            raise InputError("%s '%s' is listed twice" % (what, key))
        seen.add(key)


class Report(object):
    """What a run did (or, in check mode, would do) to each item, in the order decided."""

    def __init__(self, key_name):
        self.key_name = key_name
        self.entries = []  # (key, outcome, before, after)

    def add(self, key, outcome, before=None, after=None):
        self.entries.append((key, outcome, before, after))

    @property
    def changed(self):
        return any(outcome != 'unchanged' for dummy, outcome, dummy2, dummy3 in self.entries)

    def counts(self):
        counts = dict((outcome, 0) for outcome in OUTCOMES)
        for dummy, outcome, dummy2, dummy3 in self.entries:
            counts[outcome] += 1
        return counts

    def outcomes(self):
        """{key: outcome}, in the order decided.

        One mapping, not a list of small dicts: ansible-core decodes, copies and pickles every
        dict of a result several times on the controller, which for 10,000 entries costs more
        than the module's own work (docs/benchmark.md).
        """
        return dict((key, outcome) for key, outcome, dummy, dummy2 in self.entries)

    def single_diff(self):
        key, dummy, before, after = self.entries[0]
        absent = {self.key_name: key, 'state': 'absent'}
        return {'before': before or absent, 'after': after or absent}

    def list_diff(self):
        """A summary and the changed entries only, so that 10,000 unchanged items stay out of view."""
        counts = self.counts()
        summary = ', '.join('%s %d' % (outcome, counts[outcome]) for outcome in OUTCOMES)
        changed = [entry for entry in self.entries if entry[1] != 'unchanged']
        before, after = {}, {}
        for key, dummy, old, new in changed[:DIFF_ENTRIES_MAX]:
            before[key] = old or 'absent'
            after[key] = new or 'absent'
        if len(changed) > DIFF_ENTRIES_MAX:
            summary += ' (the first %d changes shown)' % DIFF_ENTRIES_MAX
        return {'before': {'changes': before},
                'after': {'summary': summary, 'changes': after}}

    def shape(self, result, is_list):
        """Add changed, outcomes, counts and diff to a module result."""
        result['changed'] = self.changed
        if is_list:
            result['outcomes'] = self.outcomes()
            result['counts'] = self.counts()
            result['diff'] = self.list_diff()
        else:
            result['diff'] = self.single_diff()
        return result
