"""One quota behaviour on Dovecot 2.3 and 2.4 (issue 16): a message announced (SMTP SIZE) as
larger than the room left in a mailbox is refused with 452 before DATA, and one that fits is
delivered. small@example.org (molecule.yml) has a quota of 10 KiB and no other mail."""

import uuid

import pytest
from helpers import HOSTS, in_container

testinfra_hosts = HOSTS

MAILBOX = "small@example.org"
QUOTA = 10240


@pytest.mark.parametrize("size", [100000, QUOTA + 600])
def test_message_over_the_quota_is_refused_before_data(host, size):
    # 100 kB got into this mailbox on Dovecot 2.4 through its default grace of 10M; QUOTA + 600
    # is within Dovecot 2.3's default grace of 10%: the role sets no grace on either.
    subject = "over-%d-%s" % (size, uuid.uuid4().hex[:8])
    stage, code, text, sent = in_container(host, "send_sized", to=MAILBOX, subject=subject, size=size)
    assert sent > QUOTA
    assert stage in ("mail", "rcpt") and code == 452 and "Mailbox is full" in text, (stage, code, text)
    assert not in_container(host, "delivered", mailbox=MAILBOX, subject=subject, timeout=0)


def test_message_that_fits_is_delivered(host):
    subject = "fits-%s" % uuid.uuid4().hex[:8]
    stage, code, text, sent = in_container(host, "send_sized", to=MAILBOX, subject=subject, size=4000)
    assert sent < QUOTA / 2
    assert (stage, code) == ("data", 250), text
    assert in_container(host, "delivered", mailbox=MAILBOX, subject=subject)
