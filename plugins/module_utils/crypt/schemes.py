# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dovecot's '{SCHEME}hash' form: the schemes there are, and what a password or a ready hash must be."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError

# Schemes this collection writes.
SCHEMES = ('BLF-CRYPT', 'SHA512-CRYPT', 'SHA256-CRYPT', 'ARGON2ID', 'ARGON2I')

# Every scheme Dovecot 2.3/2.4 knows (doveadm pw -l), for telling real prefixes from typos.
DOVECOT_SCHEMES = frozenset((
    'ARGON2I', 'ARGON2ID', 'BLF-CRYPT', 'CLEAR', 'CLEARTEXT', 'CRAM-MD5', 'CRYPT', 'DES-CRYPT',
    'DIGEST-MD5', 'HMAC-MD5', 'LANMAN', 'LDAP-MD5', 'MD5', 'MD5-CRYPT', 'NTLM', 'OTP', 'PBKDF2',
    'PLAIN', 'PLAIN-MD4', 'PLAIN-MD5', 'PLAIN-TRUNC', 'RPA', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'SHA',
    'SHA1', 'SHA256', 'SHA256-CRYPT', 'SHA512', 'SHA512-CRYPT', 'SKEY', 'SMD5', 'SSHA', 'SSHA256',
    'SSHA512',
))

# libxcrypt (CRYPT_MAX_PASSPHRASE_SIZE) refuses longer passphrases.
PASSWORD_MAX = 512

_PREFIX = re.compile(r'^\{([A-Za-z0-9.-]+)\}(.*)$', re.S)


def split_scheme(stored):
    """'{BLF-CRYPT}$2y$...' -> ('BLF-CRYPT', '$2y$...'); (None, stored) without a prefix."""
    match = _PREFIX.match(stored or '')
    if not match:
        return None, stored
    return match.group(1).upper(), match.group(2)


def check_password(password):
    if not isinstance(password, str) or password == '':
        raise InputError('password is empty')
    if '\x00' in password:
        raise InputError('password contains a NUL character, which no IMAP or SMTP login can send')
    if len(password.encode('utf-8')) > PASSWORD_MAX:
        raise InputError('password is longer than %d bytes, which the C library crypt() that Dovecot '
                         'uses refuses' % PASSWORD_MAX)


def check_password_hash(value, max_length=None):
    """A ready hash must name a scheme Dovecot knows, or the user is silently locked out."""
    if not isinstance(value, str) or not value:
        raise InputError('password_hash is empty')
    scheme, rest = split_scheme(value)
    if scheme is None:
        raise InputError('password_hash must start with its {SCHEME} prefix, for example {BLF-CRYPT}: '
                         'the server sets no default scheme')
    if scheme not in DOVECOT_SCHEMES:
        raise InputError('password_hash has the scheme {%s}, which Dovecot does not know; known: %s'
                         % (scheme, ', '.join(sorted(DOVECOT_SCHEMES))))
    if not rest or any(ord(c) < 33 or ord(c) > 126 for c in rest):
        raise InputError('password_hash {%s} must be followed by the hash in printable ASCII' % scheme)
    if max_length and len(value) > max_length:
        raise InputError('password_hash is %d characters long; the password column holds at most %d'
                         % (len(value), max_length))


def check_writable_scheme(scheme, email):
    """A password to hash needs a scheme this collection writes (a ready hash may name any)."""
    if scheme not in SCHEMES:
        raise InputError("user '%s': password_scheme must be one of %s to hash a password with, not %s"
                         % (email, ', '.join(SCHEMES), scheme))
