# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail_files: several files of one owner, group and mode in one module run (no database)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import grp
import os
import pwd

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.files import write_files


def _owner(params):
    """(uid, gid) of the owner and group options, or InputError naming the unknown one."""
    try:
        uid = pwd.getpwnam(params['owner']).pw_uid
    except KeyError:
        raise InputError('no such user: %s' % params['owner'])
    try:
        gid = grp.getgrnam(params['group']).gr_gid
    except KeyError:
        raise InputError('no such group: %s' % params['group'])
    return uid, gid


def _mode(text):
    try:
        mode = int(text, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o7777:
        raise InputError('mode must be an octal string such as 0640, not %s' % text)
    return mode


def _files(entries):
    files = {}
    for entry in entries:
        path = entry['path']
        if not os.path.isabs(path):
            raise InputError('a path in files must be absolute: %s' % path)
        if path in files:
            raise InputError('a path is named twice in files: %s' % path)
        if not os.path.isdir(os.path.dirname(path)):
            raise InputError('the directory of %s does not exist' % path)
        files[path] = entry['content']
    return files


class Files(object):
    """The host-only contract run_host drives: work checks every option, then writes."""

    def work(self, params, check_mode, diff):
        files, mode, owner = _files(params['files']), _mode(params['mode']), _owner(params)
        changed, diffs = write_files(files, owner, mode, check_mode)
        result = dict(changed=bool(changed), paths=changed)
        if diff:
            result['diff'] = diffs
        return result
