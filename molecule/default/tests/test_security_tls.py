"""TLS on the ports that take a password (465, 587, 993, 143 after STARTTLS): Mozilla's
"intermediate" profile, TLS 1.2 and 1.3, no anonymous and no CBC suites; port 25 wider
(docs/security.md). The client offers at SECLEVEL 0, so a refusal is the server's."""

import json
import os
import tempfile

import pytest
from helpers import HOSTS, PG, in_container

testinfra_hosts = HOSTS
# Where the engine plays no part the default scenario alone checks it.
pytestmark = pytest.mark.skipif(
    PG, reason="the TLS protocols and suites involve no SQL: the default scenario checks it")

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
    # Port 25 keeps Postfix's defaults (docs/security.md): TLS 1.2 and 1.3 work; what else it
    # accepts (old versions, CBC, anonymous suites) is measured and kept in
    # $TMPDIR/ispmail-port25-tls-<host>.json on the controller for the docs.
    assert _handshake(host, 25, "TLSv1_3")[0]
    assert _handshake(host, 25, "TLSv1_2", GOOD)[0]
    measured = {"%s %s" % (version, cipher or ""): _handshake(host, 25, version, cipher)[:2]
                for version, cipher in REFUSED}
    name = "ispmail-port25-tls-%s.json" % host.backend.get_pytest_id().replace("/", "_")
    with open(os.path.join(tempfile.gettempdir(), name), "w", encoding="utf-8") as f:
        json.dump(measured, f, indent=1)
