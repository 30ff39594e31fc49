"""Domain names by IDNA 2008, not Python's IDNA 2003 codec: 'ß' is kept (xn--fa-hia, not 'fass'),
an invisible character is refused rather than dropped, and an xn-- label must be a valid A-label."""
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import (
    normalize_domain, normalize_mailbox, normalize_source)


@pytest.mark.parametrize('name,stored', [
    ('faß.example', 'xn--fa-hia.example'),
    ('FASS.example', 'fass.example'),
    ('Bücher.Example', 'xn--bcher-kva.example'),
    ('XN--BCHER-KVA.example', 'xn--bcher-kva.example'),
    ('xn--fa-hia.example', 'xn--fa-hia.example'),
    ('straße.de', 'xn--strae-oqa.de'),
    ('u\u0308ber.example', 'xn--ber-goa.example'),  # NFC first: the same name as über.example
])
def test_idna_2008_names(name, stored):
    assert normalize_domain(name) == stored


@pytest.mark.parametrize('name', ['a\u200b.example', '\u200bexample.org', 'xn--zz.example', 'xn--.example',
                                  'xn--bcher-kva\u200d.example', 'ex\u00adample.org', 'ǅ.example'])
def test_invalid_or_invisible_is_refused_not_dropped(name):
    with pytest.raises(InputError, match='IDNA 2008'):
        normalize_domain(name)


def test_addresses_and_catch_alls_use_the_same_rules():
    assert normalize_mailbox('anna@faß.example') == 'anna@xn--fa-hia.example'
    assert normalize_source('@faß.example') == '@xn--fa-hia.example'
    with pytest.raises(InputError, match=r"anna@a\\u200b.example"):
        normalize_mailbox('anna@a\u200b.example')
