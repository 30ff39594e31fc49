# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DKIM key directory rspamd signs from: <domain>.<selector>.key files, owned by rspamd's
user and mode 0600, and selectors.map ("domain selector" lines: the active selector of each
domain). rspamd rereads the map within a second of a change and reads a key when it signs,
so nothing here reloads rspamd."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import pwd
import re

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import HostError
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.files import write_private

MAP_NAME = 'selectors.map'
_KEY_FILE = re.compile(r'^(?P<domain>[a-z0-9.-]+)\.(?P<selector>[A-Za-z0-9_-]+)\.key$')


def key_path(key_dir, domain, selector):
    return os.path.join(key_dir, '%s.%s.key' % (domain, selector))


def map_path(key_dir):
    return os.path.join(key_dir, MAP_NAME)


def read_text(path):
    """The file's text, or None when it does not exist."""
    try:
        with open(path, 'r') as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        if os.path.exists(path):
            raise HostError('cannot read %s: %s' % (path, exc))
        return None


def read_selectors(key_dir):
    """[(domain, selector)] of selectors.map, in file order (an absent map is empty)."""
    text = read_text(map_path(key_dir)) or ''
    pairs = []
    for line in text.splitlines():
        fields = line.split('#', 1)[0].split()
        if len(fields) == 2:
            pairs.append((fields[0].lower(), fields[1]))
    return pairs


def selectors_text(pairs):
    return ''.join('%s %s\n' % pair for pair in sorted(pairs))


def list_keys(key_dir):
    """[(domain, selector, path)] of the key files in key_dir, sorted."""
    try:
        names = os.listdir(key_dir)
    except (IOError, OSError):
        return []
    found = []
    for name in sorted(names):
        match = _KEY_FILE.match(name)
        if match:
            found.append((match.group('domain'), match.group('selector'), os.path.join(key_dir, name)))
    return found


def owner_ids(owner):
    """(uid, gid) of the user the files belong to (rspamd's, _rspamd on Debian)."""
    try:
        entry = pwd.getpwnam(owner)
    except KeyError:
        raise HostError("the user '%s' who must own the DKIM keys does not exist: is rspamd installed "
                        "(the role ispmail.mailserver.server installs it)?" % owner)
    return entry.pw_uid, entry.pw_gid


def _owned(path, ids):
    status = os.stat(path)
    return (status.st_uid, status.st_gid) == ids


def write_owned(path, text, ids, check_mode):
    """Make path hold text, mode 0600, owned by ids; True when anything changed (would change)."""
    if not os.path.isdir(os.path.dirname(path)):
        raise HostError('the DKIM key directory %s does not exist (the role makes it)' % os.path.dirname(path))
    changed = write_private(path, text, check_mode)
    if check_mode:
        return changed or not _owned(path, ids)
    if changed or not _owned(path, ids):
        os.chown(path, ids[0], ids[1])
        return True
    return False


def remove(path, check_mode):
    """Delete path if it exists; True when it existed."""
    if not os.path.exists(path):
        return False
    if not check_mode:
        try:
            os.unlink(path)
        except OSError as exc:
            raise HostError('cannot remove %s: %s' % (path, exc))
    return True
