# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a run did (or, in check mode, would do) to each item: outcomes, counts and the diff."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

OUTCOMES = ('created', 'updated', 'removed', 'unchanged')
# A list-form diff shows at most this many changed entries; the summary counts them all.
DIFF_ENTRIES_MAX = 200


class Report(object):
    """What a run did (or, in check mode, would do) to each item, in the order decided."""

    def __init__(self, key_name):
        self.key_name = key_name
        self.entries = []  # (key, outcome, before, after)

    def add(self, key, outcome, before=None, after=None):
        self.entries.append((key, outcome, before, after))

    def annotate(self, key, before, after):
        """Add fields to the diff of an entry that exists after the run (what changes outside the
        database); a created entry's before stays None."""
        for index, (entry_key, outcome, old, new) in enumerate(self.entries):
            if entry_key == key and new is not None:
                self.entries[index] = (entry_key, outcome, None if old is None else dict(old, **before),
                                       dict(new, **after))

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
