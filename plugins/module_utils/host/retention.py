# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deletion with a grace period: a removed mailbox's or domain's mail kept in a retention area.

The area is MAIL_ROOT/.retained (no domain name starts with a dot, so it meets no domain's
directory). Each removal moves the mail directory, in one rename, to
.retained/NAME/DELETED_PURGE, the two times in UTC (20261208T101500Z); the role's daily timer
removes the entries whose purge time has passed (roles/server/files/ispmail-purge-retained.py
reads the same names). A restore moves the newest entry of an address back.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import time

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import HostError, InputError
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildir_move import move_mail_dir_to
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildirs import check_mail_root, remove_mail_dirs, safe_mail_dir

AREA = '.retained'
STAMP = '%Y%m%dT%H%M%SZ'
ENTRY = re.compile(r'^(\d{8}T\d{6}Z)_(\d{8}T\d{6}Z)$')
UNITS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 7 * 86400}


def parse_retention(value, what='mail_retention'):
    """Seconds from '30d', '12h', '2w' or a whole number of days; None or 0: no retention."""
    if value is None:
        return None
    text = str(value).strip().lower()
    match = re.match(r'^(\d+)\s*([smhdw]?)$', text)
    if isinstance(value, bool) or not match:
        raise InputError("%s must be a time such as 30d, 12h or 2w (a bare number is days), not %r" % (what, value))
    seconds = int(match.group(1)) * UNITS[match.group(2) or 'd']
    return seconds or None


def _stamp(seconds):
    return time.strftime(STAMP, time.gmtime(seconds))


def _entry(deleted, retention):
    return '%s_%s' % (_stamp(deleted), _stamp(deleted + retention))


def _iso(stamp):
    """20261208T101500Z -> 2026-12-08T10:15:00Z"""
    return '%s-%s-%sT%s:%s:%sZ' % (stamp[0:4], stamp[4:6], stamp[6:8], stamp[9:11], stamp[11:13], stamp[13:15])


def _area(mail_root):
    return os.path.join(check_mail_root(mail_root), AREA)


def _make_area(mail_root, name):
    """.retained/NAME, owned like the mail root and closed to others (mail is private)."""
    root = check_mail_root(mail_root)
    info = os.stat(root)
    for path in (os.path.join(root, AREA), os.path.join(root, AREA, name)):
        if os.path.islink(path):
            raise HostError('refusing to keep mail in %s: it is a symlink' % path)
        if not os.path.isdir(path):
            os.mkdir(path, 0o700)
            os.chown(path, info.st_uid, info.st_gid)


def retain_mail_dirs(mail_root, names, retention, check_mode, now=None):
    """Move each name's directory (that exists) into the retention area; returns
    [{address, from, to, purge_after}] of what was (in check mode, would be) moved."""
    now = int(time.time() if now is None else now)
    area = _area(mail_root)
    retained = []
    for name in names:
        path = safe_mail_dir(mail_root, name)
        if not os.path.isdir(path) or os.path.islink(path):
            continue
        deleted = now
        # A name removed twice in one second: the second copy is filed a second later.
        while os.path.lexists(os.path.join(area, name, _entry(deleted, retention))):
            deleted += 1
        target = os.path.join(area, name, _entry(deleted, retention))
        retained.append({'address': name, 'from': path, 'to': target,
                         'purge_after': _iso(_stamp(deleted + retention))})
        if not check_mode:
            try:
                _make_area(mail_root, name)
                os.rename(path, target)
            except OSError as exc:
                raise HostError('the database change is committed, but keeping the mail of %s in %s failed: %s. '
                                'Move it by hand' % (name, target, exc))
    return retained


def list_retained(mail_root):
    """[{address, deleted_at, purge_after, path}] of every entry of the retention area, oldest first."""
    area = _area(mail_root)
    if not os.path.isdir(area) or os.path.islink(area):
        return []
    found = []
    for name in sorted(os.listdir(area)):
        directory = os.path.join(area, name)
        if os.path.islink(directory) or not os.path.isdir(directory):
            continue
        for entry in sorted(os.listdir(directory)):
            match = ENTRY.match(entry)
            # Only real directories, as the purge script takes them: a restore never moves a link.
            if match and not os.path.islink(os.path.join(directory, entry)):
                found.append({'address': name, 'deleted_at': _iso(match.group(1)),
                              'purge_after': _iso(match.group(2)), 'path': os.path.join(directory, entry)})
    return sorted(found, key=lambda item: (item['deleted_at'], item['address']))


def newest_retained(mail_root, email):
    """The path of the newest retained copy of a mailbox's mail: its own entry, or its directory
    in an entry of its domain; None when there is none."""
    domain = email.rsplit('@', 1)[1]
    local = email.rsplit('@', 1)[0]
    candidates = []
    for item in list_retained(mail_root):
        if item['address'] == email:
            candidates.append((item['deleted_at'], item['path']))
        elif item['address'] == domain and os.path.isdir(os.path.join(item['path'], local)):
            candidates.append((item['deleted_at'], os.path.join(item['path'], local)))
    return max(candidates)[1] if candidates else None


def restore_mail_dirs(mail_root, emails, check_mode):
    """Move the newest retained copy of each address back to its mail directory (merged with
    what is there); returns [{address, from, to}]."""
    restored = []
    for email in emails:
        target = safe_mail_dir(mail_root, email)
        source = newest_retained(mail_root, email)
        if source is None:
            continue
        restored.append({'address': email, 'from': source, 'to': target})
        if not check_mode:
            move_mail_dir_to(source, target, check_mail_root(mail_root))
            _remove_empty_parents(source, _area(mail_root))
    return restored


def _remove_empty_parents(path, area):
    parent = os.path.dirname(path)
    while parent.startswith(area + os.sep) and os.path.isdir(parent) and not os.listdir(parent):
        os.rmdir(parent)
        parent = os.path.dirname(parent)


def check_retention(options):
    """mail_retention read into options['retention'] (seconds or None); it keeps what
    remove_mail removes, so it needs it."""
    options['retention'] = parse_retention(options.get('mail_retention'))
    if options['retention'] and not options['remove_mail']:
        raise InputError('mail_retention keeps the mail that remove_mail removes: set remove_mail: true with it '
                         '(without remove_mail the mail stays where it is)')


def dispose_mail_dirs(options, names, check_mode):
    """The mail of removed domains or mailboxes: kept in the retention area for
    options['retention'] seconds, or removed at once. Returns the result's fields."""
    if options.get('retention'):
        return {'mail_removed': [], 'mail_retained': retain_mail_dirs(options['mail_root'], names,
                                                                      options['retention'], check_mode)}
    return {'mail_removed': remove_mail_dirs(options['mail_root'], names, check_mode), 'mail_retained': []}
