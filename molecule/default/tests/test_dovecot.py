"""Dovecot: its version's syntax, users from MariaDB, password checks, secret files."""

import pytest
from helpers import HOSTS, PASSWORDS, release

testinfra_hosts = HOSTS


def test_config_for_the_installed_version(host):
    version = host.check_output("dovecot --version")
    assert version.startswith("2.3." if release(host) == 12 else "2.4.")
    assert host.run("doveconf -n").rc == 0
    assert host.service("dovecot").is_running


@pytest.mark.parametrize("user", sorted(PASSWORDS))
def test_auth_with_password(host, user):
    # john: BLF-CRYPT, jane: ARGON2ID (both by the module), oldtimer: SHA512-CRYPT (legacy row)
    assert host.run("doveadm auth test %s %s", user, PASSWORDS[user]).rc == 0
    assert host.run("doveadm auth test %s %s", user, "wrong-password").rc != 0


def test_userdb(host):
    out = host.check_output("doveadm user john@example.org")
    assert "/var/vmail/example.org/john" in out
    assert host.run("doveadm user nobody@example.org").rc != 0


def test_user_iteration(host):
    users = host.check_output("doveadm user '*'").split()
    assert "john@example.org" in users and "jane@example.net" in users
    assert "doomed@example.org" not in users  # deleted in side_effect.yml


def test_sql_file_is_not_world_readable(host):
    path = "/etc/dovecot/dovecot-sql.conf.ext" if release(host) == 12 else "/etc/dovecot/conf.d/99-ispmail-sql.conf"
    f = host.file(path)
    assert (f.user, f.group, f.mode) == ("root", "dovecot", 0o640)
