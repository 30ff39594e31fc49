# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules on a three-node MariaDB Galera cluster started on this host (galera_cluster.py).

GET_LOCK is node-local in Galera, so without the lock row of db/galera.py runs on two nodes
insert the same domain or alias twice and concurrent exclusive alias runs mix their sets. Here
runs spread over the nodes at once must leave no duplicate and exactly one requested set, on the
guide's schema (no unique keys) and on the role's; a read on one node right after a commit on
another sees it; a node that is desynced or cut off is refused by name and state; a run that
keeps losing certification fails after the bound with a clear message; a node killed during a
run leaves the runs on the others working. Marker ``galera``: ``-m 'not galera'`` leaves it out.
"""

import os
import threading
import time

import pymysql
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.db import galera
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.engines import engine_for
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.session import Session
from tests.integration.galera_cluster import PROVIDER, GaleraCluster
from tests.integration.galera_support import cluster_database, node_params, run_at_once, task_retries
from tests.integration.helpers import TRACEBACK_MARKERS, alias, domain, task, user
from tests.integration.playbook_runner import Runner
from tests.integration.reliability_support import duplicate_rows, module_processes, record_figures

pytestmark = [pytest.mark.galera,
              pytest.mark.skipif(not os.path.exists(PROVIDER), reason='galera-4 is not installed (%s)' % PROVIDER)]

EXTERNAL = 'elsewhere.test'
ROUNDS = 2          # domain + alias tasks per run
SHARED = 600        # rows every run asks for in each task: long transactions that overlap


@pytest.fixture(scope='module')
def cluster(tmp_path_factory):
    nodes = GaleraCluster(tmp_path_factory.mktemp('galera'))
    try:
        nodes.start()
        yield nodes
    finally:
        nodes.stop()


@pytest.fixture
def runners(collections_path, tmp_path):
    made = []

    def make(count):
        made.extend(Runner(collections_path, tmp_path / ('runs%d' % (len(made) + i))) for i in range(count))
        return made[-count:]

    return make


def _shared_domains(k):
    return ['s%d-%d.example' % (k, j) for j in range(SHARED)]


def _shared_aliases(k):
    return [('a%d@s%d-0.example' % (j, k), 'common@%s' % EXTERNAL) for j in range(SHARED)]


def _writer_tasks(i):
    """Every run asks for the same shared rows (and one of its own) in each task."""
    tasks = []
    for k in range(ROUNDS):
        tasks.append(domain(task_name='domains %d' % k, domains=_shared_domains(k) + ['r%d-%d.example' % (i, k)]))
        tasks.append(alias(task_name='aliases %d' % k, aliases=[
            {'source': source, 'destinations': [destination]} for source, destination in _shared_aliases(k)]))
    return tasks


@pytest.mark.parametrize('schema', ['bookworm', 'role'])
def test_runs_on_all_nodes_at_once_write_no_duplicates(cluster, runners, schema):
    db = cluster_database(cluster, schema)
    runs = len(cluster.nodes)
    jobs = [(runner, _writer_tasks(i), node_params(cluster.nodes[i], db)) for i, runner in enumerate(runners(runs))]
    started = time.monotonic()
    results = run_at_once(jobs)
    seconds = time.monotonic() - started
    for run in results:
        assert run.rc == 0, run.describe()
    assert duplicate_rows(db.conn) == []
    assert db.domains() == sorted(sum((_shared_domains(k) for k in range(ROUNDS)), []) +
                                  ['r%d-%d.example' % (i, k) for i in range(runs) for k in range(ROUNDS)])
    assert db.aliases() == sorted(sum((_shared_aliases(k) for k in range(ROUNDS)), []))
    # auto_increment_increment is the cluster size: the ids have gaps, and every alias still
    # points at its own domain's row.
    ids = sorted(row[0] for row in db.query('SELECT id FROM virtual_domains'))
    assert ids[-1] - ids[0] + 1 > len(ids)
    assert db.query("SELECT COUNT(*) FROM virtual_aliases a JOIN virtual_domains d ON d.id = a.domain_id "
                    "WHERE a.source LIKE CONCAT('%%@', d.name)")[0][0] == len(db.aliases())
    record_figures('galera_writers_%s' % schema, runs_at_once=runs, nodes=len(cluster.nodes),
                   module_tasks=sum(len(run.tasks) for run in results), retries=task_retries(results),
                   duplicate_rows=0, seconds=round(seconds, 1))


def test_exclusive_alias_runs_on_all_nodes_end_with_one_set(cluster, runners):
    """Each run wants every source of team.example to go to its own pair, starting from none (where
    no row is there for certification to see twice): the end state is one run's whole list, not a mix."""
    db = cluster_database(cluster, 'bookworm')
    db.add_domain('team.example')
    sources = ['t%d@team.example' % j for j in range(SHARED)]
    wanted = [sorted(['a%d@%s' % (i, EXTERNAL), 'b%d@%s' % (i, EXTERNAL)]) for i in range(len(cluster.nodes))]
    jobs = [(runner, [alias(task_name='team', exclusive=True, aliases=[
        {'source': source, 'destinations': wanted[i]} for source in sources])],
        node_params(cluster.nodes[i], db)) for i, runner in enumerate(runners(len(cluster.nodes)))]
    results = run_at_once(jobs)
    for run in results:
        assert run.rc == 0, run.describe()
    ends = set(tuple(db.destinations(source)) for source in sources)
    assert len(ends) == 1 and list(ends.pop()) in wanted
    assert len(db.aliases()) == 2 * len(sources)
    record_figures('galera_exclusive', runs_at_once=len(jobs), retries=task_retries(results))


