# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one-file benchmark still works: a smoke run with little data (its timings are not checked)."""

import json
import os
import subprocess
import sys

from ansible_runner import REPO_ROOT

RUN = os.path.join(REPO_ROOT, 'tests', 'bench', 'directory_bench.py')


def test_small_directory_benchmark_runs_both_sides_and_prints_the_table(tmp_path):
    figures = tmp_path / 'figures.json'
    proc = subprocess.run([sys.executable, RUN, '--small', '--json', str(figures), '--workdir', str(tmp_path / 'w')],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:]
    (fleet,) = json.loads(figures.read_text())
    assert fleet['users'] == 20 and fleet['aliases'] == 20
    for side in ('lists', 'file'):
        for step in ('create', 'always', 'on_create'):
            assert fleet[side][step]['module'] > 0 and fleet[side][step]['wall'] > fleet[side][step]['module']
    assert '| create |' in proc.stdout and 'first creation:' in proc.stdout
