# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one-file benchmark (``scripts/bench --directory``): ispmail_directory from one YAML file
against the three list tasks from a YAML vars file, on the same data, in the same run.

Each side starts from an empty database: first creation, then no change with update_password
always, then with on_create. The figure is the whole ``ansible-playbook`` wall time, what the
admin waits for, split into where it goes: reading the file (PyYAML's C loader, timed here on
its own), Ansible's start-up (an empty play), the module process (the interpreter wrapper of
module_process.py) and the rest (shipping the data and the result, the callback). Then the same
for ten times the data, to show how the cost grows (the one-file side only, unless --growth-lists).
Usage, from the repository root: python -m tests.bench.directory_bench [--small] [--json FILE] [--workdir DIR]
"""

import argparse
import json
import os
import sys
import tempfile
import time

import yaml

from tests.bench import dataset, harness, scenarios
from tests.bench.playbook import PlaybookRunner

LOADER = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
DUMPER = getattr(yaml, 'CSafeDumper', yaml.SafeDumper)
STEPS = (('create', 'always', True), ('always', 'always', False), ('on_create', 'on_create', False))
GOALS = {'create': 25.0, 'always': 20.0, 'on_create': 4.0}
SPEED_GOAL = 3.0


def log(message):
    print('==> %s' % message, file=sys.stderr, flush=True)


def write_yaml(path, data):
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.dump(data, handle, Dumper=DUMPER, default_flow_style=None, allow_unicode=True, width=200)
    started = time.monotonic()
    with open(path, encoding='utf-8') as handle:
        yaml.load(handle, Loader=LOADER)
    return time.monotonic() - started


def directory_task(src, update_password):
    return [{'name': 'directory', scenarios.PREFIX + 'ispmail_directory': {
        'src': src, 'update_password': update_password}}]


def module_seconds(play):
    return sum(module['seconds'] for module in play.modules)


def measure(runner, tasks, variables, expect_changed):
    play = runner.run(tasks, variables, measure_modules=True, vars_yaml=True)
    changed = any(task.get('changed') for task in play.tasks)
    if changed != expect_changed:
        raise RuntimeError('expected changed=%s, got %s:\n%s' % (expect_changed, changed, play.output[-3000:]))
    return {'wall': play.wall, 'cpu': play.cpu, 'module': module_seconds(play),
            'tasks': sum(task['seconds'] for task in play.tasks)}


def side(server, workdir, name, build):
    """Run the three steps on a fresh database; build(update_password) gives (tasks, YAML vars)."""
    database = harness.fresh_database(server, name)
    # One HOME for the side's runs, as an admin's controller has: the file read by the first run
    # comes from ispmail_directory's cache (keyed by its content) in the runs that follow.
    home = os.path.join(workdir, name, 'home')
    os.makedirs(home, exist_ok=True)
    runner = PlaybookRunner(harness.collections(workdir), os.path.join(workdir, name), database.module_defaults(), home)
    figures = {}
    for key, update_password, expect_changed in STEPS:
        log('%s: %s' % (name, key))
        tasks, variables = build(update_password)
        figures[key] = measure(runner, tasks, variables, expect_changed)
    figures['empty_play'] = runner.run([{'name': 'nothing', 'ansible.builtin.meta': 'noop'}]).wall
    return figures


def compare(server, workdir, directory, label, with_lists=True):
    data = {'domains': directory.domains, 'users': directory.users, 'aliases': directory.aliases}
    src = os.path.join(workdir, '%s-directory.yml' % label)
    load_seconds = write_yaml(src, data)
    lists = side(server, workdir, '%s-lists' % label, lambda update: (
        scenarios.list_tasks(update), scenarios.list_vars(directory.domains, directory.users, directory.aliases))
    ) if with_lists else None
    one_file = side(server, workdir, '%s-file' % label, lambda update: (directory_task(src, update), None))
    return {'label': label, 'users': len(directory.users), 'aliases': len(directory.aliases),
            'yaml_load': load_seconds, 'lists': lists, 'file': one_file}


def render(result):
    lines = ['### %s: %d users, %d aliases' % (result['label'], result['users'], result['aliases']), '',
             '| run | 3 list tasks, YAML vars file (s) | ispmail_directory, one YAML file (s) | speed-up '
             '| module process (s) | goal |', '|---|---|---|---|---|---|']
    for key, dummy, dummy2 in STEPS:
        lists, one = (result['lists'] or {}).get(key), result['file'][key]
        goal = GOALS.get(key) if result['label'] == 'fleet' else None
        lines.append('| %s | %s | %.1f | %s | %.1f | %s |' % (
            key, '%.1f' % lists['wall'] if lists else 'not run', one['wall'],
            '%.1fx' % (lists['wall'] / one['wall']) if lists else '', one['module'],
            '< %g s: %s' % (goal, 'met' if one['wall'] < goal else 'NOT met') if goal else ''))
    one = result['file']['on_create']
    lines += ['', 'Where a no-change on_create run of ispmail_directory goes: Ansible start-up %.1f s (an empty '
              'play), module process %.1f s, the rest (the file read from the cache, the data to the module and '
              'back, controller) %.1f s. Parsing the YAML file (C loader, timed alone) takes %.1f s, paid by the '
              'first run of a file only (a cache keyed by its content).' % (
                  result['file']['empty_play'], one['module'],
                  max(0.0, one['wall'] - result['file']['empty_play'] - one['module']), result['yaml_load']), '']
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--small', action='store_true', help='a smoke run with little data (figures meaningless)')
    parser.add_argument('--json', help='also write the raw figures to this file')
    parser.add_argument('--workdir', help='keep the playbooks and files here')
    parser.add_argument('--no-growth', action='store_true', help='skip the run with ten times the data')
    parser.add_argument('--growth-lists', action='store_true',
                        help='also run the three list tasks on ten times the data (slow: over 2 GB for the '
                             'controller, most of an hour on 2 cores)')
    args = parser.parse_args(argv)
    workdir = args.workdir or tempfile.mkdtemp(prefix='ispmail-bench-directory-')
    os.makedirs(workdir, exist_ok=True)
    sizes = [('fleet', dataset.Directory(5, 4, 4) if args.small else dataset.Directory())]
    if not args.small and not args.no_growth:
        sizes.append(('growth', dataset.Directory(1000, 100, 100)))
    server = harness.start_server(workdir)
    try:
        results = [compare(server, workdir, directory, label, with_lists=label == 'fleet' or args.growth_lists)
                   for label, directory in sizes]
    finally:
        server.stop()
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(results, handle, indent=1)
    print('\n'.join(render(result) for result in results))
    fleet = results[0]
    speed = fleet['lists']['create']['wall'] / fleet['file']['create']['wall']
    print('ispmail_directory against the three list tasks, first creation: %.1fx (goal at least %gx)'
          % (speed, SPEED_GOAL))
    return 0


if __name__ == '__main__':
    sys.exit(main())
