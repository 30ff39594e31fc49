# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test harness and benchmark callback: append every task result as one JSON line to $ISPT_RESULTS_FILE."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: ispt_results
type: aggregate
short_description: Write each task result and its wall time as a JSON line (test harness, benchmark)
description:
  - Appends one JSON object per task result to the file named by E(ISPT_RESULTS_FILE), with the
    seconds from the start of the task to its result.
  - With E(ISPT_RESULTS_KEEP) (comma-separated keys, the benchmark's C(changed,counts,msg)) only those
    keys of the result are kept, and a loop's results are counted instead of written.
  - Part of the ispmail.mailserver test harness, not of the collection.
options: {}
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


def _native(result):
    """The result mapping as plain Python types (ansible-core 2.19: ``result.result``; older: ``_result``)."""
    data = getattr(result, 'result', None)
    if not isinstance(data, dict):
        data = result._result  # pylint: disable=protected-access
    return data


def _summary(data, keep):
    """The kept keys of a result, and a loop's counts: outcomes, not 10,000 items."""
    summary = dict((key, data[key]) for key in keep if key in data)
    loop_results = data.get('results')
    if isinstance(loop_results, list):
        summary['loop_items'] = len(loop_results)
        summary['loop_changed'] = sum(1 for item in loop_results if item.get('changed'))
        summary['loop_failed'] = sum(1 for item in loop_results if item.get('failed'))
    return summary


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'ispt_results'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._path = os.environ.get('ISPT_RESULTS_FILE')
        keep = os.environ.get('ISPT_RESULTS_KEEP')
        self._keep = keep.split(',') if keep else None
        self._started = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started = time.monotonic()

    def _write(self, result, status, ignore_errors=False):
        if not self._path:
            return
        # Taken before this callback's own work on the result; None for a result without a task start.
        seconds = None if self._started is None else time.monotonic() - self._started
        data = _native(result)
        task = getattr(result, 'task', None) or result._task  # pylint: disable=protected-access
        record = {
            'task': task.get_name(),
            'action': task.action,
            'status': status,
            'ignore_errors': bool(ignore_errors),
            'seconds': seconds,
            'result': data if self._keep is None else _summary(data, self._keep),
        }
        with open(self._path, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(record, default=str) + '\n')  # key order kept: outcomes are in list order

    def v2_runner_on_ok(self, result):
        self._write(result, 'changed' if _native(result).get('changed') else 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, 'failed', ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._write(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._write(result, 'unreachable')
