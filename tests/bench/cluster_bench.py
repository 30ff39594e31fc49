# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster figures (``scripts/bench --cluster``): one job, the same directory written three ways.

In one run, on one machine: the list forms create the benchmark's directory (100 domains,
10,000 users, 10,000 aliases) on a single MariaDB; on a three-node Galera cluster through one
node; and on the cluster through all three nodes at once (a third of the domains each, three
playbooks started together). Prints wall times, the ratio to the single server, and the
certification conflicts the runs met (the modules' ``retries``). All the servers share this
machine's cores: the figures say what replication and certification cost, not what three
machines would give. Usage: python -m tests.bench.cluster_bench [--small] [--json FILE] [--workdir DIR]
"""

import argparse
import json
import os
import sys
import tempfile
import threading
import time

from tests.bench import dataset, harness, scenarios
from tests.bench.playbook import PlaybookRunner
from tests.integration.galera_cluster import GaleraCluster


def log(message):
    print('==> %s' % message, file=sys.stderr, flush=True)


def _shard(directory, index, count):
    """The domains i with i % count == index, with their users and aliases."""
    domains = directory.domains[index::count]
    keep = set(domains)
    return (domains, [u for u in directory.users if u['email'].split('@')[1] in keep],
            [a for a in directory.aliases if a['source'].split('@')[1] in keep])


def _play(runner, lists):
    started = time.monotonic()
    play = runner.run(scenarios.list_tasks('always'), scenarios.list_vars(*lists))
    return {'start': started, 'end': time.monotonic(), 'wall': play.wall,
            'retries': sum(int(task.get('retries') or 0) for task in play.tasks),
            'list_seconds': sum(play.task(name)['seconds'] for name in ('domains', 'users', 'aliases'))}


def _at_once(runners, shards):
    results = [None] * len(runners)
    errors = []

    def go(index):
        try:
            results[index] = _play(runners[index], shards[index])
        except RuntimeError as exc:   # a failed playbook: reported after the others end
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(runners))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return {'wall': max(r['end'] for r in results) - min(r['start'] for r in results),
            'retries': sum(r['retries'] for r in results), 'runs': len(results),
            'list_seconds': max(r['list_seconds'] for r in results)}


def measure(workdir, directory):
    collections = harness.collections(workdir)
    full = (directory.domains, directory.users, directory.aliases)
    figures = {}
    log('single server')
    single = harness.MailDatabase(os.path.join(workdir, 'single'))
    try:
        figures['single'] = dict(_play(PlaybookRunner(collections, os.path.join(workdir, 'runs-single'),
                                                      single.module_defaults()), full), runs=1)
    finally:
        single.stop()
    log('starting a three-node Galera cluster')
    cluster = GaleraCluster(os.path.join(workdir, 'galera')).start()
    try:
        one = harness.fresh_database(cluster.nodes[0], 'one')
        log('cluster, through one node')
        runner = PlaybookRunner(collections, os.path.join(workdir, 'runs-one'),
                                cluster.nodes[0].admin_params(one.name, host='127.0.0.1'))
        figures['one_node'] = dict(_play(runner, full), runs=1)
        three = harness.fresh_database(cluster.nodes[0], 'three')
        log('cluster, through three nodes at once')
        runners = [PlaybookRunner(collections, os.path.join(workdir, 'runs-three%d' % i),
                                  node.admin_params(three.name, host='127.0.0.1')) for i, node in enumerate(cluster.nodes)]
        figures['three_nodes'] = _at_once(runners, [_shard(directory, i, 3) for i in range(3)])
        figures['rows'] = {'one_node': one.counts(), 'three_nodes': three.counts()}
    finally:
        cluster.stop()
    return figures


def render(figures, sizes):
    base = figures['single']['wall']
    lines = ['%(domains)d domains, %(users)d users, %(aliases)d aliases, list forms, created from empty' % sizes, '',
             '| Case | Playbooks | Wall (s) | List tasks (s) | Ratio to single server | Retries |',
             '|---|---:|---:|---:|---:|---:|']
    for key, label in (('single', 'single MariaDB'), ('one_node', 'Galera, one node'),
                       ('three_nodes', 'Galera, three nodes at once')):
        row = figures[key]
        values = (label, row['runs'], row['wall'], row['list_seconds'], row['wall'] / base, row['retries'])
        lines.append('| %s | %d | %.1f | %.1f | %.2f | %d |' % values)
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--workdir', help='keep the playbooks and logs here (default: a temporary directory)')
    parser.add_argument('--json', help='also write the raw figures to this file')
    parser.add_argument('--small', action='store_true', help='10 domains of 10 users and 10 aliases (a smoke run)')
    args = parser.parse_args(argv)
    directory = dataset.Directory(10, 10, 10) if args.small else dataset.Directory()
    sizes = {'domains': len(directory.domains), 'users': len(directory.users), 'aliases': len(directory.aliases)}
    with tempfile.TemporaryDirectory(prefix='ispmail-cluster-bench-') as scratch:
        workdir = args.workdir or scratch
        os.makedirs(workdir, exist_ok=True)
        figures = measure(workdir, directory)
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(dict(figures, sizes=sizes), handle, indent=1)
    print(render(figures, sizes))


if __name__ == '__main__':
    main()
