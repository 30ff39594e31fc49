# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark callback: one JSON line per task to $BENCH_TIMES_FILE with its wall time and outcome."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: bench_times
type: aggregate
short_description: Write each task's duration and result summary as a JSON line (benchmark)
description:
  - Appends one JSON object per finished task to the file named by E(BENCH_TIMES_FILE).
  - Part of the ispmail.mailserver benchmark, not of the collection.
options: {}
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase

# Only these keys of a module result are kept: the benchmark needs outcomes, not 10,000 items.
KEPT = ('changed', 'counts', 'msg')


def _native(result):
    data = getattr(result, 'result', None)
    if not isinstance(data, dict):
        data = result._result  # pylint: disable=protected-access
    return data


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_times'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._path = os.environ.get('BENCH_TIMES_FILE')
        self._started = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started = time.monotonic()

    def _write(self, result, status):
        if not self._path:
            return
        seconds = time.monotonic() - self._started  # before this callback's own work on the result
        data = _native(result)
        task = getattr(result, 'task', None) or result._task  # pylint: disable=protected-access
        record = {'task': task.get_name(), 'status': status, 'seconds': seconds}
        record.update((key, data[key]) for key in KEPT if key in data)
        loop_results = data.get('results')
        if isinstance(loop_results, list):
            record['loop_items'] = len(loop_results)
            record['loop_changed'] = sum(1 for item in loop_results if item.get('changed'))
            record['loop_failed'] = sum(1 for item in loop_results if item.get('failed'))
        with open(self._path, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(record, default=str) + '\n')

    def v2_runner_on_ok(self, result):
        self._write(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, 'failed')
