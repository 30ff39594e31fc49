# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Forwarding loops, found the way Postfix resolves virtual_alias_maps.

Postfix looks an address up in the alias rows first, then in email2email (every mailbox maps
to itself), then as '@domain' (the catch-all). An address whose lookup returns itself is
delivered and not expanded again ("keep a copy"). A chain that comes back to where it started
without such a stop makes Postfix defer the mail with "unreasonable virtual_alias_maps map
nesting". A catch-all that forwards into its own domain to a name with no mailbox counts as a
loop too: that name lands in the catch-all again (Postfix stops there, as the name expands to
itself, and the mail bounces).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class AliasGraph(object):
    def __init__(self, aliases, mailboxes):
        """aliases: {source: set(destinations)}, mailboxes: set(emails); all lowercase."""
        self.aliases = aliases
        self.mailboxes = mailboxes

    def next_hops(self, node):
        """Where mail for `node` goes next; '@domain' stands for every unknown name of the domain."""
        if node in self.aliases:
            return self.aliases[node]
        if node.startswith('@') or node in self.mailboxes:
            return ()
        catch_all = '@' + node.rsplit('@', 1)[-1]
        return (catch_all,) if catch_all in self.aliases else ()

    def stops(self, node):
        """True where expansion ends: the address forwards to itself as well (keeps a copy)."""
        return node in self.aliases.get(node, ())

    def find_cycle(self, starts):
        """The first loop reachable from `starts`, as a list of nodes ending where it began; or None."""
        done = set()
        for start in sorted(starts):
            if start in done:
                continue
            path, on_path = [start], {start: 0}
            stack = [iter(sorted(self._hops(start)))]
            while stack:
                hop = next(stack[-1], None)
                if hop is None:
                    stack.pop()
                    node = path.pop()
                    del on_path[node]
                    done.add(node)
                    continue
                if hop in done or self.stops(hop):
                    continue
                if hop in on_path:
                    return path[on_path[hop]:] + [hop]
                on_path[hop] = len(path)
                path.append(hop)
                stack.append(iter(sorted(self._hops(hop))))
        return None

    def _hops(self, node):
        return [hop for hop in self.next_hops(node) if hop != node]

    def all_cycles(self):
        """Every distinct loop (each reported once), for auditing."""
        found, seen = [], set()
        for source in sorted(self.aliases):
            cycle = self.find_cycle([source])
            if cycle:
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    found.append(cycle)
        return found


def describe(cycle):
    return ' -> '.join(cycle)
