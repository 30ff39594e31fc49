# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role benchmark (``scripts/bench --role``): the role ispmail.mailserver.server on a fresh
Debian systemd container, then again with nothing to change, as a fleet re-applies it.

The figure is the whole ``ansible-playbook`` wall time, what the admin waits for, of the first
run (the baseline: packages, database, configuration) and of the runs that change nothing (the
median of three), with the tasks that took longest and the count of tasks by outcome. The
container is reached as Molecule reaches it (podman with pipelining, playbooks/connection_plugins).
Usage, from the repository root, with CONTAINERS_CONF set (scripts/bench does it):
python -m tests.bench.role_bench [--release bookworm|trixie] [--json FILE] [--workdir DIR] [--keep]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from tests.integration.playbook_runner import CALLBACK_DIR, REPO_ROOT, clean_env, tool

NO_CHANGE_RUNS = 3
GOAL = 15.0
PLAY = [{
    'name': 'The role, as a fleet applies it',
    'hosts': 'all',
    'gather_facts': False,
    'vars': {
        'ispmail_hostname': 'mail.example.org',
        'ispmail_db_lookup_password': 'bench-lookup-Secret-1',
        'ispmail_db_admin_password': 'bench-admin-Secret-1',
        'ispmail_domains': ['example.org', 'example.net'],
        'ispmail_users': [{'email': 'john@example.org', 'password': 'bench-john-Secret-1'},
                          {'email': 'jane@example.net', 'password': 'bench-jane-Secret-1', 'quota': '1G'}],
        'ispmail_aliases': [{'source': 'info@example.org', 'destinations': ['john@example.org']}],
    },
    'roles': [{'role': 'ispmail.mailserver.server'}],
}]


def log(message):
    print('==> %s' % message, file=sys.stderr, flush=True)


def podman(*args, check=True):
    return subprocess.run(['podman'] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          check=check)


def start_container(name, image):
    podman('rm', '-f', '-t', '0', name, check=False)
    podman('run', '-d', '--name', name, '--hostname', 'mail.example.org', '--systemd=always', image, '/sbin/init')
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = podman('exec', name, 'systemctl', 'is-system-running', check=False).stdout.strip()
        if state in ('running', 'degraded'):
            return
        time.sleep(0.5)
    raise RuntimeError('the container %s did not finish booting' % name)


def run_role(workdir, name, label):
    """One ansible-playbook run of PLAY: {label, wall, cpu, tasks: [{task, status, seconds}]}."""
    rundir = tempfile.mkdtemp(prefix=label.replace(' ', '-') + '-', dir=workdir)
    playbook, inventory = os.path.join(rundir, 'play.yml'), os.path.join(rundir, 'inventory')
    with open(playbook, 'w', encoding='utf-8') as handle:
        json.dump(PLAY, handle, indent=1)
    with open(inventory, 'w', encoding='utf-8') as handle:
        handle.write('%s ansible_connection=podman_pipelining ansible_python_interpreter=/usr/bin/python3\n' % name)
    results = os.path.join(rundir, 'results.jsonl')
    env = clean_env(HOME=rundir, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO_ROOT, '.cache', 'collections'),
                    ANSIBLE_CONNECTION_PLUGINS=os.path.join(REPO_ROOT, 'playbooks', 'connection_plugins'),
                    ANSIBLE_PIPELINING='1', ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_MODULE_COMPRESSION='ZIP_STORED',
                    ANSIBLE_CALLBACK_PLUGINS=CALLBACK_DIR, ANSIBLE_CALLBACKS_ENABLED='ispt_results',
                    ISPT_RESULTS_FILE=results, ISPT_RESULTS_KEEP='changed')
    log('%s: ansible-playbook (the whole run is timed)' % label)
    started, usage = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([tool('ansible-playbook'), '-i', inventory, playbook], cwd=rundir, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False, timeout=1800)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(os.path.join(rundir, 'console.txt'), 'w', encoding='utf-8') as handle:
        handle.write(proc.stdout)
    if proc.returncode != 0:
        raise RuntimeError('%s failed (rc %d), see %s:\n%s' % (label, proc.returncode, rundir, proc.stdout[-3000:]))
    with open(results, encoding='utf-8') as handle:
        tasks = [json.loads(line) for line in handle if line.strip()]
    return {'label': label, 'wall': wall, 'cpu': after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime,
            'tasks': [{'task': t['task'], 'status': t['status'], 'seconds': t['seconds']} for t in tasks]}


def outcomes(run):
    counts = {}
    for task in run['tasks']:
        counts[task['status']] = counts.get(task['status'], 0) + 1
    return ', '.join('%s %d' % (status, count) for status, count in sorted(counts.items()))


def table(first, no_change):
    median = statistics.median(run['wall'] for run in no_change)
    lines = ['| run | whole run | controller CPU | tasks |', '|---|---:|---:|---|',
             '| first run on a fresh container (baseline) | %.1f s | %.1f s | %s |'
             % (first['wall'], first['cpu'], outcomes(first))]
    for run in no_change:
        lines.append('| %s | %.1f s | %.1f s | %s |' % (run['label'], run['wall'], run['cpu'], outcomes(run)))
    lines.append('')
    lines.append('No change, median of %d: %.1f s (%.2f of the first run); goal < %.0f s: %s'
                 % (len(no_change), median, median / first['wall'], GOAL, 'met' if median < GOAL else 'not met'))
    slowest = sorted(no_change[len(no_change) // 2]['tasks'], key=lambda t: -t['seconds'])[:10]
    lines.append('Slowest tasks of a no-change run: ' + '; '.join(
        '%s %.1f s' % (t['task'], t['seconds']) for t in slowest))
    return '\n'.join(lines), median


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--release', default='bookworm', choices=['bookworm', 'trixie'])
    parser.add_argument('--image', help='the base image (default: the one scripts/build-image makes)')
    parser.add_argument('--json', help='also write the figures to this file')
    parser.add_argument('--workdir', help='keep the playbooks and their output here')
    parser.add_argument('--keep', action='store_true', help='leave the container running')
    args = parser.parse_args(argv)
    image = args.image or 'localhost/ispmail-debian:%s' % args.release
    workdir = args.workdir or tempfile.mkdtemp(prefix='ispmail-role-bench-')
    os.makedirs(workdir, exist_ok=True)
    name = 'ispmail-bench-role'
    log('a fresh container %s from %s' % (name, image))
    start_container(name, image)
    try:
        first = run_role(workdir, name, 'first run')
        no_change = [run_role(workdir, name, 'no change %d' % (i + 1)) for i in range(NO_CHANGE_RUNS)]
    finally:
        if not args.keep:
            podman('rm', '-f', '-t', '0', name, check=False)
    changed = [t['task'] for run in no_change for t in run['tasks'] if t['status'] == 'changed']
    if changed:
        raise RuntimeError('a no-change run changed: %s' % ', '.join(sorted(set(changed))))
    text, median = table(first, no_change)
    print(text)
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump({'release': args.release, 'first': first, 'no_change': no_change, 'median': median}, handle,
                      indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
