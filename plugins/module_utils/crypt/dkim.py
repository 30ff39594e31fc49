# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DKIM keys: making and reading them in the form rspamd signs with, and their DNS record.

rspamd (3.4 on Debian 12, 3.12 on 13) reads an RSA key as PEM, but an ed25519 key only as
base64 of the 64 bytes seed + public key (what `rspamadm dkim_keygen -t ed25519` writes); a
PEM ed25519 key fails there with "cannot extract rsa key from evp key". So an ed25519 key file
holds that base64 line, and a PEM ed25519 key given by the user is converted to it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import binascii
import traceback

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, LibraryMissing

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
    _IMPORT_ERROR = None
except ImportError:
    _IMPORT_ERROR = traceback.format_exc()

MIN_RSA_BITS = 1024


class DkimKey(object):
    """A private key as rspamd reads it (`file_text`) and its public half for DNS (`public`)."""

    def __init__(self, key_type, file_text, public, bits=None):
        self.key_type = key_type
        self.file_text = file_text
        self.public = public
        self.bits = bits

    def record_value(self):
        """The TXT value of <selector>._domainkey.<domain> (RFC 6376, RFC 8463 for ed25519)."""
        return 'v=DKIM1; k=%s; p=%s' % (self.key_type, self.public)

    def __repr__(self):
        return 'DkimKey(%s, public=%s)' % (self.key_type, self.public)  # never the private key


def require_library():
    if _IMPORT_ERROR is not None:
        raise LibraryMissing('cryptography (Debian: python3-cryptography)', _IMPORT_ERROR)


def _b64(data):
    return base64.b64encode(data).decode('ascii')


def _rsa_key(private):
    text = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode('ascii')
    public = private.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    return DkimKey('rsa', text, _b64(public), private.key_size)


def _ed25519_key(private):
    raw = serialization.Encoding.Raw
    seed = private.private_bytes(raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    public = private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
    return DkimKey('ed25519', _b64(seed + public) + '\n', _b64(public))


def generate(key_type, key_size):
    """A new key of key_type ('rsa' of key_size bits, or 'ed25519')."""
    require_library()
    if key_type == 'ed25519':
        return _ed25519_key(ed25519.Ed25519PrivateKey.generate())
    return _rsa_key(rsa.generate_private_key(public_exponent=65537, key_size=key_size))


def _from_raw(text):
    """rspamd's ed25519 form: base64 of the seed (32 bytes) or of seed + public key (64)."""
    try:
        data = base64.b64decode(''.join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(data) not in (32, 64):
        return None
    key = _ed25519_key(ed25519.Ed25519PrivateKey.from_private_bytes(data[:32]))
    if len(data) == 64 and _b64(data[32:]) != key.public:
        raise InputError('private_key: the ed25519 key is damaged (its public half does not match its seed)')
    return key


def parse(text):
    """The DkimKey in text: PEM (RSA or ed25519, unencrypted) or rspamd's base64 ed25519 form.

    Raises InputError with a message that never quotes the key."""
    require_library()
    text = text.strip()
    if not text.startswith('-----BEGIN'):
        key = _from_raw(text)
        if key is None:
            raise InputError('private_key is neither a PEM private key nor a base64 ed25519 key')
        return key
    try:
        private = serialization.load_pem_private_key(text.encode('ascii'), password=None)
    except (ValueError, TypeError, UnicodeError) as exc:
        # The library's message names the problem, not the key's content.
        raise InputError('private_key does not parse as an unencrypted PEM private key: %s'
                         % type(exc).__name__)
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return _ed25519_key(private)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise InputError('private_key is neither an RSA nor an ed25519 key (DKIM knows only these)')
    if private.key_size < MIN_RSA_BITS:
        raise InputError('private_key is an RSA key of %d bits; DKIM verifiers ignore keys under %d bits'
                         % (private.key_size, MIN_RSA_BITS))
    return _rsa_key(private)
