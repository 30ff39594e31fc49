# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller side of ispmail_directory: read O(src) and send its data to the module."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.ispmail.mailserver.plugins.plugin_utils.directory_file import read_compact


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        src = args.pop('src', None)
        if src is not None:
            if args.get('directory') is not None:
                return dict(result, failed=True, msg='src and directory are mutually exclusive')
            # One compact JSON string, which the module's dict option decodes: Ansible copies,
            # checks and scans a string in one step, 20,000 nested entries one by one
            # (about half a second of every run at 10,000 users; docs/benchmark.md); a file read
            # before comes from a cache keyed by its content (plugin_utils/directory_file.py).
            try:
                args['directory'] = read_compact(self._loader, self._find_needle('files', src))
            except AnsibleError as exc:
                return dict(result, failed=True, msg=str(exc.message))
        result.update(self._execute_module(module_name='ispmail.mailserver.ispmail_directory', module_args=args,
                                           task_vars=task_vars))
        if src is not None and result.get('failed') and result.get('msg'):
            result['msg'] = '%s: %s' % (src, result['msg'])
        return result
