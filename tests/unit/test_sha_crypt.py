"""SHA-crypt against the published test vectors of Drepper's specification."""
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.sha_crypt import sha_crypt, sha_crypt_verify

VECTORS = [
    ('6', 'saltstring', None, b'Hello world!',
     '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'),
    ('6', 'saltstringsaltstring', 10000, b'Hello world!',
     '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/'
     'UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'),
    ('6', 'roundstoolow', 10, b'the minimum number is still observed',
     '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpy'
     'UNGc0dqbpBYYBaHHrsX.'),
    ('5', 'saltstring', None, b'Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'),
    ('5', 'saltstringsaltstring', 10000, b'Hello world!',
     '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA'),
    ('5', 'roundstoolow', 10, b'the minimum number is still observed',
     '$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC'),
]


@pytest.mark.parametrize('ident,salt,rounds,password,expected', VECTORS)
def test_published_vectors(ident, salt, rounds, password, expected):
    assert sha_crypt(password, ident, salt, rounds) == expected
    assert sha_crypt_verify(password, expected)
    assert not sha_crypt_verify(password + b'x', expected)


def test_fresh_salts_differ_and_verify():
    first, second = sha_crypt(b'pw'), sha_crypt(b'pw')
    assert first != second
    assert sha_crypt_verify(b'pw', first) and sha_crypt_verify(b'pw', second)


@pytest.mark.parametrize('damaged', ['', '$6$', '$7$salt$hash', '$6$rounds=x$salt$hash', 'plain'])
def test_damaged_hashes_do_not_verify(damaged):
    assert not sha_crypt_verify(b'pw', damaged)
