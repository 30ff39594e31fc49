# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Making and checking password hashes in Dovecot's '{SCHEME}hash' form."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import traceback

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt import blowfish_crypt
from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.schemes import SCHEMES, split_scheme
from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.sha_crypt import sha_crypt, sha_crypt_verify
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, LibraryMissing

try:
    import argon2
    ARGON2_IMPORT_ERROR = None
except ImportError:
    argon2 = None
    ARGON2_IMPORT_ERROR = traceback.format_exc()

# The library each scheme needs: (pip name, Debian package).
LIBRARY = {'BLF-CRYPT': ('bcrypt', 'python3-bcrypt'), 'ARGON2ID': ('argon2-cffi', 'python3-argon2'),
           'ARGON2I': ('argon2-cffi', 'python3-argon2')}

# The guide's cost: what `doveadm pw -s BLF-CRYPT` writes ($2y$05$).
BCRYPT_COST = 5
# bcrypt reads at most 72 bytes; Dovecot's crypt_blowfish ignores the rest, and so do we.
BCRYPT_MAX = 72


def missing_library(scheme):
    """(pip name, Debian package, traceback) when the library for `scheme` cannot be imported."""
    lib = LIBRARY.get(scheme)
    if lib and lib[0] == 'bcrypt' and blowfish_crypt.backend() is None:
        return lib + (blowfish_crypt.BCRYPT_IMPORT_ERROR,)
    if lib and lib[0] == 'argon2-cffi' and argon2 is None:
        return lib + (ARGON2_IMPORT_ERROR,)
    return None


def require_libraries(schemes):
    """Raise LibraryMissing for the first of `schemes` whose library cannot be imported."""
    for scheme in sorted(schemes):
        missing = missing_library(scheme)
        if missing:
            raise LibraryMissing('%s (Debian: %s) for %s' % (missing[0], missing[1], scheme), missing[2])


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
