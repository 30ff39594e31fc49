# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test harness callback: append every task result as one JSON line to $ISPT_RESULTS_FILE."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: ispt_results
type: aggregate
short_description: Write each task result as a JSON line (integration test harness)
description:
  - Appends one JSON object per task result to the file named by E(ISPT_RESULTS_FILE).
  - Part of the ispmail.mailserver test harness, not of the collection.
options: {}
'''

import json
import os

from ansible.plugins.callback import CallbackBase


def _native(result):
    """The result mapping as plain Python types (ansible-core 2.19: ``result.result``; older: ``_result``)."""
    data = getattr(result, 'result', None)
    if not isinstance(data, dict):
        data = result._result  # pylint: disable=protected-access
    return data


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'ispt_results'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._path = os.environ.get('ISPT_RESULTS_FILE')

    def _write(self, result, status, ignore_errors=False):
        if not self._path:
            return
        task = getattr(result, 'task', None) or result._task  # pylint: disable=protected-access
        record = {
            'task': task.get_name(),
            'action': task.action,
            'status': status,
            'ignore_errors': bool(ignore_errors),
            'result': _native(result),
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
