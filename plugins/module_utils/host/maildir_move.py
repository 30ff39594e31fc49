# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Moving a renamed user's mail directory under the mail root without losing mail.

The database change has committed before the move, so new mail already goes to the new
path. The move
  1. waits (up to DELIVERY_WAIT seconds) while a delivery into the old directory is under way:
     Dovecot writes a message into a tmp/ directory and holds dovecot-uidlist.lock while it
     files it;
  2. renames the whole directory in one step when the new path does not exist yet;
  3. otherwise (mail for the new address arrived between the commit and the move) merges: every
     file the new directory lacks is moved in (Maildir file names are unique, so messages never
     collide); Dovecot's own index files that both have are left to Dovecot to rebuild.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import shutil
import time

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import HostError
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildirs import safe_mail_dir

DELIVERY_WAIT = 30
# A file in tmp/ older than this is a leftover of a crashed delivery, not one under way.
TMP_STALE = 60


def delivery_under_way(path, now=None):
    now = time.time() if now is None else now
    for directory, dummy, files in os.walk(path):
        for name in files:
            if name == 'dovecot-uidlist.lock':
                return True
            if os.path.basename(directory) == 'tmp':
                try:
                    if now - os.lstat(os.path.join(directory, name)).st_mtime < TMP_STALE:
                        return True
                except OSError:
                    return True  # it went while we looked: a delivery just filed it
    return False


def _wait_for_deliveries(path):
    deadline = time.time() + DELIVERY_WAIT
    while delivery_under_way(path) and time.time() < deadline:
        time.sleep(0.2)


def merge_tree(source, target):
    """Move every file of `source` that `target` lacks into `target`; then remove `source`."""
    for directory, dummy, files in os.walk(source):
        relative = os.path.relpath(directory, source)
        destination = os.path.normpath(os.path.join(target, relative))
        if not os.path.isdir(destination):
            os.makedirs(destination)
            shutil.copystat(directory, destination)
            _copy_owner(directory, destination)
        for name in files:
            if not os.path.lexists(os.path.join(destination, name)):
                os.rename(os.path.join(directory, name), os.path.join(destination, name))
    shutil.rmtree(source)


def _copy_owner(source, target):
    info = os.lstat(source)
    os.lchown(target, info.st_uid, info.st_gid)


def _make_parent(path, like):
    """Create the new domain's directory with the owner and mode of the old one."""
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        os.makedirs(parent)
        shutil.copystat(like, parent)
        _copy_owner(like, parent)


def _rename_or_merge(source, target):
    if not os.path.lexists(target):
        try:
            os.rename(source, target)  # atomic; replaces an empty directory a delivery just made
            return
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
    merge_tree(source, target)


def move_mail_dir_to(source, target, like):
    """Move a directory to `target` (both checked paths): one rename, or a merge where target
    exists; a missing parent is made with the owner and mode of the directory `like`."""
    try:
        _make_parent(target, like)
        _rename_or_merge(source, target)
    except OSError as exc:
        raise HostError('the database change is committed, but moving the mail from %s to %s failed: %s. '
                        'Move the rest by hand' % (source, target, exc))


def move_mail_dir(mail_root, old, new, check_mode):
    """Move OLD's directory to NEW's. Returns {'from', 'to'} when there was one to move, else None."""
    source, target = safe_mail_dir(mail_root, old), safe_mail_dir(mail_root, new)
    if not os.path.isdir(source) or os.path.islink(source):
        return None
    if check_mode:
        return {'from': source, 'to': target}
    _wait_for_deliveries(source)
    try:
        _make_parent(target, os.path.dirname(source))
        _rename_or_merge(source, target)
    except OSError as exc:
        raise HostError('the database has the new address, but moving the mail from %s to %s failed: %s. '
                        'Move the rest by hand' % (source, target, exc))
    return {'from': source, 'to': target}
