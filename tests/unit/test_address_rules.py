"""Address and domain rules: normalized forms, and clear refusals."""
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import (
    check_length, normalize_address, normalize_domain, normalize_mailbox, normalize_source)
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError


@pytest.mark.parametrize('value,expected', [
    ('example.org', 'example.org'), ('Example.ORG', 'example.org'), ('Bücher.example', 'xn--bcher-kva.example'),
    ('xn--bcher-kva.example', 'xn--bcher-kva.example'), ('a-b.example', 'a-b.example'),
    ('example.org.', 'example.org'),
])
def test_domains(value, expected):
    assert normalize_domain(value) == expected


@pytest.mark.parametrize('value,fragment', [
    ('', 'empty'), ('exa mple.org', 'space'), ('example..org', 'empty label'), ('-a.example', "start or end"),
    ('a-.example', 'start or end'), ("ex'ample.org", 'label'), ('localhost', 'two labels'),
    ('a\x00b.example', 'control'), ('192.168.0.1', 'IP address'), ('a' * 64 + '.example', 'label'),
])
def test_bad_domains(value, fragment):
    with pytest.raises(InputError, match=fragment):
        normalize_domain(value)


@pytest.mark.parametrize('value,expected', [
    ('John.Doe@Example.org', 'john.doe@example.org'), ('a_b-c@bücher.example', 'a_b-c@xn--bcher-kva.example'),
])
def test_mailboxes(value, expected):
    assert normalize_mailbox(value) == expected


@pytest.mark.parametrize('value', [
    'john', '@example.org', 'a@b@example.org', 'jo hn@example.org', 'john.@example.org', '.john@example.org',
    'jo..hn@example.org', "o'neil@example.org", 'jo"hn@example.org', 'jöhn@example.org', 'a+b@example.org',
    'a%b@example.org', 'x' * 65 + '@example.org', 'john@example..org', 'john@-example.org', 'john\n@example.org',
])
def test_bad_mailboxes(value):
    with pytest.raises(InputError):
        normalize_mailbox(value)


def test_alias_addresses_allow_tags_but_not_routing_characters():
    assert normalize_address('Sales+EU@example.org') == 'sales+eu@example.org'
    for bad in ('a%b@example.org', 'a!b@example.org', 'a/b@example.org', 'a|b@example.org', "a'b@example.org"):
        with pytest.raises(InputError):
            normalize_address(bad)


def test_catch_all_sources():
    assert normalize_source('@Bücher.example') == '@xn--bcher-kva.example'
    with pytest.raises(InputError):
        normalize_source('@')


def test_length_against_the_column():
    check_length('a' * 50, 50, 'domain')
    with pytest.raises(InputError, match='at most 50'):
        check_length('a' * 51, 50, 'domain')
