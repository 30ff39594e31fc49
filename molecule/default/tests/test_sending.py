"""Who may send as whom, on 587 (STARTTLS) and 465 (implicit TLS), and port 25 from outside."""

import uuid

import pytest
from helpers import HOSTS, PASSWORDS, in_container

testinfra_hosts = HOSTS

JOHN = "john@example.org"
PORTS = [587, 465]


def _subject(what):
    return "%s %s" % (what, uuid.uuid4().hex[:10])


def _submit(host, port, sender, to="jane@example.net", subject="sending"):
    return in_container(host, "submit", port=port, user=JOHN, password=PASSWORDS[JOHN],
                        sender=sender, to=to, subject=subject)


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
