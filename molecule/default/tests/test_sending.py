"""Who may send as whom, on 587 (STARTTLS) and 465 (implicit TLS), and port 25 from outside:
the envelope sender (Postfix) and the From header (rspamd, local.d/rspamd.lua)."""

import uuid

import pytest
from helpers import HOSTS, PASSWORDS, in_container

testinfra_hosts = HOSTS

JOHN = "john@example.org"
PORTS = [587, 465]


def _subject(what):
    return "%s %s" % (what, uuid.uuid4().hex[:10])


def _submit(host, port, sender, to="jane@example.net", subject="sending", header_from=None):
    return in_container(host, "submit", port=port, user=JOHN, password=PASSWORDS[JOHN],
                        sender=sender, to=to, subject=subject, header_from=header_from)


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("sender", [JOHN, "jack@example.org", "team@example.org"])
def test_own_address_and_aliases_are_accepted_and_delivered(host, port, sender):
    # jack@ is an alias of john's alone, team@ one of john's and jane's.
    subject = _subject("send-as")
    stage, code, text = _submit(host, port, sender, subject=subject)
    assert (stage, code) == ("data", 250), text
    assert in_container(host, "delivered", mailbox="jane@example.net", subject=subject)


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("sender", [
    "jane@example.net",         # another mailbox
    "ceo@bank.example",         # a foreign address
    "anybody@example.net",      # caught by the catch-all @example.net, whose destination is john
    "outside@example.org",      # an alias of someone else (friend@elsewhere.example)
])
def test_spoofing_is_refused(host, port, sender):
    stage, code, text = _submit(host, port, sender)
    assert stage in ("mail", "rcpt") and code == 553, (stage, code, text)
    assert "not owned by user %s" % JOHN in text


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("sender,header_from", [
    (JOHN, "John Doe <john@example.org>"),          # own address, with a display name
    (JOHN, "JOHN@Example.ORG"),                     # case does not matter
    ("jack@example.org", "jack@example.org"),       # an alias of john's alone
    ("team@example.org", '"The Team" <team@example.org>'),  # an alias of john's and jane's
])
def test_from_header_of_the_envelope_sender_is_accepted(host, port, sender, header_from):
    subject = _subject("from-ok")
    stage, code, text = _submit(host, port, sender, subject=subject, header_from=header_from)
    assert (stage, code) == ("data", 250), text
    assert in_container(host, "delivered", mailbox="jane@example.net", subject=subject)


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("header_from,reason", [
    # another mailbox, a foreign address, one caught by the catch-all @example.net (john's),
    # an alias of someone else: the envelope sender john@ is his, the From header is not.
    ("jane@example.net", "From header address <jane@example.net> is not the envelope sender"),
    ("CEO <ceo@bank.example>", "From header address <ceo@bank.example> is not the envelope sender"),
    ("anybody@example.net", "From header address <anybody@example.net> is not the envelope sender"),
    ("outside@example.org", "From header address <outside@example.org> is not the envelope sender"),
    # an alias john may send as, but not the envelope sender of this message
    ("jack@example.org", "From header address <jack@example.org> is not the envelope sender"),
    # his own address next to another one
    ("john@example.org, jane@example.net", "From header address <jane@example.net> is not"),
    # another address in the display name, plainly or as an encoded word
    ('"ceo@bank.example" <john@example.org>', "display name names <ceo@bank.example>"),
    ("=?utf-8?q?ceo=40bank=2Eexample?= <john@example.org>", "display name names <ceo@bank.example>"),
    # a From header without an address (an empty group)
    ("undisclosed-recipients:;", "Message has no From header address"),
])
def test_from_header_spoofing_is_refused(host, port, header_from, reason):
    subject = _subject("from-spoofed")
    stage, code, text = _submit(host, port, JOHN, subject=subject, header_from=header_from)
    assert (stage, code // 100) == ("data", 5), (stage, code, text)
    assert reason in text and "5.7.1" in text, text
    assert not in_container(host, "delivered", mailbox="jane@example.net", subject=subject, timeout=0)


def test_message_without_from_header_is_refused_by_rspamd(host):
    # Over SMTP from the host's own addresses Postfix's cleanup adds "From: <envelope sender>"
    # (local_header_rewrite_clients) before the milter sees the message; a client elsewhere
    # gets no such header added: ask rspamd directly, as the milter would for that client.
    message = "To: jane@example.net\nSubject: no from\n\nNo From header.\n"
    # The normal worker (11333) scans without a password; the controller wants one (security).
    out = host.check_output("printf %s | rspamc -h localhost:11333 --user %s --from %s", message, JOHN, JOHN)
    assert "Action: reject" in out, out
    assert "smtp_message: Message has no From header address" in out, out


def test_foreign_from_header_on_port_25_is_still_accepted(host):
    # Mail from other servers: the From header is the sender's business (and DMARC's).
    subject = _subject("inbound-from")
    stage, code, text = in_container(host, "send_from_outside", sender="someone@elsewhere.example",
                                     to="jane@example.net", subject=subject, header_from="ceo@bank.example")
    assert (stage, code) == ("data", 250), text
    assert in_container(host, "delivered", mailbox="jane@example.net", subject=subject)


def test_host_may_send_with_any_from_header(host):
    subject = _subject("host-from")
    assert in_container(host, "sendmail", sender="root@example.org", to="jane@example.net",
                        subject=subject, header_from="Cron Daemon <cron@elsewhere.example>")
    assert in_container(host, "delivered", mailbox="jane@example.net", subject=subject)


def test_local_sender_without_login_is_refused_on_port_25(host):
    stage, code, text = in_container(host, "send_from_outside", sender=JOHN, to="jane@example.net",
                                     subject=_subject("spoofed"))
    assert code // 100 == 5 and stage in ("mail", "rcpt"), (stage, code, text)
    assert "log in to send" in text


def test_foreign_sender_on_port_25_is_still_accepted(host):
    subject = _subject("inbound")
    stage, code, text = in_container(host, "send_from_outside", sender="someone@elsewhere.example",
                                     to="jane@example.net", subject=subject)
    assert (stage, code) == ("data", 250), text
    assert in_container(host, "delivered", mailbox="jane@example.net", subject=subject)


def test_submissions_listens_with_implicit_tls(host):
    assert host.check_output("postconf -P submissions/inet/smtpd_tls_wrappermode") == \
        "submissions/inet/smtpd_tls_wrappermode = yes"
