"""Forged From headers on port 25 (security): mail from outside whose From header names one of
our domains needs a valid DKIM signature of that domain (local.d/rspamd.lua, the domain list
written by the ispmail-rspamd-domains timer); mail the host sends itself is signed only for
ispmail_dkim_local_senders (molecule.yml: mail.example.org and cron@example.org)."""

import json
import uuid

import pytest
from helpers import HOSTS, PG, SPOOFED_FROM_ACTION, in_container

testinfra_hosts = HOSTS

KEY = ["example.org", "molecule", "/var/lib/rspamd/dkim/example.org.molecule.key"]
# The default scenario makes example.org's key (converge.yml) and gives rspamd its DNS record.
needs_key = pytest.mark.skipif(PG, reason="the DKIM key is the default scenario's (converge.yml)")


def _subject(what):
    return "%s %s" % (what, uuid.uuid4().hex[:10])


def _from_outside(host, header_from, subject, **kwargs):
    return in_container(host, "send_from_outside", sender="someone@elsewhere.example", to="jane@example.net",
                        subject=subject, header_from=header_from, **kwargs)


@pytest.mark.parametrize("header_from,domain", [
    ("CEO <ceo@example.org>", "example.org"),
    ("ceo@example.net", "example.net"),           # a domain without a DKIM key is ours all the same
    ("Boss <BOSS@Example.ORG>", "example.org"),   # case does not matter
    ("friend@bank.example, ceo@example.org", "example.org"),  # one address of ours is enough
])
def test_our_domain_in_from_without_dkim_is_refused_or_junked(host, header_from, domain):
    subject = _subject("forged-from")
    stage, code, text = _from_outside(host, header_from, subject)
    if SPOOFED_FROM_ACTION == "reject":
        assert (stage, code) == ("data", 554), (stage, code, text)
        assert "5.7.1" in text and "no valid DKIM signature of %s" % domain in text, text
        assert not in_container(host, "delivered", mailbox="jane@example.net", subject=subject, timeout=2)
    else:
        assert (stage, code) == ("data", 250), text
        assert in_container(host, "delivered", mailbox="jane@example.net", subject=subject, folder="Junk")
        assert not in_container(host, "delivered", mailbox="jane@example.net", subject=subject, timeout=0)


@needs_key
def test_our_domain_in_from_with_a_valid_signature_is_delivered(host):
    subject = _subject("signed-from-outside")
    stage, code, text = _from_outside(host, "CEO <ceo@example.org>", subject, dkim_key=KEY)
    assert (stage, code) == ("data", 250), text
    assert in_container(host, "delivered", mailbox="jane@example.net", subject=subject)


@needs_key
def test_a_broken_signature_is_no_signature(host):
    subject = _subject("tampered-from-outside")
    stage, code, text = _from_outside(host, "CEO <ceo@example.org>", subject, dkim_key=KEY, tamper=True)
    assert (stage, code) == ("data", 554), (stage, code, text)
    assert "no valid DKIM signature of example.org" in text, text


@needs_key
def test_a_signature_of_another_domain_does_not_vouch_for_ours(host):
    # Signed with example.org's key but From example.net: d=example.org does not cover it.
    subject = _subject("other-domain-signature")
    stage, code, text = _from_outside(host, "ceo@example.net", subject, dkim_key=KEY)
    assert (stage, code) == ("data", 554), (stage, code, text)
    assert "no valid DKIM signature of example.net" in text, text


def test_domain_list_holds_the_domains_and_is_kept_current(host):
    listed = host.file("/etc/rspamd/local.d/ispmail-domains.map")
    assert (listed.user, listed.group, listed.mode) == ("root", "_rspamd", 0o640)
    assert {"example.org", "example.net"} <= set(listed.content_string.split())
    settings = host.file("/etc/ispmail/rspamd-domains.json")
    assert (settings.user, settings.mode) == ("root", 0o600)
    assert json.loads(settings.content_string)["user"] == "mailserver"
    assert host.service("ispmail-rspamd-domains.timer").is_enabled
    assert host.service("ispmail-rspamd-domains.timer").is_running
    # The timer's run reads the database (the rotated lookup password of side_effect.yml) and
    # leaves an unchanged list as it is.
    host.check_output("systemctl start ispmail-rspamd-domains.service")
    assert host.file("/etc/rspamd/local.d/ispmail-domains.map").content_string == listed.content_string


def test_mail_the_host_sends_for_an_unlisted_sender_is_delivered_unsigned(host):
    # root@example.org is not in ispmail_dkim_local_senders: a local process (a web
    # application, a compromised script) gets no signature of the hosted domain.
    subject = _subject("local-unlisted")
    assert in_container(host, "sendmail", sender="root@example.org", to="jane@example.net", subject=subject)
    found = in_container(host, "delivered", mailbox="jane@example.net", subject=subject)
    assert len(found) == 1
    assert "DKIM-Signature:" not in host.file(found[0]).content_string


@needs_key
def test_mail_the_host_sends_for_a_listed_sender_is_signed(host):
    record = json.loads(host.file("/root/dns-records.json").content_string)["dkim"]
    subject = _subject("local-listed")
    assert in_container(host, "sendmail", sender="root@example.org", to="jane@example.net", subject=subject,
                        header_from="Cron Daemon <cron@example.org>")
    found = in_container(host, "delivered", mailbox="jane@example.net", subject=subject)
    assert len(found) == 1
    assert in_container(host, "dkim_verify", path=found[0], record=record["value"]) == \
        [True, "example.org", "molecule"]
