"""BLF-CRYPT through libxcrypt and through pyca/bcrypt: the same hashes, either way round.

Fixtures of this file: pyca_only (function scope, hashes through pyca/bcrypt, not libxcrypt).
"""
import re

import bcrypt
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt import blowfish_crypt
from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.hashes import make_hash, verify

SALT = b'abcdefghijklmnopqrstuu'  # 22 characters of bcrypt's base64; the last one carries 2 bits
SECRETS = [b'x', b'secret', 'gr\u00fc\u00dfe \u2603'.encode('utf-8'), b'a' * 71, b'b' * 72, b'\xff\xfe' * 36]
HASH = re.compile(r'^\$2y\$05\$[./A-Za-z0-9]{53}$')


@pytest.fixture
def pyca_only(monkeypatch):
    monkeypatch.setattr(blowfish_crypt, '_LIBXCRYPT', None)


def test_debian_takes_the_libxcrypt_path():
    # libcrypt1 is on every Debian system; if this fails, the fast path is silently lost.
    assert blowfish_crypt.backend() == 'libxcrypt'


@pytest.mark.parametrize('secret', SECRETS)
def test_libxcrypt_and_pyca_give_the_same_hash_for_the_same_salt(secret):
    ours = blowfish_crypt._lib().crypt(secret, b'$2y$05$' + SALT).decode('ascii')
    theirs = bcrypt.hashpw(secret, b'$2b$05$' + SALT).decode('ascii')
    assert ours[4:] == theirs[4:]
    assert ours.startswith('$2y$05$' + SALT.decode('ascii'))


@pytest.mark.parametrize('secret', SECRETS)
def test_each_backend_checks_the_others_hashes(secret, monkeypatch):
    native = blowfish_crypt.hash_password(secret, 5)
    monkeypatch.setattr(blowfish_crypt, '_LIBXCRYPT', None)
    fallback = blowfish_crypt.hash_password(secret, 5)
    assert blowfish_crypt.check_password(secret, native)
    assert not blowfish_crypt.check_password(secret + b'!' if len(secret) < 72 else b'other', native)
    monkeypatch.undo()
    assert blowfish_crypt.check_password(secret, fallback)
    assert HASH.match(native) and HASH.match(fallback)


def test_fresh_salts_differ():
    hashes = set(blowfish_crypt.hash_password(b'same', 5) for dummy in range(5))
    assert len(hashes) == 5


@pytest.mark.parametrize('prefix', ['$2y$', '$2b$', '$2a$'])
def test_every_bcrypt_prefix_is_checked(prefix):
    stored = prefix + bcrypt.hashpw(b'secret', b'$2b$05$' + SALT).decode('ascii')[4:]
    assert blowfish_crypt.check_password(b'secret', stored)
    assert not blowfish_crypt.check_password(b'Secret', stored)


@pytest.mark.parametrize('damaged', ['$2y$05$short', '$2y$99$' + 'a' * 53, '$2y$05$' + '!' * 53, '$2q$05$' + 'a' * 53])
def test_a_damaged_hash_is_different_not_an_error(damaged):
    # verify() is what the modules call: a damaged stored hash means "write a new one".
    assert verify('secret', '{BLF-CRYPT}' + damaged) is False


def test_passwords_module_uses_the_same_hashes_with_and_without_libxcrypt(pyca_only):
    stored = make_hash('secret', 'BLF-CRYPT')
    assert stored.startswith('{BLF-CRYPT}$2y$05$')
    assert verify('secret', stored) and not verify('secreT', stored)
    assert blowfish_crypt.backend() == 'bcrypt'
