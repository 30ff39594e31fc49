# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Eight ansible-playbook runs at once against one database, on overlapping domains, users and aliases.

Every run asks for the same end state of what it shares with the others, so whatever the order
the end state is known: the union of what the runs asked for. The guide's Bookworm schema has no
unique key on the domain name nor on (source, destination), so only the modules' own lock keeps
two runs from inserting the same row twice. A run may fail when another removed a domain under it
(the shared "gone.example"); it must then fail with a clear message, and running it again must
succeed. (With the lock taken out of session.py, this test found duplicate alias rows.)
"""

import threading
import time

from tests.integration import dovecot_pw
from tests.integration.playbook_runner import Runner
from tests.integration.helpers import TRACEBACK_MARKERS, alias, domain, user
from tests.integration.reliability_support import duplicate_rows, record_figures

RUNS = 8
MEMBERS = 8        # u0..u7@shared1.example, each asked for by two runs
SHARED = ['shared1.example', 'shared2.example']
EXTERNAL = 'elsewhere.test'
# Fewer processes per task; the modules run the same.
PIPELINING = {'ANSIBLE_PIPELINING': 'True'}


def member_password(j):
    return 'pw-u%d-Secret' % j


def playbook(i):
    """The tasks of run `i`: single and list forms, creating and removing, overlapping with the others.

    Runs 1 and 5 give "gone.example" an alias and remove it at the end; even runs remove it right
    after creating it, so runs 1 and 5 often find it gone under their feet: they must fail cleanly
    and succeed when run again.
    """
    mine, theirs = 'u%d@shared1.example' % i, 'u%d@shared1.example' % ((i + 1) % MEMBERS)
    temp = 'tmp%d@shared2.example' % (i % 2)
    old = 'old%d@shared1.example' % (i % 3)
    uses_gone, removes_early = i % 4 == 1, i % 2 == 0
    gone_alias = [{'source': 'fwd@gone.example', 'destinations': ['x@%s' % EXTERNAL]}] if uses_gone else []
    gone_early = [domain(task_name='gone early', name='gone.example', state='absent', force=True)] \
        if removes_early else []
    return [
        domain(task_name='domains', domains=SHARED + ['gone.example', 'Run%d.Example' % i]),
    ] + gone_early + [
        user(task_name='users', users=[
            {'email': 'common@shared1.example', 'password': 'common-Secret', 'quota': '1G'},
            {'email': mine, 'password': member_password(i)},
            {'email': theirs, 'password': member_password((i + 1) % MEMBERS)},
            {'email': temp, 'password': 'temp-Secret'},
            {'email': 'a@run%d.example' % i, 'password': 'a-Secret'},
            {'email': 'b@run%d.example' % i, 'password_hash': '{PLAIN}b-Secret'},
        ]),
        user(task_name='user single', email='Solo@Shared2.example', password='solo-Secret', quota='2G'),
        alias(task_name='aliases', aliases=[
            {'source': 'postmaster@shared1.example',
             'destinations': ['common@shared1.example', 'ext%d@%s' % (i, EXTERNAL)]},
            {'source': '@shared2.example', 'destinations': ['solo@shared2.example']},
            {'source': 'team@shared1.example', 'destinations': [mine, theirs]},
            {'source': old, 'destinations': ['common@shared1.example']},
        ] + gone_alias),
        alias(task_name='alias single', source='info@shared1.example', destinations=['common@shared1.example']),
        domain(task_name='gone', name='gone.example', state='absent', force=True),
        user(task_name='temp away', email=temp, state='absent'),
        alias(task_name='old away', source=old, state='absent'),
    ]


def expected_state():
    domains = sorted(SHARED + ['run%d.example' % i for i in range(RUNS)])
    users = {'common@shared1.example': ('common-Secret', 1 << 30),
             'solo@shared2.example': ('solo-Secret', 2 << 30)}
    users.update(('u%d@shared1.example' % j, (member_password(j), 0)) for j in range(MEMBERS))
    for i in range(RUNS):
        users['a@run%d.example' % i] = ('a-Secret', 0)
        users['b@run%d.example' % i] = ('b-Secret', 0)
    aliases = [('@shared2.example', 'solo@shared2.example'), ('info@shared1.example', 'common@shared1.example'),
               ('postmaster@shared1.example', 'common@shared1.example')]
    aliases += [('postmaster@shared1.example', 'ext%d@%s' % (i, EXTERNAL)) for i in range(RUNS)]
    aliases += [('team@shared1.example', 'u%d@shared1.example' % j) for j in range(MEMBERS)]
    return domains, users, sorted(aliases)


def _check_failed_run(run):
    """A failed run failed cleanly: one task failed, with a message that names the missing domain."""
    failed = [task for task in run.tasks if task.failed]
    assert len(failed) == 1, run.describe()
    msg = failed[0].msg
    assert "'gone.example'" in msg and 'does not exist' in msg, run.describe()
    for marker in TRACEBACK_MARKERS:
        assert marker not in run.text, run.describe()
    return '%s: %s' % (failed[0].name, msg)


def test_eight_runs_at_once(db, collections_path, admin_defaults, postmap, tmp_path):
    runners = [Runner(collections_path, tmp_path / ('runs%d' % i)) for i in range(RUNS)]
    results, spans = [None] * RUNS, [None] * RUNS
    barrier = threading.Barrier(RUNS)

    def go(i):
        barrier.wait()
        start = time.monotonic()
        results[i] = runners[i].run(playbook(i), module_defaults=admin_defaults, extra_env=PIPELINING)
        spans[i] = (start, time.monotonic())

    threads = [threading.Thread(target=go, args=(i,)) for i in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # They really ran at the same time: some moment lies inside every run.
    assert max(s for s, e in spans) < min(e for s, e in spans), spans

    failures, reruns = [], 0
    for i, run in enumerate(results):
        if run.rc == 0:
            assert all(task.status in ('ok', 'changed') for task in run.tasks), run.describe()
            continue
        failures.append(_check_failed_run(run))
        reruns += 1
        again = runners[i].run(playbook(i), module_defaults=admin_defaults, extra_env=PIPELINING)
        assert again.rc == 0, 'the re-run of run %d failed too:\n%s' % (i, again.describe())

    assert duplicate_rows(db.conn) == []
    domains, users, aliases = expected_state()
    assert db.domains() == domains
    stored = db.users()
    assert sorted(stored) == sorted(users)
    for email, (password, quota) in users.items():
        assert stored[email]['quota'] == quota, email
        assert stored[email]['domain'] == email.split('@')[1]
        assert dovecot_pw.verify(stored[email]['password'], password), email
    assert db.aliases() == aliases
    # What Postfix sees.
    for name in domains:
        assert postmap.is_domain(name)
    assert not postmap.is_domain('gone.example')
    assert postmap.is_mailbox('u3@shared1.example')
    assert not postmap.is_mailbox('tmp0@shared2.example')
    assert postmap.alias_destinations('postmaster@shared1.example') == sorted(
        ['common@shared1.example'] + ['ext%d@%s' % (i, EXTERNAL) for i in range(RUNS)])
    assert postmap.resolve('nobody@shared2.example') == ['solo@shared2.example']
    assert postmap.resolve('solo@shared2.example') == ['solo@shared2.example']

    counts = db.counts()
    tasks = sum(len(run.tasks) for run in results)
    record_figures('concurrency_%s' % db.schema, schema=db.schema, runs_at_once=RUNS,
                   module_tasks=tasks, failed_runs=len(failures), failure_messages=failures, reruns=reruns,
                   duplicate_rows=0, rows_at_end=sum(counts.values()),
                   seconds=round(max(e for s, e in spans) - min(s for s, e in spans), 1))
