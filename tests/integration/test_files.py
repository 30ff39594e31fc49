# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail_files, the role's writer of several files in one round trip, on real files."""

import grp
import os
import stat

from tests.integration.helpers import assert_clean_failure, assert_ok

POSTFIX_GID = grp.getgrnam('postfix').gr_gid


def files_task(entries, **options):
    args = dict(files=[dict(path=path, content=content) for path, content in entries], **options)
    return {'ispmail.mailserver.ispmail_files': args}


def attributes(path):
    st = os.stat(path)
    return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)


def test_writes_with_attributes_then_changes_nothing(runner, tmp_path):
    one, two = str(tmp_path / 'one.cf'), str(tmp_path / 'two.cf')
    task = files_task([(one, 'password = secret\n'), (two, 'query = SELECT 1\n')], group='postfix', mode='0640')
    run = runner.run([task])
    assert_ok(run, run[0], True)
    assert run[0]['paths'] == sorted([one, two])
    for path, text in ((one, 'password = secret\n'), (two, 'query = SELECT 1\n')):
        with open(path, encoding='utf-8') as handle:
            assert handle.read() == text
        assert attributes(path) == (0, POSTFIX_GID, 0o640)
    assert not [name for name in os.listdir(tmp_path) if name.startswith('.ispmail-')], 'a temporary file was left'
    again = runner.run([task])
    assert_ok(again, again[0], False)
    assert again[0]['paths'] == []


def test_check_mode_and_diff_show_the_change_and_write_nothing(runner, tmp_path):
    path = tmp_path / 'main.conf'
    path.write_text('old line\n', encoding='utf-8')
    os.chmod(path, 0o644)
    new = str(tmp_path / 'new.conf')
    task = files_task([(str(path), 'new line\n'), (new, 'fresh\n')])
    run = runner.run([task], check=True, diff=True)
    assert_ok(run, run[0], True)
    assert run[0]['paths'] == sorted([str(path), new])
    diffs = {entry['after_header']: entry for entry in run[0]['diff']}
    assert diffs[str(path)]['before'] == 'old line\n' and diffs[str(path)]['after'] == 'new line\n'
    assert diffs[new]['before'] == '' and diffs[new]['after'] == 'fresh\n'
    assert path.read_text(encoding='utf-8') == 'old line\n'
    assert not os.path.exists(new)
    assert '+new line' in run.stdout


def test_a_mode_or_group_that_differs_is_a_change(runner, tmp_path):
    path = tmp_path / 'secret.cf'
    path.write_text('same\n', encoding='utf-8')
    os.chmod(path, 0o644)
    task = files_task([(str(path), 'same\n')], group='postfix', mode='0640')
    checked = runner.run([task], check=True)
    assert_ok(checked, checked[0], True)
    assert attributes(str(path)) == (0, 0, 0o644)
    run = runner.run([task])
    assert_ok(run, run[0], True)
    assert attributes(str(path)) == (0, POSTFIX_GID, 0o640)
    assert path.read_text(encoding='utf-8') == 'same\n'


def test_bad_input_fails_clearly_and_writes_nothing(runner, tmp_path):
    good = str(tmp_path / 'good.conf')
    cases = [
        (files_task([(good, 'x\n'), (str(tmp_path / 'missing' / 'a.conf'), 'x\n')]), ['directory', 'missing']),
        (files_task([(good, 'x\n'), ('relative.conf', 'x\n')]), ['absolute', 'relative.conf']),
        (files_task([(good, 'x\n'), (good, 'y\n')]), ['twice', good]),
        (files_task([(good, 'x\n')], owner='no-such-user'), ['no such user', 'no-such-user']),
        (files_task([(good, 'x\n')], group='no-such-group'), ['no such group', 'no-such-group']),
        (files_task([(good, 'x\n')], mode='rw-r--r--'), ['octal', 'rw-r--r--']),
        (files_task([(good, 'x\n')], mode='70000'), ['octal', '70000']),
    ]
    tasks = [dict(case[0], name='bad %d' % index, ignore_errors=True) for index, case in enumerate(cases)]
    run = runner.run(tasks)
    for index, (_task, fragments) in enumerate(cases):
        assert_clean_failure(run, run.task('bad %d' % index), *fragments)
    assert os.listdir(tmp_path) == []
