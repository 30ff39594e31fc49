"""DKIM: rspamd signs with the key ispmail_dkim put in place (converge.yml), and the signature
verifies against the record the module returned; ispmail_info's DNS records match."""

import json
import uuid

import pytest

from helpers import HOSTS, PASSWORDS, PG, in_container

testinfra_hosts = HOSTS
# Signing runs no SQL; the key comes from the default scenario's converge.yml.
pytestmark = pytest.mark.skipif(PG, reason="DKIM is verified by the default (MariaDB) scenario")


def _records(host):
    return json.loads(host.file("/root/dns-records.json").content_string)


def _subject(what):
    return "%s %s" % (what, uuid.uuid4().hex[:10])


@pytest.mark.parametrize("port", [587, 465])
def test_mail_of_a_logged_in_user_is_signed(host, port):
    record = _records(host)["dkim"]
    assert record["name"] == "molecule._domainkey.example.org"
    subject = _subject("signed")
    stage, code, text = in_container(host, "submit", port=port, user="john@example.org",
                                     password=PASSWORDS["john@example.org"], sender="john@example.org",
                                     to="jane@example.net", subject=subject)
    assert (stage, code) == ("data", 250), text
    found = in_container(host, "delivered", mailbox="jane@example.net", subject=subject)
    assert len(found) == 1
    assert in_container(host, "dkim_verify", path=found[0], record=record["value"]) == \
        [True, "example.org", "molecule"]


def test_mail_of_a_domain_without_key_is_not_signed(host):
    subject = _subject("unsigned")
    stage, code, text = in_container(host, "submit", port=587, user="jane@example.net",
                                     password=PASSWORDS["jane@example.net"], sender="jane@example.net",
                                     to="john@example.org", subject=subject)
    assert (stage, code) == ("data", 250), text
    found = in_container(host, "delivered", mailbox="john@example.org", subject=subject)
    assert "DKIM-Signature:" not in host.file(found[0]).content_string


def test_info_returns_the_records_of_a_domain(host):
    records = _records(host)
    by_name = {}
    for record in records["info"]:
        by_name.setdefault((record["name"], record["type"]), []).append(record["value"])
    assert by_name[("example.org", "MX")] == ["10 mail.example.org."]
    assert by_name[("example.org", "TXT")] == ["v=spf1 mx ~all"]
    assert by_name[("_dmarc.example.org", "TXT")] == ["v=DMARC1; p=none"]
    assert by_name[("molecule._domainkey.example.org", "TXT")] == [records["dkim"]["value"]]


def test_key_file_is_rspamds_alone(host):
    key = host.file("/var/lib/rspamd/dkim/example.org.molecule.key")
    assert (key.user, key.mode) == ("_rspamd", 0o600)
    assert host.file("/var/lib/rspamd/dkim/selectors.map").content_string == "example.org molecule\n"
