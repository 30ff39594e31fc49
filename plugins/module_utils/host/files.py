# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writing files on the host only when their content or attributes change, atomically: a file is
written beside its target with its final owner and mode, then renamed over it, so that it never
exists half-written or with looser permissions than asked for."""

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


def _replace(path, data, mode, owner=None):
    """Write `data` beside `path` with `mode` (and `owner`, a (uid, gid) pair), then rename it over `path`."""
    directory = os.path.dirname(os.path.abspath(path))
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix='.ispmail-', dir=directory)  # created 0600
        with os.fdopen(handle, 'wb') as out:
            if owner is not None:
                os.fchown(out.fileno(), *owner)
            os.fchmod(out.fileno(), mode)
            out.write(data)
        os.rename(temporary, path)
    except (IOError, OSError) as exc:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)
        raise HostError('cannot write %s: %s' % (path, exc.strerror or exc))


def write_private(path, text, check_mode):
    """Make `path` hold `text` with mode 0600; True when the content or the mode changed (would change)."""
    data = text.encode('utf-8')
    same = _current(path) == data
    if same and (os.stat(path).st_mode & 0o777) == 0o600:
        return False
    if not check_mode:
        _replace(path, data, 0o600)
    return True


def _attributes(path):
    st = os.lstat(path)
    return st.st_uid, st.st_gid, st.st_mode & 0o7777


def write_files(files, owner, mode, check_mode):
    """Give each path of `files` (path: text) its text, `owner` (uid, gid) and `mode`.

    Returns the paths that changed (would change in check mode), sorted, and a diff for each
    whose content changed."""
    changed, diffs = [], []
    for path in sorted(files):
        data = files[path].encode('utf-8')
        before = _current(path)
        if before == data:
            if _attributes(path) != tuple(owner) + (mode,):
                changed.append(path)
                if not check_mode:
                    _set_attributes(path, owner, mode)
            continue
        changed.append(path)
        diffs.append(dict(before_header=path, after_header=path, after=files[path],
                          before='' if before is None else before.decode('utf-8', 'replace')))
        if not check_mode:
            _replace(path, data, mode, owner)
    return changed, diffs


def _set_attributes(path, owner, mode):
    try:
        os.chown(path, *owner)
        os.chmod(path, mode)
    except (IOError, OSError) as exc:
        raise HostError('cannot set the owner and mode of %s: %s' % (path, exc.strerror or exc))
