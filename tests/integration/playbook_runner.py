# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real ``ansible-playbook`` runs of the built collection: one job, run tasks and collect results.

:func:`install_collection` builds the repository with ``ansible-galaxy collection
build`` and installs the tarball offline into a private collections path, as a
user would get it. :class:`Runner` writes a playbook around a list of tasks,
runs it against localhost (connection local, this virtualenv's Python) with only
that collections path, and returns a :class:`RunResult` with every task's
result (from the ``ispt_results`` callback) and the full console text.

Provides (no fixtures; conftest.py makes ``collections_path``, ``runner``, ``run_tasks``):
  install_collection(workdir)        build + offline install; returns the collections path
  Runner(collections_path, workdir)  run(tasks, module_defaults=..., check, diff, ...) -> RunResult
  RunResult, TaskRecord              rc, text, tasks, task(name), snapshot(name), describe()
  clean_env(**extra), tool(name), REPO_ROOT
"""

import glob
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
CALLBACK_DIR = os.path.join(HERE, 'callback_plugins')
BIN_DIR = os.path.dirname(sys.executable)
COLLECTION = 'ispmail.mailserver'
GROUP = 'group/ispmail.mailserver.all'


def tool(name):
    path = os.path.join(BIN_DIR, name)
    return path if os.access(path, os.X_OK) else (shutil.which(name) or name)


def clean_env(**extra):
    """The environment for ansible commands: no ANSIBLE_* from the caller, a UTF-8 locale, no colour."""
    env = {key: value for key, value in os.environ.items() if not key.startswith('ANSIBLE_')}
    env.update(LC_ALL='C.UTF-8', LANG='C.UTF-8', ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
               PYTHONDONTWRITEBYTECODE='1')
    env.update({key: str(value) for key, value in extra.items()})
    return env


def install_collection(workdir, root=REPO_ROOT):
    """Build ``root`` into ``workdir/build`` and install it into ``workdir/collections``; return that path."""
    build_dir = os.path.join(workdir, 'build')
    collections = os.path.join(workdir, 'collections')
    os.makedirs(build_dir, exist_ok=True)
    env = clean_env(HOME=workdir)
    proc = subprocess.run([tool('ansible-galaxy'), 'collection', 'build', root, '--output-path', build_dir, '--force'],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError('ansible-galaxy collection build failed:\n%s' % proc.stdout)
    tarballs = glob.glob(os.path.join(build_dir, 'ispmail-mailserver-*.tar.gz'))
    if len(tarballs) != 1:
        raise RuntimeError('expected one collection tarball in %s, found %s' % (build_dir, tarballs))
    proc = subprocess.run([tool('ansible-galaxy'), 'collection', 'install', tarballs[0], '-p', collections,
                           '--offline', '--no-deps', '--force'],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError('ansible-galaxy collection install failed:\n%s' % proc.stdout)
    if not os.path.isdir(os.path.join(collections, 'ansible_collections', 'ispmail', 'mailserver')):
        raise RuntimeError('the collection did not land in %s:\n%s' % (collections, proc.stdout))
    return collections


class TaskRecord:
    """One task's result as the callback saw it."""

    def __init__(self, record):
        self.name = record['task']
        self.action = record['action']
        self.status = record['status']
        self.ignore_errors = record['ignore_errors']
        self.result = record['result']

    @property
    def changed(self):
        return bool(self.result.get('changed'))

    @property
    def failed(self):
        return self.status == 'failed'

    @property
    def msg(self):
        return str(self.result.get('msg', ''))

    def __getitem__(self, key):
        return self.result[key]

    def get(self, key, default=None):
        return self.result.get(key, default)

    def __contains__(self, key):
        return key in self.result

    def __repr__(self):
        return 'TaskRecord(%r, %s, %s)' % (self.name, self.status, json.dumps(self.result, default=str)[:2000])


class RunResult:
    def __init__(self, rc, stdout, stderr, records, results_text, command):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.tasks = [TaskRecord(record) for record in records]
        self.results_text = results_text
        self.command = command

    @property
    def text(self):
        """Everything the run put out: console and the per-task results."""
        return '\n'.join((self.stdout, self.stderr, self.results_text))

    def __getitem__(self, index):
        return self.tasks[index]

    def __len__(self):
        return len(self.tasks)

    def task(self, name):
        found = [task for task in self.tasks if task.name == name]
        assert len(found) == 1, 'expected one result of task %r, got %d:\n%s' % (name, len(found), self.describe())
        return found[0]

    def snapshot(self, name='snapshot'):
        return json.loads(self.task(name).result['stdout'])

    def describe(self):
        return 'command: %s\nrc: %s\n--- stdout\n%s\n--- stderr\n%s' % (
            ' '.join(self.command), self.rc, self.stdout[-6000:], self.stderr[-3000:])

    def __repr__(self):
        return 'RunResult(rc=%s, tasks=%r)' % (self.rc, self.tasks)


# Mounts a tmpfs over /run in a private mount namespace and, when given a directory,
# binds it to /run/mysqld: what the playbook then sees there is only what the test put there.
_NAMESPACE_SCRIPT = (
    'set -e; mount -t tmpfs -o mode=755 ispt-run /run; mkdir -p /run/mysqld; '
    'if [ -n "$0" ]; then mount --bind "$0" /run/mysqld; fi; exec "$@"'
)


class Runner:
    def __init__(self, collections_path, workdir, home=None):
        self.collections_path = collections_path
        self.workdir = str(workdir)
        self.home = home or os.path.join(self.workdir, 'home')
        os.makedirs(self.home, exist_ok=True)
        self._count = 0

    def run(self, tasks, module_defaults=None, check=False, diff=False, verbosity=0, extra_env=None,
            run_mysqld=None, home=None, timeout=600):
        """Run ``tasks`` (a list of task dicts) in one play on localhost; return a :class:`RunResult`.

        module_defaults: options for the action group ``group/ispmail.mailserver.all``.
        run_mysqld: run inside a private mount namespace whose /run holds nothing but
        /run/mysqld; when a directory is given, it is bind-mounted there ('' = empty).
        home: HOME for the run (where ~/.my.cnf is looked for); default an empty directory.
        """
        self._count += 1
        rundir = os.path.join(self.workdir, 'run%03d' % self._count)
        os.makedirs(rundir)
        named = []
        for index, task in enumerate(tasks, 1):
            task = dict(task)
            task.setdefault('name', 'task %d' % index)
            named.append(task)
        play = {'hosts': 'localhost', 'gather_facts': False, 'tasks': named}
        if module_defaults:
            play['module_defaults'] = {GROUP: module_defaults}
        playbook = os.path.join(rundir, 'playbook.yml')
        with open(playbook, 'w', encoding='utf-8') as handle:
            json.dump([play], handle, indent=2)
        inventory = os.path.join(rundir, 'inventory')
        with open(inventory, 'w', encoding='utf-8') as handle:
            handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
        config = os.path.join(rundir, 'ansible.cfg')
        with open(config, 'w', encoding='utf-8') as handle:
            handle.write('[defaults]\nretry_files_enabled = False\nnocows = True\nmodule_compression = ZIP_STORED\n'
                         'local_tmp = %s\n' % os.path.join(rundir, 'tmp'))
        results_file = os.path.join(rundir, 'results.jsonl')
        env = clean_env(
            HOME=home or self.home,
            ANSIBLE_CONFIG=config,
            ANSIBLE_COLLECTIONS_PATH=self.collections_path,
            ANSIBLE_CALLBACK_PLUGINS=CALLBACK_DIR,
            ANSIBLE_CALLBACKS_ENABLED='ispt_results',
            ISPT_RESULTS_FILE=results_file,
        )
        env.update({key: str(value) for key, value in (extra_env or {}).items()})
        cmd = [tool('ansible-playbook'), '-i', inventory, playbook]
        if check:
            cmd.append('--check')
        if diff:
            cmd.append('--diff')
        if verbosity:
            cmd.append('-' + 'v' * verbosity)
        if run_mysqld is not None:
            cmd = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', _NAMESPACE_SCRIPT,
                   str(run_mysqld)] + cmd
        proc = subprocess.run(cmd, cwd=rundir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, check=False, timeout=timeout)
        results_text = ''
        records = []
        if os.path.exists(results_file):
            with open(results_file, encoding='utf-8') as handle:
                results_text = handle.read()
            records = [json.loads(line) for line in results_text.splitlines() if line.strip()]
        result = RunResult(proc.returncode, proc.stdout, proc.stderr, records, results_text, cmd)
        with open(os.path.join(rundir, 'console.txt'), 'w', encoding='utf-8') as handle:
            handle.write(result.describe())
        return result
