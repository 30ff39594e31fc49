# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail_directory's file cache on the controller, through real playbook runs: a file read
before comes from the cache (the user's alone), and a file whose bytes changed is read anew even
when its size and times stay the same. The unit tests (tests/unit/test_directory_file_cache.py)
cover vault files, damaged entries and the cache's limits."""

import os
import stat

import pytest

from tests.integration.helpers import assert_ok

pytestmark = pytest.mark.engine_free  # the controller's cache; the engine plays no part


def apply(name, src):
    return {'name': name, 'ispmail.mailserver.ispmail_directory': {'src': str(src)}}


def test_a_file_comes_from_the_cache_until_a_byte_changes(db, run_tasks, runner, tmp_path):
    src = tmp_path / 'directory.yml'
    src.write_text('domains: [example.org]\nusers: []\naliases: []\n')
    cache = os.path.join(runner.home, '.cache', 'ispmail.mailserver', 'directory')
    before = set(os.listdir(cache)) if os.path.isdir(cache) else set()
    run = run_tasks([apply('first', src), apply('again', src)])
    assert_ok(run, run.task('first'), True)
    assert_ok(run, run.task('again'), False)
    new = set(os.listdir(cache)) - before
    assert len(new) == 1, new
    entry = os.path.join(cache, new.pop())
    assert stat.S_IMODE(os.stat(entry).st_mode) == 0o600 and stat.S_IMODE(os.stat(cache).st_mode) == 0o700
    times = os.stat(src).st_atime, os.stat(src).st_mtime
    src.write_text('domains: [example.net]\nusers: []\naliases: []\n')
    os.utime(src, times)
    run = run_tasks([apply('changed', src)])
    assert_ok(run, run.task('changed'), True)
    assert db.domains() == ['example.net', 'example.org']
