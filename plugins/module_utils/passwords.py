# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Password hashes in Dovecot's '{SCHEME}hash' form: making them and checking them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import traceback

from ansible_collections.ispmail.mailserver.plugins.module_utils import blowfish_crypt
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError
from ansible_collections.ispmail.mailserver.plugins.module_utils.sha_crypt import sha_crypt, sha_crypt_verify

try:
    import argon2
    ARGON2_IMPORT_ERROR = None
except ImportError:
    argon2 = None
    ARGON2_IMPORT_ERROR = traceback.format_exc()

# Schemes this collection writes; and the library each needs.
SCHEMES = ('BLF-CRYPT', 'SHA512-CRYPT', 'SHA256-CRYPT', 'ARGON2ID', 'ARGON2I')
LIBRARY = {'BLF-CRYPT': ('bcrypt', 'python3-bcrypt'), 'ARGON2ID': ('argon2-cffi', 'python3-argon2'),
           'ARGON2I': ('argon2-cffi', 'python3-argon2')}

# Every scheme Dovecot 2.3/2.4 knows (doveadm pw -l), for telling real prefixes from typos.
DOVECOT_SCHEMES = frozenset((
    'ARGON2I', 'ARGON2ID', 'BLF-CRYPT', 'CLEAR', 'CLEARTEXT', 'CRAM-MD5', 'CRYPT', 'DES-CRYPT',
    'DIGEST-MD5', 'HMAC-MD5', 'LANMAN', 'LDAP-MD5', 'MD5', 'MD5-CRYPT', 'NTLM', 'OTP', 'PBKDF2',
    'PLAIN', 'PLAIN-MD4', 'PLAIN-MD5', 'PLAIN-TRUNC', 'RPA', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'SHA',
    'SHA1', 'SHA256', 'SHA256-CRYPT', 'SHA512', 'SHA512-CRYPT', 'SKEY', 'SMD5', 'SSHA', 'SSHA256',
    'SSHA512',
))

# The guide's cost: what `doveadm pw -s BLF-CRYPT` writes ($2y$05$).
BCRYPT_COST = 5
# bcrypt reads at most 72 bytes; Dovecot's crypt_blowfish ignores the rest, and so do we.
BCRYPT_MAX = 72
# libxcrypt (CRYPT_MAX_PASSPHRASE_SIZE) refuses longer passphrases.
PASSWORD_MAX = 512

_PREFIX = re.compile(r'^\{([A-Za-z0-9.-]+)\}(.*)$', re.S)


def split_scheme(stored):
    """'{BLF-CRYPT}$2y$...' -> ('BLF-CRYPT', '$2y$...'); (None, stored) without a prefix."""
    match = _PREFIX.match(stored or '')
    if not match:
        return None, stored
    return match.group(1).upper(), match.group(2)


def missing_library(scheme):
    """(pip name, Debian package, traceback) when the library for `scheme` cannot be imported."""
    lib = LIBRARY.get(scheme)
    if lib and lib[0] == 'bcrypt' and blowfish_crypt.backend() is None:
        return lib + (blowfish_crypt.BCRYPT_IMPORT_ERROR,)
    if lib and lib[0] == 'argon2-cffi' and argon2 is None:
        return lib + (ARGON2_IMPORT_ERROR,)
    return None


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


def _argon2_hasher(scheme):
    # The cost of libsodium's "interactive" limits, which Dovecot itself uses.
    if scheme == 'ARGON2ID':
        return argon2.PasswordHasher(time_cost=2, memory_cost=65536, parallelism=1, type=argon2.Type.ID)
    return argon2.PasswordHasher(time_cost=4, memory_cost=32768, parallelism=1, type=argon2.Type.I)


def make_hash(password, scheme):
    """'{SCHEME}...' for `password`, with a fresh random salt."""
    secret = password.encode('utf-8')
    if scheme == 'BLF-CRYPT':
        return '{BLF-CRYPT}' + blowfish_crypt.hash_password(secret[:BCRYPT_MAX], BCRYPT_COST)
    if scheme == 'SHA512-CRYPT':
        return '{SHA512-CRYPT}' + sha_crypt(secret, '6')
    if scheme == 'SHA256-CRYPT':
        return '{SHA256-CRYPT}' + sha_crypt(secret, '5')
    if scheme in ('ARGON2ID', 'ARGON2I'):
        return '{%s}%s' % (scheme, _argon2_hasher(scheme).hash(secret))
    raise InputError('password_scheme %s is not one this collection writes: %s' % (scheme, ', '.join(SCHEMES)))


def verify(password, stored):
    """True when `stored` ('{SCHEME}...') is a hash of `password`. False when it is not, or when
    the scheme is not one this collection can check (the caller then writes a new hash)."""
    scheme, rest = split_scheme(stored)
    secret = password.encode('utf-8')
    try:
        if scheme == 'BLF-CRYPT' and rest.startswith(('$2y$', '$2b$', '$2a$')):
            return blowfish_crypt.check_password(secret[:BCRYPT_MAX], rest)
        if scheme in ('SHA512-CRYPT', 'SHA256-CRYPT'):
            return sha_crypt_verify(secret, rest)
        if scheme in ('ARGON2ID', 'ARGON2I') and rest.startswith('$argon2'):
            try:
                return _argon2_hasher(scheme).verify(rest, secret)
            except argon2.exceptions.VerificationError:
                return False
    except (ValueError, TypeError, UnicodeError):
        return False  # A damaged hash: treat as different, so a new one is written.
    return False
