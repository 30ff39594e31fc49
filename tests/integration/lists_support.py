# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the list-form and ispmail_info tests: one job, read list results and build info tasks.

Provides (no fixtures):
  info(...), on(database, entry)                       ispmail_info tasks, a task against another database
  outcomes, list_diff, counts, is_absent, prediction_matches   reading list-form results
  check_real_again(db, build, **args), predicted_run(run)      check mode, real run and re-run in one play
  PASSWORD, OTHER_PASSWORD, GIB
"""

from tests.integration.helpers import task

PASSWORD = 'Correct-Horse-7!battery'
OTHER_PASSWORD = 'Tr0ub4dor&3-other'
GIB = 1024 ** 3


def info(**kwargs):
    return task('ispmail_info', **kwargs)


def on(database, entry):
    """The task ``entry`` run against ``database`` instead of the play's default database."""
    entry = dict(entry)
    module = next(key for key in entry if key.startswith('ispmail.mailserver.'))
    entry[module] = dict(entry[module], login_db=database.name)
    return entry


def outcomes(record):
    """{key: outcome} of a list-form result, in the order reported."""
    return record['outcomes']


def list_diff(record):
    """(changes before, changes after, summary) of a list-form diff."""
    diff = record['diff']
    if isinstance(diff, list):
        diff = diff[0]
    return diff['before']['changes'], diff['after']['changes'], diff['after']['summary']


def is_absent(state):
    """A list-diff entry for something that does not exist ('absent', or a dict saying so)."""
    return state == 'absent' or (isinstance(state, dict) and state.get('state') == 'absent')


def counts(created=0, updated=0, removed=0, unchanged=0):
    return {'created': created, 'updated': updated, 'removed': removed, 'unchanged': unchanged}


def prediction_matches(check_record, real_record):
    """Check mode and the real run said the same: changed, outcomes, counts and diff."""
    for key in ('changed', 'outcomes', 'counts', 'diff', 'users_removed', 'aliases_removed'):
        assert check_record.get(key) == real_record.get(key), \
            'check mode said %s=%r, the real run %r' % (key, check_record.get(key), real_record.get(key))


def check_real_again(db, build, **args):
    """The usual proof in one play: snapshot 'before', 'check' (check mode, diff), snapshot
    'after check', 'real' (diff), 'again'. ``build`` is a task builder such as helpers.user."""
    return [db.snapshot_task('before'), build(task_name='check', check=True, diff=True, **args),
            db.snapshot_task('after check'), build(task_name='real', diff=True, **args),
            build(task_name='again', **args)]


def predicted_run(run):
    """The play of check_real_again went through, check mode wrote nothing and predicted the real run: real."""
    assert run.rc == 0, run.describe()
    assert run.snapshot('after check') == run.snapshot('before')
    real = run.task('real')
    prediction_matches(run.task('check'), real)
    return real
