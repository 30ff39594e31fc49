# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SHA-256-crypt and SHA-512-crypt ($5$, $6$) after Ulrich Drepper's specification.

Python 3.13 has no crypt module, and Debian's Dovecot verifies these with the C library,
so this follows the reference algorithm step by step.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import os

_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
_SALT_CHARS = _ALPHABET
DEFAULT_ROUNDS = 5000

# The order in which the digest's bytes are encoded, three at a time.
_ORDER = {
    '6': ([(0, 21, 42), (22, 43, 1), (44, 2, 23), (3, 24, 45), (25, 46, 4), (47, 5, 26), (6, 27, 48),
           (28, 49, 7), (50, 8, 29), (9, 30, 51), (31, 52, 10), (53, 11, 32), (12, 33, 54),
           (34, 55, 13), (56, 14, 35), (15, 36, 57), (37, 58, 16), (59, 17, 38), (18, 39, 60),
           (40, 61, 19), (62, 20, 41)], (None, None, 63), 2),
    '5': ([(0, 10, 20), (21, 1, 11), (12, 22, 2), (3, 13, 23), (24, 4, 14), (15, 25, 5), (6, 16, 26),
           (27, 7, 17), (18, 28, 8), (9, 19, 29)], (None, 31, 30), 3),
}
_HASH = {'5': hashlib.sha256, '6': hashlib.sha512}


def _encode(digest, ident):
    groups, last, last_len = _ORDER[ident]
    out = []
    for group in list(groups) + [last]:
        value = 0
        for index in group:
            value = (value << 8) | (digest[index] if index is not None else 0)
        for dummy in range(4 if group is not last else last_len):
            out.append(_ALPHABET[value & 0x3f])
            value >>= 6
    return ''.join(out)


def _repeat(digest, length):
    return (digest * (length // len(digest) + 1))[:length]


def _digest(password, salt, rounds, ident):
    hasher = _HASH[ident]
    size = hasher().digest_size
    alternate = hasher(password + salt + password).digest()
    a = hasher(password + salt)
    n = len(password)
    while n > size:
        a.update(alternate)
        n -= size
    a.update(alternate[:n])
    n = len(password)
    while n:
        a.update(alternate if n & 1 else password)
        n >>= 1
    result = a.digest()
    p_bytes = _repeat(hasher(password * len(password)).digest(), len(password))
    s_bytes = _repeat(hasher(salt * (16 + result[0])).digest(), len(salt))
    for i in range(rounds):
        c = hasher(p_bytes if i & 1 else result)
        if i % 3:
            c.update(s_bytes)
        if i % 7:
            c.update(p_bytes)
        c.update(result if i & 1 else p_bytes)
        result = c.digest()
    return result


def sha_crypt(password, ident='6', salt=None, rounds=None):
    """Hash `password` (bytes) as '$6$salt$...' (or '$5$'); rounds=None means the default 5000."""
    if salt is None:
        salt = ''.join(_SALT_CHARS[b % 64] for b in bytearray(os.urandom(16)))
    salt = salt[:16]
    prefix = '$%s$' % ident
    if rounds is not None:
        rounds = max(1000, min(999999999, rounds))
        prefix += 'rounds=%d$' % rounds
    digest = _digest(password, salt.encode('ascii'), rounds or DEFAULT_ROUNDS, ident)
    return '%s%s$%s' % (prefix, salt, _encode(digest, ident))


def sha_crypt_verify(password, hashed):
    """True when `hashed` ('$5$...' or '$6$...') is the hash of `password` (bytes)."""
    parts = hashed.split('$')
    if len(parts) < 4 or parts[0] != '' or parts[1] not in _HASH:
        return False
    ident = parts[1]
    rounds = None
    rest = parts[2:]
    if rest[0].startswith('rounds='):
        try:
            rounds = int(rest[0][len('rounds='):])
        except ValueError:
            return False
        rest = rest[1:]
    if len(rest) != 2:
        return False
    return sha_crypt(password, ident, rest[0], rounds) == hashed
