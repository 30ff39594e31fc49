# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail_alias refuses forwarding loops and names the cycle; keeping a copy is not a loop.

One playbook: every refusal must fail with the cycle in its message and write nothing; everything
else must be stored and resolve in Postfix (postmap -q with the guide's queries) to where it should.
The random-table comparison with a model of Postfix is in tests/unit/test_alias_loop_oracle.py.
"""

from tests.integration.helpers import alias, assert_clean_failure, assert_ok
from tests.integration.reliability_support import record_figures

X, Y = 'x.example', 'y.example'


def refused(task_name, **kwargs):
    return alias(task_name=task_name, ignore_errors=True, **kwargs)


def test_loops_are_refused_with_their_cycle(db, run_tasks, postmap):
    db.add_domain(X)
    db.add_domain(Y)
    db.add_user('john@' + X)
    db.add_user('jane@' + X)
    db.add_alias('v@' + X, 'w@' + X)  # written by hand before the run
    tasks = [
        alias(task_name='a to b', source='a@' + X, destinations=['b@' + X]),
        refused('b to a', source='b@' + X, destinations=['a@' + X]),
        alias(task_name='c to d', source='c@' + X, destinations=['d@' + X]),
        alias(task_name='d to e', source='d@' + X, destinations=['e@' + X]),
        refused('e to c', source='e@' + X, destinations=['c@' + X]),
        refused('e to c in check mode', source='e@' + X, destinations=['c@' + X], check=True),
        refused('w to v (hand-made row)', source='w@' + X, destinations=['v@' + X]),
        refused('catch-all into a missing mailbox', source='@' + X, destinations=['nobody@' + X]),
        refused('catch-all into a missing mailbox and a real one', source='@' + X,
                destinations=['john@' + X, 'ghost@' + X]),
        refused('loop inside one list', aliases=[
            {'source': 'p@' + X, 'destinations': ['q@' + X]},
            {'source': 'q@' + X, 'destinations': ['p@' + X, 'ext@other.test']},
            {'source': 'innocent@' + X, 'destinations': ['john@' + X]}]),
        alias(task_name='m to n', source='m@' + Y, destinations=['n@' + X]),
        refused('n to m across domains', source='n@' + X, destinations=['m@' + Y]),
        alias(task_name='a also to z', source='a@' + X, destinations=['z@' + X]),
        refused('z back to a', source='z@' + X, destinations=['a@' + X]),
        # Not loops.
        alias(task_name='keep a copy', source='john@' + X, destinations=['john@' + X, 'john@elsewhere.test']),
        alias(task_name='copy and back', source='jane@' + X, destinations=['jane@' + X, 'john@' + X]),
        alias(task_name='to the copy keeper', source='team@' + X, destinations=['john@' + X, 'jane@' + X]),
        alias(task_name='catch-all into a mailbox', source='@' + X, destinations=['john@' + X]),
        alias(task_name='catch-all elsewhere', source='@' + Y, destinations=['b@' + X]),
        alias(task_name='self only', source='self@' + X, destinations=['self@' + X]),
        alias(task_name='remove a', source='a@' + X, state='absent'),
    ]
    run = run_tasks(tasks)
    loops = {
        'b to a': 'b@x.example -> a@x.example -> b@x.example',
        'e to c': 'e@x.example -> c@x.example -> d@x.example -> e@x.example',
        'e to c in check mode': 'e@x.example -> c@x.example -> d@x.example -> e@x.example',
        'w to v (hand-made row)': 'w@x.example -> v@x.example -> w@x.example',
        'catch-all into a missing mailbox': '@x.example -> nobody@x.example -> @x.example',
        'catch-all into a missing mailbox and a real one': '@x.example -> ghost@x.example -> @x.example',
        'loop inside one list': 'p@x.example -> q@x.example -> p@x.example',
        'n to m across domains': 'n@x.example -> m@y.example -> n@x.example',
    }
    for name, cycle in loops.items():
        assert_clean_failure(run, run.task(name), 'loop', cycle)
    # 'a -> z' is fine alone (z has no alias yet); closing it from z is the loop.
    loops['z back to a'] = 'z@x.example -> a@x.example -> z@x.example'
    assert_clean_failure(run, run.task('z back to a'), 'loop', loops['z back to a'])
    accepted = ('a to b', 'c to d', 'd to e', 'm to n', 'a also to z', 'keep a copy', 'copy and back',
                'to the copy keeper', 'catch-all into a mailbox', 'catch-all elsewhere', 'self only', 'remove a')
    for name in accepted:
        assert_ok(run, run.task(name), True)

    # Nothing of a refused task was written; everything else was.
    assert db.aliases() == sorted([
        ('@x.example', 'john@x.example'), ('@y.example', 'b@x.example'),
        ('c@x.example', 'd@x.example'), ('d@x.example', 'e@x.example'),
        ('jane@x.example', 'jane@x.example'), ('jane@x.example', 'john@x.example'),
        ('john@x.example', 'john@elsewhere.test'), ('john@x.example', 'john@x.example'),
        ('m@y.example', 'n@x.example'), ('self@x.example', 'self@x.example'),
        ('team@x.example', 'jane@x.example'), ('team@x.example', 'john@x.example'),
        ('v@x.example', 'w@x.example'),
    ])
    # What Postfix does with it.
    assert postmap.resolve('john@x.example') == ['john@elsewhere.test', 'john@x.example']
    assert postmap.resolve('nobody@x.example') == ['john@x.example']
    assert postmap.resolve('whoever@y.example') == ['b@x.example']
    assert postmap.alias_destinations('b@x.example') == []
    record_figures('alias_loops', loops_refused=len(loops), accepted_tasks=len(accepted),
                   cycles=sorted(set(loops.values())))
