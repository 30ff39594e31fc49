"""Deletion with a grace period (docs/account-lifecycle.md): side_effect.yml removed
kept@example.org with mail_retention after Dovecot filed a message for it, and made it again
with restore_mail: Dovecot finds the message again. The role's daily timer removes retained
mail whose time has passed, as the mail user, and nothing else."""

import pytest
from helpers import HOSTS, PG

testinfra_hosts = HOSTS

AREA = "/var/vmail/.retained"


def test_the_restored_mailbox_has_its_mail_again(host):
    found = host.check_output('doveadm search -u kept@example.org mailbox INBOX SUBJECT "kept over the grace period"')
    assert len(found.splitlines()) == 1
    assert host.run("test -e %s/kept@example.org", AREA).rc != 0


@pytest.mark.skipif(PG, reason="the timer reads files, not SQL: the default scenario checks it")
def test_the_purge_timer_is_there_and_removes_only_what_is_due(host):
    timer = host.service("ispmail-purge-retained.timer")
    assert timer.is_enabled and timer.is_running
    due = AREA + "/gone@example.org/20200101T000000Z_20200131T000000Z"
    later = AREA + "/later@example.org/20200101T000000Z_29991231T000000Z"
    host.check_output("install -d -o vmail -g vmail -m 0700 %s %s %s/Maildir/cur %s/Maildir/cur",
                      AREA + "/gone@example.org", AREA + "/later@example.org", due, later)
    host.check_output("chown -R vmail:vmail %s", AREA)
    host.check_output("systemctl start ispmail-purge-retained.service")
    assert host.run("test -e %s", due).rc != 0
    assert host.file(later).is_directory
    host.check_output("rm -rf %s", AREA + "/later@example.org")
