"""Fail closed: while rspamd does not answer, mail is deferred with a 4xx on 587, 465 and 25
(the sender retries), never passed on unchecked and unsigned (docs/outbound-mail.md)."""

import pytest
from helpers import HOSTS, PASSWORDS, PG, in_container

testinfra_hosts = HOSTS
# rspamd and Postfix alone play a part: the default scenario checks it (logins: test_sending.py).
pytestmark = pytest.mark.skipif(PG, reason="no SQL involved: the default scenario checks it")

JOHN = "john@example.org"


@pytest.mark.exclusive
def test_mail_is_deferred_while_rspamd_is_down(host):
    assert host.check_output("postconf -h milter_default_action") == "tempfail"
    host.run_expect([0], "systemctl stop rspamd")
    try:
        results = {port: in_container(host, "try_send", port=port, user=JOHN, password=PASSWORDS[JOHN],
                                      subject="rspamd-down")
                   for port in (587, 465, 25)}
    finally:
        host.run_expect([0], "systemctl start rspamd")
        # rspamd answers again before the next test (its rules are compiled already).
        host.run_expect([0], "timeout 120 bash -c 'until (echo > /dev/tcp/127.0.0.1/11332) 2>/dev/null; do sleep 0.5; done'")
    for port, (stage, code, text) in results.items():
        assert code // 100 == 4, (port, stage, code, text)
    assert not in_container(host, "delivered", mailbox="jane@example.net", subject="rspamd-down", timeout=2)
