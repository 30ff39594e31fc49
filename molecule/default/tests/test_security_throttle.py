"""Password guessing is slowed down per client address on every port that takes a password:
Postfix's anvil counts AUTH commands on 587 and 465, Dovecot delays failed logins and adds
its auth penalty per address (docs/security.md). Other clients log in as fast as ever."""

import pytest

from helpers import HOSTS, PASSWORDS, PG, in_container

testinfra_hosts = HOSTS
# Where the engine plays no part the default scenario alone checks it.
pytestmark = pytest.mark.skipif(
    PG, reason="the throttles count connections and failures, whatever the engine: the default scenario checks it")

JOHN = "john@example.org"
LIMIT = 10  # ispmail_submission_auth_rate_limit's default


def test_submission_limits_auth_commands_per_client(host):
    assert host.check_output("postconf -P submission/inet/smtpd_client_auth_rate_limit") == \
        "submission/inet/smtpd_client_auth_rate_limit = %d" % LIMIT
    assert host.check_output("postconf -P submissions/inet/smtpd_client_auth_rate_limit") == \
        "submissions/inet/smtpd_client_auth_rate_limit = %d" % LIMIT
    # From the outside address: the first LIMIT logins in a minute pass, then 4xx.
    codes = in_container(host, "auth_burst", port=587, user=JOHN, password=PASSWORDS[JOHN], count=LIMIT + 1)
    assert codes[:LIMIT] == [235] * LIMIT and codes[LIMIT] // 100 == 4, codes
    # Another client (here the host itself) logs in meanwhile.
    assert in_container(host, "submission_login", user=JOHN, password=PASSWORDS[JOHN]) == 235


def test_dovecot_slows_down_failed_logins_per_client(host):
    # 127.0.0.3 guesses; 127.0.0.2 is another client (Dovecot keys its penalty by address).
    times = [in_container(host, "imap_login_timed", user=JOHN, password="wrong-%d" % n, source="127.0.0.3")
             for n in range(3)]
    assert [ok for ok, dummy in times] == [False] * 3
    # auth_failure_delay (2 s, counted in whole seconds), then the penalty grows per failure.
    assert times[0][1] >= 1, times
    assert times[2][1] >= times[0][1] + 1.5, times
    ok, seconds = in_container(host, "imap_login_timed", user=JOHN, password=PASSWORDS[JOHN], source="127.0.0.2")
    assert ok and seconds < 1.8, seconds