def _session(node, db):
    params = dict(node_params(node, db), engine='mariadb', connect_timeout=10)
    return Session(engine_for(params), params, check_mode=True)


def test_a_run_reads_what_another_node_committed_just_before(cluster):
    """Node 2's applier is kept busy with a big transaction from node 1, then a domain commits on
    node 1: a plain read on node 2 may miss it, a module session on node 2 must not."""
    db = cluster_database(cluster, 'bookworm')
    db.execute('CREATE TABLE ballast (id INT AUTO_INCREMENT PRIMARY KEY, pad CHAR(200))')
    second = cluster.nodes[1]
    stale_reads = 0
    for attempt in range(3):
        name = 'causal%d.example' % attempt
        with db.conn.cursor() as cur:
            cur.execute('INSERT INTO ballast (pad) SELECT REPEAT(%s, 200) FROM seq_1_to_60000', ('x',))
        db.add_domain(name)
        plain = second.connect(db.name)
        session = _session(second, db)
        try:
            with plain.cursor() as cur:
                cur.execute('SELECT COUNT(*) FROM virtual_domains WHERE name = %s', (name,))
                stale_reads += cur.fetchone()[0] == 0
            galera.prepare(session)
            assert session.select_one('SELECT @@session.wsrep_sync_wait')[0] == galera.SYNC_WAIT
            assert session.select_one('SELECT COUNT(*) FROM virtual_domains WHERE name = %s', (name,))[0] == 1
        finally:
            plain.close()
            session.close()
    record_figures('galera_causal_reads', rounds=3, plain_reads_that_missed_the_commit=stale_reads)


def _assert_refused(run, node, state):
    assert run.rc != 0, run.describe()
    failed = [record for record in run.tasks if record.failed]
    assert failed, run.describe()
    msg = failed[0].msg
    assert 'host 127.0.0.1 port %d' % node.port in msg and state in msg, msg
    for marker in TRACEBACK_MARKERS:
        assert marker not in run.text, run.describe()


def _wait_for(node, name, value, timeout=60):
    deadline = time.monotonic() + timeout
    while node.status().get(name) != value:
        assert time.monotonic() < deadline, '%s never became %s: %r' % (name, value, node.status().get(name))
        time.sleep(0.2)


