# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Timed ``ansible-playbook`` runs: one job, run a play and say how long each task took.

The lists go into a JSON vars file, as a user would keep them next to the playbook
(``vars_files``), and the tasks take them by name. The integration harness's ``ispt_results``
callback records each task's wall time and outcome (only changed, counts and msg of a result);
with ``measure_modules`` the module processes run under ``module_process``'s interpreter
wrapper, which records each one's peak RSS, run time and CPU time.

Provides (no fixtures): PlaybookRunner(collections_path, workdir, module_defaults).run() -> PlayResult.
"""

import json
import os
import resource
import subprocess
import sys
import time

import yaml

from tests.bench import module_process
from tests.integration.playbook_runner import CALLBACK_DIR, GROUP, clean_env, tool

KEPT = 'changed,counts,msg,retries'   # of each result: the benchmark needs outcomes, not 10,000 items


class PlayResult:
    def __init__(self, wall, cpu, tasks, modules, rc, output):
        self.wall = wall          # seconds of the whole ansible-playbook command
        self.cpu = cpu            # its CPU seconds, user + system, with every process it started
        self.tasks = tasks        # [{task, status, seconds, changed, counts, ...}]
        self.modules = modules    # [{module, maxrss_kb, seconds, cpu_seconds}] (empty without measure_modules)
        self.rc = rc
        self.output = output

    def task(self, name):
        found = [task for task in self.tasks if task['task'] == name]
        if len(found) != 1:
            raise RuntimeError('expected one result of task %r:\n%s' % (name, self.output[-4000:]))
        return found[0]


class PlaybookRunner:
    def __init__(self, collections_path, workdir, module_defaults, home=None):
        self.collections_path = collections_path
        self.workdir = str(workdir)
        self.module_defaults = module_defaults
        self.home = home  # HOME of every run (an admin's, whose caches last); default: each run its own
        self.count = 0

    def run(self, tasks, variables=None, measure_modules=False, timeout=1800, vars_yaml=False):
        """Run ``tasks`` in one play on localhost; ``variables`` go into a vars file (JSON, or
        YAML with ``vars_yaml``). Fails on a failed task."""
        self.count += 1
        rundir = os.path.join(self.workdir, 'play%02d' % self.count)
        os.makedirs(rundir)
        vars_file = os.path.join(rundir, 'vars.yml' if vars_yaml else 'vars.json')
        with open(vars_file, 'w', encoding='utf-8') as handle:
            if vars_yaml:
                yaml.dump(variables or {}, handle, Dumper=getattr(yaml, 'CSafeDumper', yaml.SafeDumper))
            else:
                json.dump(variables or {}, handle)
        play = {'hosts': 'localhost', 'gather_facts': False, 'vars_files': [vars_file],
                'module_defaults': {GROUP: self.module_defaults}, 'tasks': tasks}
        playbook = os.path.join(rundir, 'playbook.yml')
        with open(playbook, 'w', encoding='utf-8') as handle:
            json.dump([play], handle, indent=1)
        interpreter = sys.executable
        modules_log = os.path.join(rundir, 'modules.jsonl')
        if measure_modules:
            interpreter = module_process.write_wrapper(os.path.join(rundir, 'python-probe'), modules_log)
        inventory = os.path.join(rundir, 'inventory')
        with open(inventory, 'w', encoding='utf-8') as handle:
            handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % interpreter)
        config = os.path.join(rundir, 'ansible.cfg')
        with open(config, 'w', encoding='utf-8') as handle:
            handle.write('[defaults]\nretry_files_enabled = False\nlocal_tmp = %s\n' % os.path.join(rundir, 'tmp'))
        times_file = os.path.join(rundir, 'times.jsonl')
        env = clean_env(HOME=self.home or rundir, ANSIBLE_CONFIG=config, ANSIBLE_COLLECTIONS_PATH=self.collections_path,
                        ANSIBLE_CALLBACK_PLUGINS=CALLBACK_DIR, ANSIBLE_CALLBACKS_ENABLED='ispt_results',
                        ISPT_RESULTS_FILE=times_file, ISPT_RESULTS_KEEP=KEPT)
        cmd = [tool('ansible-playbook'), '-i', inventory, playbook]
        started, usage = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(cmd, cwd=rundir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, check=False, timeout=timeout)
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime
        with open(os.path.join(rundir, 'console.txt'), 'w', encoding='utf-8') as handle:
            handle.write(proc.stdout)
        result = PlayResult(wall, cpu, _read_jsonl(times_file), module_process.read_log(modules_log), proc.returncode,
                            proc.stdout)
        failed = [task for task in result.tasks if task['status'] != 'ok']
        if proc.returncode != 0 or failed:
            raise RuntimeError('ansible-playbook failed (rc %d) in %s:\n%s'
                               % (proc.returncode, rundir, proc.stdout[-4000:]))
        return result


def _read_jsonl(path):
    """[{task, status ('ok' for ok and changed), seconds, changed, counts, msg, loop_*}] from the callback's file."""
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    tasks = []
    for record in records:
        status = 'ok' if record['status'] in ('ok', 'changed') else record['status']
        tasks.append(dict(record['result'], task=record['task'], status=status, seconds=record['seconds']))
    return tasks
