# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Task builders and assertions shared by the module tests: one job, say what a test means briefly.

Provides (no fixtures):
  task(module, ...), domain(...), user(...), alias(...)   task dicts for a playbook
  diff_of(record)                                         a task's (before, after)
  assert_ok, assert_clean_failure, assert_no_traceback, assert_prediction, TRACEBACK_MARKERS
"""

import re

PREFIX = 'ispmail.mailserver.'
TRACEBACK_MARKERS = ('Traceback (most recent call last)', 'MODULE FAILURE', 'module_stderr')


def task(module, task_name=None, check=False, diff=None, ignore_errors=None, **args):
    """A task of one of the collection's modules; ``None`` arguments are left out.

    ``task_name`` names the task (``name`` is the domain module's option).
    """
    entry = {PREFIX + module: {key: value for key, value in args.items() if value is not None}}
    if task_name:
        entry['name'] = task_name
    if check:
        entry['check_mode'] = True
    if diff is not None:
        entry['diff'] = diff
    if ignore_errors is not None:
        entry['ignore_errors'] = ignore_errors
    return entry


def domain(**kwargs):
    return task('ispmail_domain', **kwargs)


def user(**kwargs):
    return task('ispmail_user', **kwargs)


def alias(**kwargs):
    return task('ispmail_alias', **kwargs)


def diff_of(record):
    """The (before, after) of a task's diff; a list of diffs is folded to its first entry."""
    diff = record.get('diff')
    assert diff, 'no diff in the result: %r' % record
    if isinstance(diff, list):
        diff = diff[0]
    assert 'before' in diff and 'after' in diff, 'diff without before/after: %r' % diff
    return diff['before'], diff['after']


def assert_no_traceback(run):
    for marker in TRACEBACK_MARKERS:
        assert marker not in run.text, 'found %r in the output:\n%s' % (marker, run.describe())


def assert_ok(run, record, changed):
    assert record.status in ('ok', 'changed'), '%r failed:\n%s' % (record, run.describe())
    assert record.changed is changed, 'expected changed=%s: %r' % (changed, record)


def assert_clean_failure(run, record, *fragments):
    """The task failed with a message (holding every fragment, case-insensitively) and no traceback."""
    assert record.failed, 'expected %r to fail:\n%s' % (record, run.describe())
    msg = record.msg
    assert msg.strip(), 'failure without a message: %r' % record
    for marker in TRACEBACK_MARKERS:
        assert marker not in msg, 'traceback-like failure: %r' % record
    assert 'module_stderr' not in record.result, 'the module crashed: %r' % record
    assert 'Traceback (most recent call last)' not in run.text, run.describe()
    for fragment in fragments:
        if isinstance(fragment, re.Pattern):
            assert fragment.search(msg), 'message %r does not match %r' % (msg, fragment.pattern)
        else:
            assert fragment.lower() in msg.lower(), 'message %r does not name %r' % (msg, fragment)
    assert record.changed is False, 'a failed task reports changed: %r' % record


def assert_prediction(check_record, real_record, keys=()):
    """Check mode predicted the real run: same changed and the same values of ``keys``."""
    assert check_record.status != 'failed', check_record
    assert real_record.status != 'failed', real_record
    assert check_record.changed == real_record.changed, (check_record, real_record)
    for key in keys:
        assert check_record.get(key) == real_record.get(key), \
            'check mode said %s=%r, the real run %r' % (key, check_record.get(key), real_record.get(key))
