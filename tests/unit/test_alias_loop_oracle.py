"""The loop check against a model of Postfix itself, on random alias tables.

``postfix_expands`` follows cleanup_map1n.c (Postfix 3.7, Debian 12): virtual_alias_maps is
"aliases, email2email"; an address is looked up in full, then as @domain; the first result replaces
the address and the others are appended; an address whose result holds itself is not expanded again
(the "keep a copy" case); and more than virtual_alias_recursion_limit expansions of one address is
the "unreasonable virtual_alias_maps map nesting" that defers mail. A catch-all that answers for an
unknown name of its own domain with that very name stops Postfix there (the mail then bounces); the
module counts that as a loop too, so the model reports it separately.

Property: AliasGraph finds a loop in a table exactly when some address, or some unknown name of a
domain (caught by the catch-all), makes that model give up; and every loop it names does so.
"""
import json
import os

from hypothesis import HealthCheck, example, given, settings, strategies as st

from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.alias_graph import AliasGraph, describe

ADDRESSES = ['a@x.example', 'b@x.example', 'c@x.example', 'd@x.example', 'e@y.example', 'f@y.example',
             'ext@z.example']
SOURCES = ADDRESSES[:-1] + ['@x.example', '@y.example']
DOMAINS = ['x.example', 'y.example', 'z.example']
RECURSION_LIMIT = 40
EXPANSION_LIMIT = 1000  # Postfix's virtual_alias_expansion_limit
STATS = {'tables': 0, 'with_loop': 0, 'nesting': 0, 'dead_catch_all': 0, 'addresses_expanded': 0}


def lookup(address, aliases, mailboxes):
    """virtual_alias_maps = mysql:aliases, mysql:email2email, as Postfix searches it.

    Returns (result or None when not found, whether the catch-all answered)."""
    if address in aliases:
        return sorted(aliases[address]), False
    if address in mailboxes:
        return [address], False
    catch_all = '@' + address.split('@')[1]
    if catch_all in aliases:
        return sorted(aliases[catch_all]), True
    return None, False


def postfix_resolves(address, aliases, mailboxes):
    """How Postfix ends with `address`: 'ok', 'nesting' (it gives up and defers the mail), or
    'catch-all into a missing mailbox' (the catch-all answers for a name with itself: Postfix stops
    there and the mail bounces; the module refuses this as a loop, as it is asked to)."""
    argv, been_here, arg = [address], set(), 0
    while arg < len(argv):
        if len(argv) > EXPANSION_LIMIT:
            return 'expansion size'
        count = 0
        while argv[arg] not in been_here:
            if count >= RECURSION_LIMIT:
                return 'nesting'
            result, by_catch_all = lookup(argv[arg], aliases, mailboxes)
            if result is None:
                break
            saved = argv[arg]
            if by_catch_all and saved in result:
                return 'catch-all into a missing mailbox'
            for index, destination in enumerate(result):
                if index == 0:
                    argv[arg] = destination
                else:
                    argv.append(destination)
                if destination == saved:
                    been_here.add(saved)
            count += 1
        arg += 1
    return 'ok'


def postfix_expands(address, aliases, mailboxes):
    return postfix_resolves(address, aliases, mailboxes) == 'ok'


def start_address(node):
    """What to send mail to for reaching `node`: itself, or an unknown name for a catch-all."""
    return 'nobody-at-all' + node if node.startswith('@') else node


tables = st.dictionaries(st.sampled_from(SOURCES), st.sets(st.sampled_from(ADDRESSES), min_size=1, max_size=3),
                         max_size=7)


@settings(max_examples=1500, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.sets(st.sampled_from(ADDRESSES[:-1])))
@example({'a@x.example': {'b@x.example'}, 'b@x.example': {'a@x.example'}}, set())
@example({'a@x.example': {'a@x.example', 'b@x.example'}, 'b@x.example': {'a@x.example'}}, set())
@example({'@x.example': {'nobody@x.example'}}, set())
@example({'@x.example': {'a@x.example'}}, {'a@x.example'})
@example({'a@x.example': {'b@x.example'}, 'b@x.example': {'b@x.example', 'c@x.example'},
          'c@x.example': {'d@x.example'}, 'd@x.example': {'c@x.example'}}, set())
@example({'a@x.example': {'b@x.example', 'e@y.example'}, 'b@x.example': {'a@x.example'}}, set())
def check_against_postfix(aliases, mailboxes):
    STATS['tables'] += 1
    graph = AliasGraph(dict((k, set(v)) for k, v in aliases.items()), set(mailboxes))
    cycle = graph.find_cycle(list(aliases))
    starts = ADDRESSES + ['nobody-at-all@' + domain for domain in DOMAINS]
    STATS['addresses_expanded'] += len(starts)
    outcomes = dict((address, postfix_resolves(address, aliases, mailboxes)) for address in starts)
    looping = [address for address, outcome in outcomes.items() if outcome != 'ok']
    assert (cycle is not None) == bool(looping), (cycle, outcomes)
    if cycle is None:
        return
    STATS['with_loop'] += 1
    kinds = set(outcomes.values()) - {'ok'}
    STATS['dead_catch_all' if kinds == {'catch-all into a missing mailbox'} else 'nesting'] += 1
    assert cycle[0] == cycle[-1] and len(cycle) >= 3
    assert not postfix_expands(start_address(cycle[0]), aliases, mailboxes), \
        'the named loop %s does not loop in Postfix' % describe(cycle)
    # Each step of the named cycle is a real hop: an alias row, or a catch-all for an unknown name.
    for here, there in zip(cycle, cycle[1:]):
        assert there in graph.next_hops(here), (here, there, cycle)
    # all_cycles, used by ispmail_info's audit, finds it too.
    assert graph.all_cycles()


def test_loop_check_agrees_with_postfix():
    check_against_postfix()
    assert STATS['with_loop'] > 50 and STATS['tables'] - STATS['with_loop'] > 50, STATS
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = os.path.join(root, 'tests', 'output', 'reliability')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'unit_alias_loop_oracle.json'), 'w', encoding='utf-8') as handle:
        json.dump({'test': 'unit_alias_loop_oracle', 'figures': dict(STATS)}, handle, indent=2)


def test_model_reproduces_the_known_cases():
    """The model itself: a -> b -> a loops, keep-a-copy does not, a catch-all into a missing mailbox loops."""
    assert not postfix_expands('a@x.example', {'a@x.example': ['b@x.example'], 'b@x.example': ['a@x.example']}, set())
    assert postfix_expands('a@x.example', {'a@x.example': ['a@x.example', 'b@x.example'],
                                           'b@x.example': ['a@x.example']}, set())
    assert postfix_resolves('n@x.example', {'@x.example': ['m@x.example']}, set()) \
        == 'catch-all into a missing mailbox'
    assert postfix_resolves('a@x.example', {'a@x.example': ['b@x.example'], 'b@x.example': ['a@x.example']},
                            set()) == 'nesting'
    assert postfix_resolves('n@x.example', {'@x.example': ['a@x.example'], 'a@x.example': ['m@x.example']},
                            set()) == 'nesting'
    assert postfix_expands('n@x.example', {'@x.example': ['m@x.example']}, {'m@x.example'})
    assert postfix_expands('n@x.example', {'@x.example': ['m@y.example']}, set())
