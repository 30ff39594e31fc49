"""Renames (entities/renames.py, users.plan with rename_from) and quota usage (host/doveadm.py's
parser, entities/quota_usage.py), without a database or a Dovecot. test_lifecycle.py runs the
same against real ones."""
import os

import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities import users
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.quota_usage import usage_of, usage_problems
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.renames import (
    normalize_renames, plan_alias_rewrites)
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.users import UserCurrent, UserRow
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, PlanError
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.doveadm import Doveadm, end_sessions, parse_quota_table
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildir_move import merge_tree

HASH = '{BLF-CRYPT}$2y$05$stored'
IDS = {'example.org': 1, 'example.net': 2}


def item(email, rename_from=None, **extra):
    return dict(dict(email=email, rename_from=rename_from, state='present', password=None, password_hash=None,
                     password_scheme='BLF-CRYPT', update_password='always', quota=None), **extra)


def current(*rows, alias_rows=()):
    return UserCurrent(IDS, dict((row.email, row) for row in rows), frozenset(), True, alias_rows)


def test_a_rename_moves_the_row_and_the_aliases_then_changes_nothing():
    now = current(UserRow(5, 1, 'old@example.org', HASH, 100),
                  alias_rows=[(1, 'sales@example.org', 'old@example.org'), (2, 'team@example.org', 'Old@example.org'),
                              (3, 'team@example.org', 'new@example.net')])
    wanted = [item('new@example.net', 'old@example.org')]
    plan = users.plan(now, wanted, False)
    assert plan.set_email == [('new@example.net', 2, 5)] and not plan.insert and not plan.set_password
    assert plan.renames == [('old@example.org', 'new@example.net')]
    assert plan.alias_updates == [('new@example.net', 1)] and plan.alias_deletes == [(2,)]
    assert plan.report.outcomes() == {'new@example.net': 'updated'}
    again = users.plan(users.applied(now, plan), wanted, False)
    assert not again.report.changed and not again.alias_updates and not again.alias_deletes


def test_a_rename_with_both_addresses_present_is_a_conflict():
    now = current(UserRow(5, 1, 'old@example.org', HASH, 0), UserRow(6, 1, 'new@example.org', HASH, 0))
    with pytest.raises(PlanError, match="both exist"):
        users.plan(now, [item('new@example.org', 'old@example.org')], False)


def test_exclusive_does_not_remove_the_renamed_row():
    now = current(UserRow(5, 1, 'old@example.org', HASH, 0), UserRow(6, 1, 'other@example.org', HASH, 0))
    plan = users.plan(now, [item('new@example.org', 'old@example.org')], True)
    assert plan.delete == [(6,)] and plan.removed == ['other@example.org']


def test_without_the_old_address_the_item_is_an_ordinary_one():
    plan = users.plan(current(), [item('new@example.org', 'old@example.org', password_hash=HASH)], False)
    assert plan.report.outcomes() == {'new@example.org': 'created'} and not plan.renames


@pytest.mark.parametrize('items, message', [
    ([item('new@example.org', 'old@example.org', state='absent')], 'state=present'),
    ([item('a@example.org', 'old@example.org'), item('b@example.org', 'old@example.org')], 'rename_from'),
    ([item('a@example.org', 'old@example.org'), item('old@example.org')], 'list it once'),
    ([item('a@example.org', 'not an address')], 'rename_from'),
])
def test_bad_renames_are_refused(items, message):
    with pytest.raises(InputError, match=message):
        normalize_renames(items)


def test_an_alias_forwarding_to_both_keeps_one_row():
    rows = [(1, 'a@example.org', 'old@example.org'), (2, 'a@example.org', 'new@example.org')]
    assert plan_alias_rewrites(rows, [('old@example.org', 'new@example.org')]) == ([], [(1,)])


TABLE = ('Username\tQuota name\tType\tValue\tLimit\t%\n'
         'john@example.org\tUser quota\tSTORAGE\t950\t1000\t95\n'
         'john@example.org\tUser quota\tMESSAGE\t3\t-\t0\n'
         'john@example.org\tOther\tSTORAGE\t5\t10\t50\n'
         'jane@example.org\tUser quota\tSTORAGE\t0\t-\t0\n'
         'jane@example.org\tUser quota\tMESSAGE\t0\t-\t0\n')


def test_doveadm_quota_table_is_read_in_bytes_first_root_only():
    usage = parse_quota_table(TABLE)
    assert usage['john@example.org'] == {'bytes': 950 * 1024, 'messages': 3, 'limit_bytes': 1000 * 1024,
                                         'limit_messages': None}
    assert usage['jane@example.org'] == {'bytes': 0, 'messages': 0, 'limit_bytes': None, 'limit_messages': None}


@pytest.mark.parametrize('used, threshold, kinds', [
    (950, 90, ['quota_nearly_full']), (950, 96, []), (1000, 90, ['quota_full']), (0, 90, [])])
def test_usage_problems_at_the_threshold(used, threshold, kinds):
    usage = usage_of({'bytes': used, 'messages': 1, 'limit_bytes': 1000, 'limit_messages': None})
    assert [p['type'] for p in usage_problems('john@example.org', usage, threshold)] == kinds
    assert usage_of({'bytes': 5, 'messages': 1, 'limit_bytes': None, 'limit_messages': None})['percent'] is None


def test_merge_keeps_every_message_and_the_targets_own_files(tmp_path):
    old, new = tmp_path / 'old', tmp_path / 'new'
    for directory, names in ((old / 'Maildir' / 'cur', ['a', 'b']), (new / 'Maildir' / 'new', ['c']),
                             (old / 'Maildir', ['dovecot-uidlist']), (new / 'Maildir', ['dovecot-uidlist'])):
        directory.mkdir(parents=True, exist_ok=True)
        for name in names:
            (directory / name).write_text('%s of %s' % (name, directory))
    merge_tree(str(old), str(new))
    assert not old.exists()
    assert sorted(os.listdir(str(new / 'Maildir' / 'cur'))) == ['a', 'b']
    assert os.listdir(str(new / 'Maildir' / 'new')) == ['c']
    assert 'new' in (new / 'Maildir' / 'dovecot-uidlist').read_text()


# What doveadm kick answers: 2.3 exits 68 when nobody was logged in, 2.4 exits 0 saying so.
@pytest.mark.parametrize('answer,kicked', [
    ((0, 'kicked connections from the following users:\njohn@example.org\n', ''), True),
    ((0, '2 connections kicked\n', ''), True),
    ((0, '0 connections kicked\n', ''), False),
    ((68, '', 'no users kicked\n'), False),
    ((75, '', 'Error: anvil not running\n'), False),
])
def test_kick_tells_whether_sessions_were_ended(monkeypatch, answer, kicked):
    monkeypatch.setattr(Doveadm, 'available', True)
    monkeypatch.setattr(Doveadm, 'run', lambda self, args: answer)
    assert Doveadm().kick('john@example.org') is kicked


def test_suspensions_end_sessions_only_outside_check_mode(monkeypatch):
    calls = []
    monkeypatch.setattr(Doveadm, 'available', True)
    monkeypatch.setattr(Doveadm, 'run', lambda self, args: calls.append(args) or (0, '1 connections kicked', ''))
    assert end_sessions(['*@unpaid.example', 'john@example.org'], None, True) == [] and calls == []
    ended = end_sessions(['*@unpaid.example', 'john@example.org'], None, False)
    assert ended == ['*@unpaid.example', 'john@example.org']
    assert calls == [['kick', '--', '*@unpaid.example'], ['kick', '--', 'john@example.org']]