# An unhealthy node: how to make one, how to heal it, the status it then shows, and the runs
# that must be refused there (a writing one, and for the desynced node a read-only one too).
UNHEALTHY = {
    'desynced': ('SET GLOBAL wsrep_desync = ON', 'SET GLOBAL wsrep_desync = OFF',
                 'wsrep_local_state_comment', 'Donor/Desynced',
                 [domain(name='refused.example'), task('ispmail_info')]),
    'cut_off': ("SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'",
                "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'",
                'wsrep_cluster_status', 'non-Primary', [domain(name='island.example')]),
}


@pytest.mark.parametrize('case', sorted(UNHEALTHY))
def test_an_unhealthy_node_is_refused_and_nothing_is_written(cluster, runners, case):
    make, heal, status, state, tasks = UNHEALTHY[case]
    db = cluster_database(cluster, 'bookworm')
    node = cluster.nodes[2]
    node.execute(make)
    try:
        _wait_for(node, status, state)
        runner, = runners(1)
        for one in tasks:
            _assert_refused(runner.run([one], module_defaults=node_params(node, db)), node, state)
    finally:
        node.execute(heal)
    cluster.wait_synced()
    assert db.domains() == []


def test_a_run_that_keeps_losing_fails_clearly_after_the_bound(cluster, runners):
    """Every attempt is given up for a concurrent transaction: here another connection on the same
    node holds the lock row uncommitted, so each attempt's INSERT waits out a 1 s lock wait (1205,
    which the modules retry like a certification conflict, 1213). Deterministic, where a competitor
    committing on another node as fast as it can lets a run win now and then."""
    db = cluster_database(cluster, 'bookworm')
    node = cluster.nodes[0]
    node.execute('SET GLOBAL innodb_lock_wait_timeout = 1')
    holder = pymysql.connect(port=node.port, user='root', unix_socket=node.socket, database=db.name,
                             autocommit=False)
    try:
        with holder.cursor() as cur:
            cur.execute('INSERT INTO virtual_domains (id, name) VALUES (%s, %s)', (galera.LOCK_ID, galera.LOCK_NAME))
        runner, = runners(1)
        run = runner.run([domain(name='starved.example')], module_defaults=node_params(node, db))
    finally:
        holder.rollback()
        holder.close()
        node.execute('SET GLOBAL innodb_lock_wait_timeout = 50')
    assert run.rc != 0, run.describe()
    record = run.tasks[0]
    assert 'gave up after 10 attempts' in record.msg and 'nothing was changed' in record.msg, record.msg
    assert record['retries'] == 10
    assert db.domains() == []


def _kill_once_running(node, module, timeout=60):
    """SIGKILL `node` as soon as a process of `module` runs (the run's module is at work)."""
    deadline = time.monotonic() + timeout
    while not module_processes(module) and time.monotonic() < deadline:
        time.sleep(0.02)
    node.kill()


def test_a_node_killed_during_a_run_leaves_the_others_working(cluster, runners):
    """Last in this file: the killed node stays down until the cluster is stopped."""
    db = cluster_database(cluster, 'bookworm')
    db.add_domain('big.example')
    users = [{'email': 'u%d@big.example' % i, 'password_hash': '{PLAIN}x'} for i in range(300)]
    killer = threading.Thread(target=_kill_once_running, args=(cluster.nodes[2], 'ispmail_user'))
    runner, = runners(1)
    killer.start()
    try:
        run = runner.run([user(users=users), alias(source='all@big.example', destinations=['u1@big.example'])],
                         module_defaults=node_params(cluster.nodes[0], db))
    finally:
        killer.join()
    assert run.rc == 0, run.describe()
    assert cluster.nodes[2].process is None
    again = runner.run([domain(name='after.example')], module_defaults=node_params(cluster.nodes[1], db))
    assert again.rc == 0, again.describe()
    assert len(db.users()) == 300 and 'after.example' in db.domains()
