"""Mail as a user sees it: SMTP on port 25 and 587, delivery into the Maildir, IMAP."""

import uuid

from helpers import HOSTS, PASSWORDS, in_container

testinfra_hosts = HOSTS


def _subject(name):
    return "%s-%s" % (name, uuid.uuid4().hex[:8])


def test_mail_for_a_user_lands_in_the_maildir_and_imap_sees_it(host):
    subject = _subject("direct")
    assert in_container(host, "send", to="john@example.org", subject=subject)[0] == 250
    files = in_container(host, "delivered", mailbox="john@example.org", subject=subject)
    assert len(files) == 1 and files[0].startswith("/var/vmail/example.org/john/Maildir/new/")
    assert in_container(host, "imap_count", user="john@example.org",
                        password=PASSWORDS["john@example.org"], subject=subject) == 1
    assert in_container(host, "imap_login", user="john@example.org", password="wrong-password") is False


def test_mail_for_an_alias_lands_with_its_destination(host):
    subject = _subject("alias")
    assert in_container(host, "send", to="jack@example.org", subject=subject)[0] == 250
    assert in_container(host, "delivered", mailbox="john@example.org", subject=subject)


def test_alias_with_two_destinations_reaches_both(host):
    subject = _subject("team")
    assert in_container(host, "send", to="team@example.org", subject=subject)[0] == 250
    assert in_container(host, "delivered", mailbox="john@example.org", subject=subject)
    assert in_container(host, "delivered", mailbox="jane@example.net", subject=subject)


def test_catch_all_and_the_real_mailbox_next_to_it(host):
    caught, own = _subject("catchall"), _subject("own")
    assert in_container(host, "send", to="anything@example.net", subject=caught)[0] == 250
    assert in_container(host, "send", to="jane@example.net", subject=own)[0] == 250
    assert in_container(host, "delivered", mailbox="john@example.org", subject=caught)
    assert in_container(host, "delivered", mailbox="jane@example.net", subject=own)
    assert not in_container(host, "delivered", mailbox="john@example.org", subject=own, timeout=0)


def test_alias_to_an_outside_address_is_accepted(host):
    assert in_container(host, "rcpt", to="outside@example.org")[0] == 250


def test_unknown_local_part_is_refused(host):
    code, text = in_container(host, "rcpt", to="nobody@example.org")
    assert code == 550, text


def test_full_mailbox_gets_452_at_rcpt(host):
    assert in_container(host, "fill_mailbox", mailbox="full@example.org", size=4000)
    code, text = in_container(host, "rcpt", to="full@example.org")
    assert code == 452 and "Mailbox is full" in text, text
    assert in_container(host, "rcpt", to="john@example.org")[0] == 250


def test_no_open_relay(host):
    # From the container's own network address, which is not in mynetworks.
    outside = in_container(host, "outside_address")
    for to in ("someone@unknown.example", "someone@gmail.com"):
        code, text = in_container(host, "rcpt", to=to, server=outside)
        assert code in (454, 554) and "Relay access denied" in text, text


def test_deleted_user_is_refused(host):
    # side_effect.yml deleted doomed@example.org with ispmail_user.
    code, text = in_container(host, "rcpt", to="doomed@example.org")
    assert code == 550, text
    assert host.run("doveadm auth test doomed@example.org doomed-Secret-1").rc != 0


def test_submission_needs_and_accepts_the_password(host):
    user = "john@example.org"
    assert in_container(host, "submission_login", user=user, password=PASSWORDS[user]) == 235
    assert in_container(host, "submission_login", user=user, password="wrong-password") == 535
