"""TLS on the ports that take a password (465, 587, 993, 143 after STARTTLS): Mozilla's
"intermediate" profile, TLS 1.2 and 1.3, no anonymous and no CBC suites; port 25 wider
(docs/security.md). The client offers at SECLEVEL 0, so a refusal is the server's."""

import pytest
from helpers import HOSTS, in_container

testinfra_hosts = HOSTS

PASSWORD_PORTS = [465, 587, 993, 143]
GOOD = "ECDHE-RSA-AES128-GCM-SHA256"
REFUSED = [
    ("TLSv1", None),                          # old protocol versions
    ("TLSv1_1", None),
    ("TLSv1_2", "ADH-AES256-GCM-SHA384"),     # anonymous: no server certificate at all
    ("TLSv1_2", "ECDHE-RSA-AES128-SHA"),      # CBC suites
    ("TLSv1_2", "ECDHE-RSA-AES256-SHA384"),
]


def _handshake(host, port, version, cipher=None):
    return in_container(host, "tls_handshake", port=port, version=version, cipher=cipher)


@pytest.mark.parametrize("port", PASSWORD_PORTS)
def test_tls_12_and_13_with_aead_suites_are_accepted(host, port):
    assert _handshake(host, port, "TLSv1_3")[:2] == [True, "TLSv1.3"]
    assert _handshake(host, port, "TLSv1_2", GOOD) == [True, "TLSv1.2", GOOD]


@pytest.mark.parametrize("port", PASSWORD_PORTS)
@pytest.mark.parametrize("version,cipher", REFUSED)
def test_weak_tls_is_refused(host, port, version, cipher):
    accepted, protocol, detail = _handshake(host, port, version, cipher)
    assert not accepted, (protocol, detail)


def test_port_25_stays_wide_for_opportunistic_tls(host):
    # What docs/security.md states for port 25: Postfix's defaults, TLS 1.0 to 1.3, CBC and
    # anonymous suites too (a sending server that cannot do better still encrypts).
    assert _handshake(host, 25, "TLSv1_3")[0]
    assert _handshake(host, 25, "TLSv1_2", GOOD)[0]
    assert _handshake(host, 25, "TLSv1_2", "ECDHE-RSA-AES128-SHA")[0]
    assert _handshake(host, 25, "TLSv1", None)[0]
    assert _handshake(host, 25, "TLSv1_2", "ADH-AES256-GCM-SHA384")[0]
