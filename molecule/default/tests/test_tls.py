"""TLS: after side_effect.yml the services use the certificate the user named."""

import pytest

from helpers import HOSTS, PG, in_container

testinfra_hosts = HOSTS
# Where the engine plays no part the default scenario alone checks it.
pytestmark = pytest.mark.skipif(
    PG, reason="TLS certificates involve no SQL: the default scenario checks it")

SNAKEOIL = "/etc/ssl/certs/ssl-cert-snakeoil.pem"


def test_named_certificate_is_served(host):
    assert in_container(host, "served_certificates", pem_file=SNAKEOIL) == {
        "imaps": True, "smtp-25": True, "smtp-587": True}


def test_self_signed_certificate_was_made(host):
    # converge had no certificate: the role made one, kept for a switch back.
    assert host.file("/etc/ssl/certs/ispmail-selfsigned.pem").is_file
    key = host.file("/etc/ssl/private/ispmail-selfsigned.key")
    assert (key.user, key.mode) == ("root", 0o600)
