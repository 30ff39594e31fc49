"""Logins: AUTH only on 587 and 465, never on the MX port 25; Dovecot refuses passwords
without TLS (ssl = required, cleartext logins off), on every version the role supports."""

import imaplib

import pytest
from helpers import HOSTS, PASSWORDS, in_container, release

testinfra_hosts = HOSTS

JOHN = "john@example.org"


@pytest.mark.parametrize("server", ["127.0.0.1", None])  # None: the container's outside address
def test_port_25_offers_no_auth_even_after_starttls(host, server):
    features = in_container(host, "smtp_features", port=25, server=server)
    assert "starttls" not in features  # already in TLS: the EHLO after STARTTLS
    assert "auth" not in features, features


@pytest.mark.parametrize("port", [587, 465])
def test_submission_ports_offer_auth(host, port):
    features = in_container(host, "smtp_features", port=port)
    assert "auth" in features, features


def test_dovecot_requires_tls(host):
    assert host.check_output("doveconf -h ssl") == "required"
    if release(host) == 12:
        assert host.check_output("doveconf -h disable_plaintext_auth") == "yes"
    else:
        assert host.check_output("doveconf -h auth_allow_cleartext") == "no"


def imap_plain_login(address, user, password):
    """IMAP on address:143 without TLS: [capabilities, answer to LOGIN]."""
    imap = imaplib.IMAP4(address, 143, timeout=30)
    try:
        caps = sorted(imap.capabilities)
        try:
            answer = imap.login(user, password)[0]
        except imaplib.IMAP4.error as e:
            answer = "NO " + str(e)
        return [caps, answer]
    finally:
        imap.shutdown()


def test_imap_without_tls_refuses_the_password(host):
    # From the test host: Dovecot counts loopback, and a client on the server's own address, as
    # secured, so neither shows what a client elsewhere gets.
    caps, answer = imap_plain_login(in_container(host, "outside_address"), JOHN, PASSWORDS[JOHN])
    assert "LOGINDISABLED" in caps and "STARTTLS" in caps, caps
    assert answer.startswith("NO"), answer
