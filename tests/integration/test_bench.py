# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark command still works: a smoke run with a tenth of the data (its timings are not checked)."""

import json
import subprocess
import sys

from tests.integration.playbook_runner import REPO_ROOT


def small_run(module, tmp_path):
    """(figures, output) of a --small run of a benchmark module of tests.bench."""
    figures = tmp_path / 'figures.json'
    proc = subprocess.run([sys.executable, '-m', 'tests.bench.' + module, '--small', '--json', str(figures),
                           '--workdir', str(tmp_path / 'w')],
                          cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:]
    return json.loads(figures.read_text()), proc


def test_small_benchmark_runs_every_step_on_both_engines_and_prints_the_tables(tmp_path):
    by_engine, proc = small_run('run', tmp_path)
    assert list(by_engine) == ['mariadb', 'postgresql']
    assert '| run | mariadb list tasks | postgresql list tasks |' in proc.stdout
    for results in by_engine.values():
        check_small_run(results, proc.stdout)


def check_small_run(results, output):
    runs = dict((run['key'], run) for run in results['runs'])
    assert list(runs) == ['create', 'always', 'on_create', 'change']

    def counts(key, task):
        found = runs[key]['tasks'][task]['counts']
        return tuple(found[outcome] for outcome in ('created', 'updated', 'removed', 'unchanged'))

    assert counts('create', 'users') == (100, 0, 0, 0) and counts('create', 'aliases') == (100, 0, 0, 0)
    assert counts('always', 'users') == (0, 0, 0, 100) and counts('on_create', 'aliases') == (0, 0, 0, 100)
    assert counts('change', 'users') == (0, 1, 0, 99) and counts('change', 'aliases') == (0, 1, 0, 99)
    # The no-change runs are repeated; the row shown is the median of them.
    for key in ('always', 'on_create'):
        every = runs[key]['list_seconds_all']
        assert len(every) == 3 and every == sorted(every) and runs[key]['list_seconds'] == every[1]
    assert results['loop']['items'] == 20
    # The module processes were measured (GNU time), and the table shows the figures.
    assert all(task['peak_kb'] > 10000 for run in runs.values() for task in run['tasks'].values())
    assert '| list form: first creation |' in output
    assert '| loop / list |' in output


def test_small_directory_benchmark_runs_both_sides_and_prints_the_table(tmp_path):
    (fleet,), proc = small_run('directory_bench', tmp_path)
    assert fleet['users'] == 20 and fleet['aliases'] == 20
    for side in ('lists', 'file'):
        for step in ('create', 'always', 'on_create'):
            assert fleet[side][step]['module'] > 0 and fleet[side][step]['wall'] > fleet[side][step]['module']
    assert '| create |' in proc.stdout and 'first creation:' in proc.stdout
