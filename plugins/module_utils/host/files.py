# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writing a file on the host only when its content changes, atomically and private (0600)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import tempfile

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import HostError


def _current(path):
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def write_private(path, text, check_mode):
    """Make `path` hold `text` with mode 0600; True when the content or the mode changed (would change)."""
    data = text.encode('utf-8')
    same = _current(path) == data
    if same and (os.stat(path).st_mode & 0o777) == 0o600:
        return False
    if check_mode:
        return True
    directory = os.path.dirname(os.path.abspath(path))
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix='.ispmail-', dir=directory)  # created 0600
        with os.fdopen(handle, 'wb') as out:
            out.write(data)
        os.rename(temporary, path)
    except (IOError, OSError) as exc:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)
        raise HostError('cannot write %s: %s' % (path, exc))
    return True
