"""Suspension (docs/account-lifecycle.md): side_effect.yml suspended the domain
suspended.example and the mailbox sam@example.org, and suspended rita@example.org and lifted it
again, with the modules. A suspended mailbox, and every one of a suspended domain, cannot log in
over IMAP or submission, and still receives its mail. Logins that must fail come from their own
loopback address: Dovecot's penalty for failed logins is kept per client address."""

import uuid

import pytest
from helpers import HOSTS, in_container, sql

testinfra_hosts = HOSTS

PASSWORD = "Suspended-Secret-1"
LOCKED_OUT = ["sam@example.org", "ann@suspended.example", "bob@suspended.example"]


def test_the_role_gave_the_tables_their_enabled_and_plan_columns(host):
    # Default scenario: a database of an older edition (prepare.yml); PostgreSQL: side_effect.yml
    # dropped the columns before the role's second run.
    count = sql(host, "SELECT COUNT(*) FROM information_schema.columns WHERE table_name IN "
                      "('virtual_domains', 'virtual_users') AND column_name = 'enabled'")
    assert count == "2"
    count = sql(host, "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'virtual_domains' "
                      "AND column_name IN ('max_users', 'max_aliases', 'max_quota', 'default_quota')")
    assert count == "4"


def test_a_domains_plan_gave_its_new_mailboxes_the_default_quota(host):
    # side_effect.yml: suspended.example allows two mailboxes of 1G by default; a third was refused.
    rows = sql(host, "SELECT email, quota FROM virtual_users WHERE email LIKE '%@suspended.example' ORDER BY email")
    assert rows.replace("|", " ").split() == [
        "ann@suspended.example", "1073741824", "bob@suspended.example", "1073741824"]


@pytest.mark.parametrize("user,source", zip(LOCKED_OUT, ["127.0.0.7", "127.0.0.8", "127.0.0.9"]))
def test_a_suspended_mailbox_cannot_log_in(host, user, source):
    ok, dummy = in_container(host, "imap_login_timed", user=user, password=PASSWORD, source=source)
    assert ok is False
    assert in_container(host, "submission_login", user=user, password=PASSWORD, source=source) == 535


@pytest.mark.parametrize("user", LOCKED_OUT)
def test_a_suspended_mailbox_still_receives_mail(host, user):
    subject = "while suspended %s" % uuid.uuid4().hex
    in_container(host, "send", to=user, subject=subject)
    assert in_container(host, "delivered", mailbox=user, subject=subject)


def test_lifting_the_suspension_restores_the_login_with_the_same_password(host):
    ok, dummy = in_container(host, "imap_login_timed", user="rita@example.org", password=PASSWORD,
                             source="127.0.0.10")
    assert ok is True
    assert in_container(host, "submission_login", user="rita@example.org", password=PASSWORD,
                        source="127.0.0.10") == 235
