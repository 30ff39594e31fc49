"""rspamd as Postfix's milter: GTUBE refused at SMTP time, probable spam filed into Junk."""

import uuid

import pytest

from helpers import HOSTS, PG, in_container

testinfra_hosts = HOSTS

# rspamd's test strings: X... reaches the reject score, Y... the add_header score.
GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
GTUBE_ADD_HEADER = "Y" + GTUBE[1:]


def _subject(what):
    return "%s %s" % (what, uuid.uuid4().hex[:10])


def test_rspamd_and_redis_run(host):
    for service in ("rspamd", "redis-server"):
        assert host.service(service).is_running
        assert host.service(service).is_enabled


def test_gtube_is_refused_on_port_25(host):
    subject = _subject("gtube")
    stage, code, text = in_container(host, "send_from_outside", sender="spammer@elsewhere.example",
                                     to="jane@example.net", subject=subject, body=GTUBE)
    assert (stage, code // 100) == ("data", 5), (stage, code, text)
    assert not in_container(host, "delivered", mailbox="jane@example.net", subject=subject, timeout=3)


@pytest.mark.skipif(PG, reason="rspamd's test strings are on in the default scenario only")
def test_probable_spam_lands_in_junk(host):
    subject = _subject("probable-spam")
    stage, code, text = in_container(host, "send_from_outside", sender="spammer@elsewhere.example",
                                     to="jane@example.net", subject=subject, body=GTUBE_ADD_HEADER)
    assert (stage, code) == ("data", 250), text
    junk = in_container(host, "delivered", mailbox="jane@example.net", subject=subject, folder="Junk")
    assert len(junk) == 1
    assert "X-Spam: Yes" in host.file(junk[0]).content_string
    assert not in_container(host, "delivered", mailbox="jane@example.net", subject=subject, timeout=1)


def test_ham_stays_in_the_inbox(host):
    subject = _subject("ham")
    stage, code, text = in_container(host, "send_from_outside", sender="friend@elsewhere.example",
                                     to="jane@example.net", subject=subject)
    assert (stage, code) == ("data", 250), text
    assert in_container(host, "delivered", mailbox="jane@example.net", subject=subject)
    assert not in_container(host, "delivered", mailbox="jane@example.net", subject=subject, timeout=1,
                            folder="Junk")
