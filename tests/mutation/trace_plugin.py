"""A pytest plugin for tests/mutation/run.py: which tests run each line of plugins/module_utils.

Loaded with `-p tests.mutation.trace_plugin` in the unmutated run; writes
{"file:line": [test, ...]} to the path in $MUTATION_TRACE. A test is named without its
parameters (file::function), lines run outside any test (imports, collection) by "import".
"""
import json
import os
import sys
import threading

import pytest

MARK = '/plugins/module_utils/'
IMPORT = 'import'
_context = [IMPORT]
_hits = {}


def _local(frame, event, arg):
    if event == 'line':
        key = '%s:%d' % (frame.f_code.co_filename.split(MARK, 1)[1], frame.f_lineno)
        _hits.setdefault(key, set()).add(_context[0])
    return _local


def _tracer(frame, event, arg):
    if MARK in frame.f_code.co_filename:
        return _local
    return None


def pytest_configure(config):
    sys.settrace(_tracer)
    threading.settrace(_tracer)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _context[0] = item.nodeid.split('[')[0]
    yield
    _context[0] = IMPORT


def pytest_unconfigure(config):
    sys.settrace(None)
    threading.settrace(None)
    with open(os.environ['MUTATION_TRACE'], 'w') as handle:
        json.dump(dict((key, sorted(tests)) for key, tests in _hits.items()), handle)
