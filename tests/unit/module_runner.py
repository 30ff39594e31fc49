"""Run a module of plugins/modules in this process against a FakeEngine: one job, drive the real
AnsibleModule (argument spec, no_log masking, exit_json) and the frame end to end without a server.

Provides (no fixtures):
  run_module(name, args, engine, check_mode=False)
      -> (failed, result): result is the JSON the module printed, as Ansible would read it.
      The `engine` option's MariaDB entry of db/engines.py is the given engine for the run.
  output(name, args, engine, check_mode=False) -> the printed JSON text (to search for secrets)
"""
import contextlib
import importlib
import io
import json

from unittest import mock

from ansible.module_utils.testing import patch_module_args

from ansible_collections.ispmail.mailserver.plugins.module_utils.db import engines, transaction

PACKAGE = 'ansible_collections.ispmail.mailserver.plugins.modules.'


def output(name, args, engine, check_mode=False):
    module = importlib.import_module(PACKAGE + name)
    args = dict(args, _ansible_check_mode=check_mode)
    printed = io.StringIO()
    with patch_module_args(args), \
            mock.patch.dict(engines.ENGINES, mariadb=lambda: (lambda: engine)), \
            mock.patch.object(transaction.time, 'sleep'), \
            contextlib.redirect_stdout(printed):
        try:
            module.main()
        except SystemExit:
            pass
    return printed.getvalue()


def run_module(name, args, engine, check_mode=False):
    result = json.loads(output(name, args, engine, check_mode))
    return bool(result.get('failed')), result
