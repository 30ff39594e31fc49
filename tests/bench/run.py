# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark (``make bench``, ``scripts/bench``): one job, run every figure and print the table.

Starts a throwaway MariaDB with the integration tests' starter, loads the guide's Bookworm
schema, builds and installs the collection as the tests do, runs the scenarios in order and
prints the table (table.py). Usage, from the repository root:
python -m tests.bench.run [--workdir DIR] [--json FILE] [--small]
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time

from tests.bench import dataset, harness, scenarios, table
from tests.bench.playbook import PlaybookRunner

LOOP_SAMPLE = 200


def log(message):
    print('==> %s' % message, file=sys.stderr, flush=True)


ENGINES = ('mariadb', 'postgresql')


def run_all(workdir, small=False, engine='mariadb'):
    directory = dataset.Directory(10, 10, 10) if small else dataset.Directory()
    sample_size = 20 if small else LOOP_SAMPLE
    log('starting a throwaway MariaDB in %s' % workdir)
    workdir = os.path.join(workdir, engine)
    os.makedirs(workdir, exist_ok=True)
    log('engine: %s' % engine)
    database = harness.MailDatabase(workdir, engine=engine)
    try:
        log('building the collection')
        collections = harness.collections(os.path.dirname(workdir))
        runner = PlaybookRunner(collections, os.path.join(workdir, 'runs'), database.module_defaults())
        results = {'machine': machine(), 'runs': [], 'sizes': {
            'domains': len(directory.domains), 'users': len(directory.users), 'aliases': len(directory.aliases)}}
        for run in scenarios.list_runs(directory):
            made = []
            for repeat in range(run.repeats):
                log(run.label + (' (%d of %d)' % (repeat + 1, run.repeats) if run.repeats > 1 else ''))
                load = os.getloadavg()[0]
                play = runner.run(scenarios.list_tasks(run.update_password),
                                  scenarios.list_vars(*run.lists), measure_modules=True)
                made.append(summarize(run, play, (load, os.getloadavg()[0])))
            results['runs'].append(median(made))
        results['rows'] = database.counts()
        log('Ansible alone, no module: start-up, vars file, templating the lists')
        full = scenarios.list_vars(directory.domains, directory.users, directory.aliases)
        alone = runner.run(scenarios.ansible_alone_tasks()[:1], full)
        templating = runner.run(scenarios.ansible_alone_tasks(), full)
        results['ansible_alone'] = {'wall': alone.wall, 'cpu': alone.cpu, 'templating_wall': templating.wall,
                                    'templating_cpu': templating.cpu,
                                    'templating_task': templating.task('templating the lists')['seconds']}
        domain, sample = directory.loop_sample(sample_size)
        log('single form in a loop over %d users' % len(sample))
        load = os.getloadavg()[0]
        play = runner.run(scenarios.loop_tasks(domain), {'bench_sample': sample})
        loop = play.task('loop users')
        if loop.get('loop_changed') != len(sample):
            raise RuntimeError('the loop created %s of %d users' % (loop.get('loop_changed'), len(sample)))
        results['loop'] = {'items': len(sample), 'seconds': loop['seconds'], 'wall': play.wall, 'cpu': play.cpu,
                           'load': (load, os.getloadavg()[0])}
        return results
    finally:
        database.stop()


MODULES = {'domains': 'ispmail_domain', 'users': 'ispmail_user', 'aliases': 'ispmail_alias'}


def summarize(run, play, load):
    tasks = {}
    for name, module in MODULES.items():
        task = play.task(name)
        process = next(m for m in play.modules if m['module'] == module)
        tasks[name] = {'seconds': task['seconds'], 'changed': task.get('changed'), 'counts': task.get('counts'),
                       'module_seconds': process['seconds'], 'module_cpu': process['cpu_seconds'],
                       'peak_kb': process['maxrss_kb']}
    changed = any(task['changed'] for task in tasks.values())
    if changed != run.expect_changed:
        raise RuntimeError('%s: expected changed=%s, got %s' % (run.label, run.expect_changed, changed))
    return {'key': run.key, 'label': run.label, 'wall': play.wall, 'cpu': play.cpu, 'tasks': tasks,
            'list_seconds': sum(task['seconds'] for task in tasks.values()),
            'peak_kb': max(task['peak_kb'] for task in tasks.values()), 'load': load}


def median(made):
    """The run with the median list-task time, holding every repeat's time (sorted) as well."""
    ordered = sorted(made, key=lambda summary: summary['list_seconds'])
    chosen = dict(ordered[len(ordered) // 2])
    chosen['list_seconds_all'] = [summary['list_seconds'] for summary in ordered]
    return chosen


def machine():
    model = ''
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            model = next((line.split(':', 1)[1].strip() for line in handle if line.startswith('model name')), '')
    except OSError:
        pass
    return {'cpus': os.cpu_count(), 'cpu': model, 'python': platform.python_version(),
            'system': platform.platform(), 'date': time.strftime('%Y-%m-%d')}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--workdir', help='keep the playbooks and logs here (default: a temporary directory)')
    parser.add_argument('--json', help='also write the raw figures to this file')
    parser.add_argument('--small', action='store_true',
                        help='a smoke run: 10 domains of 10 users and 10 aliases, a loop of 20 (figures meaningless)')
    parser.add_argument('--engines', default=','.join(ENGINES),
                        help='the database engines to run on, in one run (default: %(default)s)')
    args = parser.parse_args(argv)
    engines = [engine for engine in args.engines.split(',') if engine]
    by_engine = {}
    with tempfile.TemporaryDirectory(prefix='ispmail-bench-') as scratch:
        workdir = args.workdir or scratch
        os.makedirs(workdir, exist_ok=True)
        for engine in engines:
            started = time.monotonic()
            by_engine[engine] = run_all(workdir, args.small, engine)
            by_engine[engine]['total_seconds'] = time.monotonic() - started
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(by_engine, handle, indent=1)
    for engine in engines:
        print('## %s\n\n%s\n' % (engine, table.render(by_engine[engine])))
    if len(engines) > 1:
        print(table.side_by_side(by_engine))
    return 0


if __name__ == '__main__':
    sys.exit(main())
