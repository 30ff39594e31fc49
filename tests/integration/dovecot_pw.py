# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dovecot's view of a stored password: one job, ``doveadm pw``.

``doveadm pw`` needs no running Dovecot; it reads the installed configuration only
to start up. Exit status 0 with "(verified)" means the password matches the hash.

Provides (no fixtures):
  make_hash(scheme, password), verify(stored, password), scheme_of(stored), SCHEMES
"""

import subprocess

SCHEMES = ('BLF-CRYPT', 'SHA512-CRYPT', 'SHA256-CRYPT', 'ARGON2ID')


def _run(args):
    return subprocess.run(['doveadm'] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          check=False, timeout=60)


def make_hash(scheme, password):
    """``doveadm pw -s SCHEME -p PASSWORD``: a ``{SCHEME}...`` string."""
    proc = _run(['pw', '-s', scheme, '-p', password])
    if proc.returncode != 0:
        raise AssertionError('doveadm pw -s %s failed: %s%s' % (scheme, proc.stdout, proc.stderr))
    return proc.stdout.strip()


def verify(stored, password):
    """True when ``doveadm pw -t STORED -p PASSWORD`` verifies, False on a mismatch.

    Anything else (an unknown scheme, a malformed hash) raises, so that a broken hash
    is not mistaken for a wrong password.
    """
    proc = _run(['pw', '-t', stored, '-p', password])
    if proc.returncode == 0 and '(verified)' in proc.stdout:
        return True
    if 'Password mismatch' in proc.stderr:
        return False
    raise AssertionError('doveadm pw -t %r failed (rc %d): %s%s' % (stored, proc.returncode, proc.stdout, proc.stderr))


def scheme_of(stored):
    """'BLF-CRYPT' for '{BLF-CRYPT}$2y$...', None without a {SCHEME} prefix."""
    if stored.startswith('{') and '}' in stored:
        return stored[1:stored.index('}')]
    return None
