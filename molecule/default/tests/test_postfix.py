"""Postfix's lookup files and what postmap answers from them."""

import pytest
from helpers import HOSTS, LOOKUP_PASSWORD, MAP_TYPE, map_file, postmap

testinfra_hosts = HOSTS

MAPS = ["virtual-mailbox-domains", "virtual-mailbox-maps", "virtual-alias-maps", "email2email"]


@pytest.mark.parametrize("name", MAPS)
def test_lookup_file(host, name):
    f = host.file(map_file(host, name))
    assert f.is_file
    assert (f.user, f.group, f.mode) == ("root", "postfix", 0o640)
    # side_effect.yml changed the password: every file has the new one.
    assert "password = %s\n" % LOOKUP_PASSWORD in f.content_string


def test_postmap_domain(host):
    assert postmap(host, "example.org", "virtual-mailbox-domains").stdout.strip() == "1"
    assert postmap(host, "unknown.example", "virtual-mailbox-domains").stdout.strip() == ""


def test_postmap_mailbox(host):
    assert postmap(host, "john@example.org", "virtual-mailbox-maps").stdout.strip() == "1"
    assert postmap(host, "nobody@example.org", "virtual-mailbox-maps").stdout.strip() == ""


def test_postmap_alias(host):
    assert postmap(host, "jack@example.org", "virtual-alias-maps").stdout.strip() == "john@example.org"
    team = postmap(host, "team@example.org", "virtual-alias-maps").stdout.strip()
    assert sorted(team.split(",")) == ["jane@example.net", "john@example.org"]


def test_postmap_email2email(host):
    assert postmap(host, "jane@example.net", "email2email").stdout.strip() == "jane@example.net"


def test_main_cf_uses_the_files(host):
    maps = host.check_output("postconf -h virtual_alias_maps")
    assert maps == "{0}:{1},{0}:{2}".format(MAP_TYPE, map_file(host, "virtual-alias-maps"), map_file(host, "email2email"))
    assert host.check_output("postconf -h virtual_transport") == "lmtp:unix:private/dovecot-lmtp"
