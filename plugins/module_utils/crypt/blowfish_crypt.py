# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""bcrypt ('$2y$') hashes for BLF-CRYPT: through the system's libxcrypt when it has bcrypt, else pyca/bcrypt.

libxcrypt (Debian's libcrypt1, installed on every Debian system) carries the crypt_blowfish
code that Dovecot's BLF-CRYPT also comes from, and it is about 10% faster than pyca/bcrypt:
with 10,000 users and update_password=always, that is a second of a re-run. ctypes releases
the GIL during the call, so checks run in parallel threads as pyca/bcrypt's do. Both give
byte-identical hashes (tests/unit/test_blowfish_crypt.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ctypes
import ctypes.util
import hmac
import threading
import traceback

try:
    import bcrypt
    BCRYPT_IMPORT_ERROR = None
except ImportError:
    bcrypt = None
    BCRYPT_IMPORT_ERROR = traceback.format_exc()

# libxcrypt's sizeof(struct crypt_data), the scratch area crypt_rn() needs.
_CRYPT_DATA_SIZE = 32768
_OUTPUT_SIZE = 192  # CRYPT_OUTPUT_SIZE, enough for any setting string


class _LibXcrypt(object):
    """crypt_rn() and crypt_gensalt_rn() of libxcrypt, or None where they are missing."""

    def __init__(self, library):
        self._crypt = library.crypt_rn
        self._crypt.restype = ctypes.c_char_p
        self._crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int]
        self._gensalt = library.crypt_gensalt_rn
        self._gensalt.restype = ctypes.c_char_p
        self._gensalt.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int,
                                  ctypes.c_char_p, ctypes.c_int]
        self._local = threading.local()

    @classmethod
    def load(cls):
        # Debian's soname first: find_library() runs ldconfig, a process per module run.
        for name in ('libcrypt.so.1', ctypes.util.find_library('crypt')):
            try:
                found = cls(ctypes.CDLL(name))
                # An old glibc libcrypt, or a libxcrypt built without bcrypt, fails here.
                if found.crypt(b'x', b'$2y$04$' + b'a' * 22).startswith(b'$2y$04$'):
                    return found
            except (OSError, AttributeError, ValueError, TypeError):
                pass
        return None

    def crypt(self, secret, setting):
        scratch = getattr(self._local, 'scratch', None)
        if scratch is None:
            scratch = self._local.scratch = ctypes.create_string_buffer(_CRYPT_DATA_SIZE)
        hashed = self._crypt(secret, setting, scratch, _CRYPT_DATA_SIZE)
        if not hashed or hashed.startswith(b'*'):
            raise ValueError('libcrypt refused the setting')
        return hashed

    def gensalt(self, cost):
        output = ctypes.create_string_buffer(_OUTPUT_SIZE)
        # No random bytes given: libxcrypt takes them from the kernel (getentropy).
        setting = self._gensalt(b'$2y$', cost, None, 0, output, _OUTPUT_SIZE)
        if not setting:
            raise ValueError('libcrypt could not make a bcrypt salt')
        return setting


_UNLOADED = object()
_LIBXCRYPT = _UNLOADED  # loaded on first use: most module runs hash nothing


def _lib():
    global _LIBXCRYPT
    if _LIBXCRYPT is _UNLOADED:
        _LIBXCRYPT = _LibXcrypt.load()
    return _LIBXCRYPT


def backend():
    """'libxcrypt', 'bcrypt' (pyca) or None when neither can make bcrypt hashes."""
    if _lib() is not None:
        return 'libxcrypt'
    return 'bcrypt' if bcrypt is not None else None


def hash_password(secret, cost):
    """'$2y$<cost>$...' for the bytes `secret` (already cut to 72 bytes), with a fresh salt."""
    lib = _lib()
    if lib is not None:
        return lib.crypt(secret, lib.gensalt(cost)).decode('ascii')
    hashed = bcrypt.hashpw(secret, bcrypt.gensalt(cost)).decode('ascii')
    # The same algorithm; '$2y$' is what doveadm and PHP write.
    return '$2y$' + hashed[4:]


def check_password(secret, stored):
    """True when `stored` ('$2y$', '$2b$' or '$2a$') is a bcrypt hash of the bytes `secret`."""
    lib = _lib()
    if lib is not None:
        return hmac.compare_digest(lib.crypt(secret, stored.encode('ascii')), stored.encode('ascii'))
    return bcrypt.checkpw(secret, ('$2b$' + stored[4:]).encode('ascii'))
