"""Forwarding loops as Postfix meets them (cleanup_map1n): what loops and what does not."""
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.alias_graph import AliasGraph, describe


def graph(aliases, mailboxes=()):
    return AliasGraph(dict((k, set(v)) for k, v in aliases.items()), set(mailboxes))


@pytest.mark.parametrize('aliases,mailboxes,start,cycle', [
    ({'a@x': ['b@x'], 'b@x': ['a@x']}, [], 'a@x', ['a@x', 'b@x', 'a@x']),
    ({'a@x': ['b@x'], 'b@x': ['c@x'], 'c@x': ['a@x']}, [], 'a@x', ['a@x', 'b@x', 'c@x', 'a@x']),
    ({'@x': ['nobody@x']}, [], '@x', ['@x', 'nobody@x', '@x']),
    # The chain reaches the loop from outside it.
    ({'in@y': ['a@x'], 'a@x': ['b@x'], 'b@x': ['a@x']}, [], 'in@y', ['a@x', 'b@x', 'a@x']),
])
def test_loops_are_found_with_their_cycle(aliases, mailboxes, start, cycle):
    assert graph(aliases, mailboxes).find_cycle([start]) == cycle


@pytest.mark.parametrize('aliases,mailboxes', [
    ({'a@x': ['a@x', 'b@x'], 'b@x': ['a@x']}, []),          # a keeps a copy: expansion stops there
    ({'@x': ['john@x']}, ['john@x']),                        # catch-all into a real mailbox
    ({'@x': ['john@y']}, []),                                # catch-all to another domain
    ({'a@x': ['b@x'], 'b@x': ['ext@gmail.example']}, []),   # a chain that ends outside
    ({'a@x': ['john@x'], 'john@x': ['john@x', 'a@x']}, ['john@x']),
])
def test_no_loop(aliases, mailboxes):
    assert graph(aliases, mailboxes).find_cycle(list(aliases)) is None


def test_all_cycles_reports_each_loop_once():
    cycles = graph({'a@x': ['b@x'], 'b@x': ['a@x'], 'c@y': ['d@y'], 'd@y': ['c@y'], 'e@z': ['f@z']}).all_cycles()
    assert sorted(frozenset(c) for c in cycles) == sorted([frozenset(['a@x', 'b@x']), frozenset(['c@y', 'd@y'])])
    assert describe(['a@x', 'b@x', 'a@x']) == 'a@x -> b@x -> a@x'


def test_long_chain_does_not_hit_the_recursion_limit():
    chain = dict(('n%d@x' % i, ['n%d@x' % (i + 1)]) for i in range(5000))
    chain['n5000@x'] = ['n0@x']
    assert len(graph(chain).find_cycle(['n0@x'])) == 5002
