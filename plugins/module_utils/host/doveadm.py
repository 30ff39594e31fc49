# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mail host's Dovecot, through doveadm: ending a user's sessions and reading quota usage."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import shutil
import subprocess
import tempfile

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import HostError

# doveadm's exit code when it ran but found nothing to do (EX_NOUSER): "no users kicked".
EX_NOUSER = 68
NOBODY_KICKED = re.compile(r'(^|\n)\s*0 connections kicked')
TIMEOUT = 300


class Doveadm(object):
    """doveadm with an optional configuration file (-c), as root on the mail host."""

    def __init__(self, config=None):
        self.config = config
        self.binary = shutil.which('doveadm')

    @property
    def available(self):
        return self.binary is not None

    def run(self, args):
        if not self.available:
            raise HostError('doveadm was not found on this host: Dovecot is not installed here. Run the task on '
                            'the mail host (delegate_to), or leave the Dovecot option unset')
        command = [self.binary] + (['-c', self.config] if self.config else []) + args
        try:
            proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                                  timeout=TIMEOUT, universal_newlines=True)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise HostError('%s failed: %s' % (' '.join(command), exc))
        return proc.returncode, proc.stdout, proc.stderr

    def kick(self, user):
        """End the user's IMAP/POP3 sessions. True when some were ended; a Dovecot that is not
        running has no sessions, so that is False, not an error."""
        if not self.available:
            return False
        rc, out, err = self.run(['kick', '--', user])
        if rc == 0:
            # Dovecot 2.4 exits 0 when it found nobody, saying "0 connections kicked"; 2.3 exits 68.
            return not NOBODY_KICKED.search(out + err)
        if rc == EX_NOUSER or 'anvil' in err:
            return False
        raise HostError('doveadm kick %s failed (exit code %d): %s' % (user, rc, (err or out).strip()))

    def quota_usage(self, emails):
        """{email: {'bytes', 'messages', 'limit_bytes', 'limit_messages'}} from doveadm quota get.

        One doveadm run for all users (-F reads the user names from a file). Dovecot counts
        storage in KiB: bytes are those KiB times 1024. A limit of None means unlimited.
        """
        if not emails:
            return {}
        # The mailbox names are private: a file only root can read (mkstemp makes it 0600), which
        # doveadm reads as root before it switches to a mail user.
        with tempfile.NamedTemporaryFile('w', prefix='ispmail-users-', suffix='.txt') as users_file:
            users_file.write(''.join('%s\n' % email for email in emails))
            users_file.flush()
            rc, out, err = self.run(['-f', 'tab', 'quota', 'get', '-F', users_file.name])
        if rc != 0:
            raise HostError('doveadm quota get failed (exit code %d): %s' % (rc, (err or out).strip()[:2000]))
        return parse_quota_table(out)


def _number(text):
    return None if text in ('-', '') else int(text)


def parse_quota_table(text):
    """Parse `doveadm -f tab quota get -F FILE`: a header, then user, quota name, type, value,
    limit, percent. Of several quota roots, the first one listed (the guide has one, "User quota")."""
    usage, roots = {}, {}
    for line in text.splitlines()[1:]:
        fields = line.split('\t')
        if len(fields) < 5:
            continue
        email, root, kind = fields[0].lower(), fields[1], fields[2].upper()
        if roots.setdefault(email, root) != root:
            continue
        entry = usage.setdefault(email, {'bytes': 0, 'messages': 0, 'limit_bytes': None, 'limit_messages': None})
        value, limit = _number(fields[3]) or 0, _number(fields[4])
        if kind == 'STORAGE':
            entry['bytes'], entry['limit_bytes'] = value * 1024, None if limit is None else limit * 1024
        elif kind == 'MESSAGE':
            entry['messages'], entry['limit_messages'] = value, limit
    return usage


def end_sessions(masks, config, check_mode):
    """End the IMAP/POP3 sessions of suspended mailboxes (user masks: an address, or *@DOMAIN for
    a whole domain), so that a suspension locks them out at once, not at their next login. Where
    Dovecot does not run there are none. Returns the masks whose sessions were ended."""
    if check_mode:
        return []
    doveadm = Doveadm(config)
    return [mask for mask in masks if doveadm.kick(mask)]
