"""One quota behaviour on Dovecot 2.3 and 2.4 (issue 16): a message announced (SMTP SIZE) as
larger than the room left in a mailbox is refused with 452 before DATA, and one that fits is
delivered. small@example.org (molecule.yml) has a quota of 10 KiB and only these tests' mail."""

import time
import uuid

import pytest
from helpers import HOSTS, in_container

testinfra_hosts = HOSTS

MAILBOX = "small@example.org"
QUOTA = 10240


def _send(host, size):
    """The subject, the stage that answered last, its code and text, and the size sent."""
    subject = "quota-%d-%s" % (size, uuid.uuid4().hex[:8])
    stage, code, text, sent = in_container(host, "send_sized", to=MAILBOX, subject=subject, size=size)
    assert abs(sent - size) < 80
    return subject, stage, code, text


def _assert_refused(host, size):
    subject, stage, code, text = _send(host, size)
    assert stage in ("mail", "rcpt") and code == 452 and "Mailbox is full" in text, (size, stage, code, text)
    assert not in_container(host, "delivered", mailbox=MAILBOX, subject=subject, timeout=0)


def _assert_delivered(host, size):
    subject, stage, code, text = _send(host, size)
    assert (stage, code) == ("data", 250), (size, stage, code, text)
    assert in_container(host, "delivered", mailbox=MAILBOX, subject=subject)


def _used_bytes(host):
    out = host.check_output("doveadm -f flow quota get -u %s", MAILBOX)
    for line in out.splitlines():
        if "Type=STORAGE" in line:
            return int(line.split("Value=")[1].split()[0]) * 1024
    raise AssertionError(out)


@pytest.mark.parametrize("size", [100000, QUOTA + 600])
def test_message_larger_than_the_quota_is_refused_before_data(host, size):
    # 100 kB got into this mailbox on Dovecot 2.4 through its default grace of 10M; QUOTA + 600
    # was within Dovecot 2.3's default grace of 10%. The role sets the same grace (0) on both.
    _assert_refused(host, size)


def test_message_that_fits_is_delivered_and_the_room_left_counts(host):
    _assert_delivered(host, 5000)
    deadline = time.time() + 10
    while _used_bytes(host) < 4096 and time.time() < deadline:
        time.sleep(0.5)  # the delivery's quota update
    # About 5.7 kB used (headers added on the way): 5000 more do not fit, 2000 do.
    _assert_refused(host, 5000)
    _assert_delivered(host, 2000)
