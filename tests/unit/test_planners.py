"""The planners' rules, without a database: each plan is a pure function of what was loaded
and what is wanted (entities/*.py). The integration tests run the same rules against MariaDB."""
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities import aliases, domains, users
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.domains import DomainRow
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.passwords import NewPassword
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.users import UserCurrent, UserRow
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, PlanError

HASH = '{SHA512-CRYPT}$6$salt$stored'


def outcomes(plan):
    return plan.report.outcomes()


# -- domains -----------------------------------------------------------------------------------
def domain_rows(**names):
    """{name: [DomainRow]} from name=(users, aliases), ids in order."""
    return dict((name.replace('_', '.'), [DomainRow(index + 1, name.replace('_', '.'), *counts)])
                for index, (name, counts) in enumerate(sorted(names.items())))


def domain_items(*names, state='present'):
    return [{'name': name, 'state': state} for name in names]


def test_domains_are_created_once():
    plan = domains.plan(domain_rows(example_org=(0, 0)), domain_items('example.org', 'example.net'), False, False)
    assert plan.create == [('example.net', None, None)]
    assert outcomes(plan) == {'example.org': 'unchanged', 'example.net': 'created'}


def test_a_domain_with_users_is_not_removed_without_force():
    existing = domain_rows(example_org=(2, 1))
    with pytest.raises(PlanError, match="'example.org' still has 2 user.* and 1 alias"):
        domains.plan(existing, domain_items('example.org', state='absent'), False, False)
    plan = domains.plan(existing, domain_items('example.org', state='absent'), False, True)
    assert plan.removed_ids == [1] and (plan.users_removed, plan.aliases_removed) == (2, 1)


def test_exclusive_removes_the_unlisted_domains_and_guards_them_too():
    existing = domain_rows(example_org=(0, 0), old_example=(0, 0), full_example=(1, 0))
    with pytest.raises(PlanError, match='full.example'):
        domains.plan(existing, domain_items('example.org'), True, False)
    plan = domains.plan(existing, domain_items('example.org'), True, True)
    assert sorted(name for name, dummy in plan.remove) == ['full.example', 'old.example']


def test_a_name_stored_in_another_case_is_renamed_and_then_unchanged():
    existing = {'example.org': [DomainRow(7, 'Example.ORG')]}
    plan = domains.plan(existing, domain_items('example.org'), False, False)
    assert plan.rename == [('example.org', 7)] and outcomes(plan) == {'example.org': 'updated'}
    again = domains.plan(domains.applied(existing, plan), domain_items('example.org'), False, False)
    assert not again.report.changed


# -- users -------------------------------------------------------------------------------------
def user_current(*rows, domain_ids=None, matches=(), has_quota=True):
    return UserCurrent(domain_ids or {'example.org': 1}, dict((row.email.lower(), row) for row in rows),
                       frozenset(matches), has_quota)


def user_item(email, **settings):
    item = dict(email=email, password=None, password_hash=None, password_scheme='BLF-CRYPT',
                password_min_length=0, update_password='always', quota=None, state='present', domain=None)
    item.update(settings)
    return item


def test_a_new_user_needs_a_password():
    with pytest.raises(InputError, match='give password or password_hash'):
        users.plan(user_current(), [user_item('john@example.org')], False)


def test_a_new_users_password_is_hashed_at_apply_time_never_in_the_plan():
    plan = users.plan(user_current(), [user_item('john@example.org', password='s3cret', quota=10)], False)
    (domain_id, email, password, quota, enabled), = plan.insert
    assert enabled is None  # the schema of user_current() has no enabled column
    assert (domain_id, email, quota) == (1, 'john@example.org', 10)
    assert isinstance(password, NewPassword) and password.scheme == 'BLF-CRYPT'
    assert plan.report.entries[0][3] == {'email': 'john@example.org', 'domain': 'example.org', 'quota': 10,
                                         'password': 'set'}


def test_a_user_of_a_missing_domain_is_refused():
    with pytest.raises(PlanError, match="domain 'example.net' of user 'x@example.net' does not exist"):
        users.plan(user_current(), [user_item('x@example.net', password='p')], False)


@pytest.mark.parametrize('update_password,matches,changed', [
    ('always', {'john@example.org'}, False),   # the stored hash is of this password
    ('always', set(), True),                    # it is not: a new hash
    ('on_create', set(), False),                # an existing user keeps the password
])
def test_password_updates(update_password, matches, changed):
    current = user_current(UserRow(3, 1, 'john@example.org', HASH, 0), matches=matches)
    item = user_item('john@example.org', password='pw', password_scheme='SHA512-CRYPT', update_password=update_password)
    plan = users.plan(current, [item], False)
    assert bool(plan.set_password) is changed and plan.report.changed is changed


def test_a_scheme_this_collection_cannot_write_is_refused_only_when_hashing():
    current = user_current(UserRow(3, 1, 'john@example.org', '{CRYPT}abc', 0))
    keep = user_item('john@example.org', password='pw', password_scheme='CRYPT', update_password='on_create')
    assert not users.plan(current, [keep], False).report.changed
    with pytest.raises(InputError, match='password_scheme must be one of'):
        users.plan(current, [dict(keep, update_password='always')], False)


def test_exclusive_removes_unlisted_users_of_the_listed_domains_only():
    current = user_current(UserRow(1, 1, 'john@example.org', HASH, 0), UserRow(2, 1, 'old@example.org', HASH, 0),
                           UserRow(3, 2, 'jane@example.net', HASH, 0),
                           domain_ids={'example.org': 1})
    plan = users.plan(current, [user_item('john@example.org')], True)
    assert plan.delete == [(2,)] and plan.removed == ['old@example.org']


def test_a_row_in_mixed_case_or_under_the_wrong_domain_is_corrected():
    current = user_current(UserRow(4, 9, 'John@Example.org', HASH, 0))
    plan = users.plan(current, [user_item('john@example.org')], False)
    assert plan.set_email == [('john@example.org', 1, 4)]
    assert not users.plan(users.applied(current, plan), [user_item('john@example.org')], False).report.changed


def test_quota_changes_only_when_given():
    current = user_current(UserRow(4, 1, 'john@example.org', HASH, 100))
    assert not users.plan(current, [user_item('john@example.org')], False).report.changed
    plan = users.plan(current, [user_item('john@example.org', quota=200)], False)
    assert plan.set_quota == [(200, 4)]


# -- aliases -----------------------------------------------------------------------------------
def alias_current(rows, mailboxes=(), domain_ids=None):
    """rows: [(id, source, destination)]."""
    table = {}
    for row_id, source, destination in rows:
        table.setdefault(source, {}).setdefault(destination, []).append(row_id)
    return aliases.AliasCurrent(domain_ids or {'example.org': 1}, table, set(mailboxes))


def alias_item(source, destinations=None, state='present'):
    return {'source': source, 'destinations': destinations, 'state': state}


def test_destinations_are_added_and_others_kept_unless_exclusive():
    current = alias_current([(1, 'a@example.org', 'x@elsewhere.example')])
    kept = aliases.plan(current, [alias_item('a@example.org', ['y@elsewhere.example'])], False, False)
    assert kept.after['a@example.org'] == ['x@elsewhere.example', 'y@elsewhere.example'] and kept.delete == []
    only = aliases.plan(current, [alias_item('a@example.org', ['y@elsewhere.example'])], True, False)
    assert only.after['a@example.org'] == ['y@elsewhere.example'] and only.delete == [(1,)]


def test_list_exclusive_removes_unlisted_sources_of_listed_domains():
    current = alias_current([(1, 'a@example.org', 'x@e.example'), (2, 'b@example.org', 'x@e.example'),
                             (3, 'c@example.net', 'x@e.example')])
    plan = aliases.plan(current, [alias_item('a@example.org', ['x@e.example'])], True, True)
    assert plan.delete == [(2,)] and outcomes(plan)['b@example.org'] == 'removed'


def test_duplicate_rows_go_when_the_list_is_the_whole_truth():
    current = alias_current([(1, 'a@example.org', 'x@e.example'), (2, 'a@example.org', 'x@e.example')])
    plan = aliases.plan(current, [alias_item('a@example.org', ['x@e.example'])], True, False)
    assert plan.delete == [(2,)] and outcomes(plan) == {'a@example.org': 'updated'}


def test_loops_are_refused_with_the_cycle_named():
    current = alias_current([(1, 'b@example.org', 'a@example.org')])
    with pytest.raises(PlanError, match='a@example.org -> b@example.org -> a@example.org'):
        aliases.plan(current, [alias_item('a@example.org', ['b@example.org'])], False, False)


def test_a_catch_all_into_its_own_domain_without_mailbox_is_refused():
    with pytest.raises(PlanError, match='through a catch-all'):
        aliases.plan(alias_current([]), [alias_item('@example.org', ['nobody@example.org'])], False, False)
    plan = aliases.plan(alias_current([], mailboxes={'john@example.org'}),
                        [alias_item('@example.org', ['john@example.org'])], False, False)
    assert plan.insert == [(1, '@example.org', 'john@example.org')]


def test_an_alias_of_a_missing_domain_is_refused_but_may_be_removed():
    with pytest.raises(PlanError, match="domain 'example.net'"):
        aliases.plan(alias_current([]), [alias_item('a@example.net', ['x@e.example'])], False, False)
    plan = aliases.plan(alias_current([]), [alias_item('a@example.net', state='absent')], False, False)
    assert not plan.report.changed


# -- suspension (enabled) ----------------------------------------------------------------------
def test_enabled_is_written_only_when_it_differs():
    row = UserRow(7, 1, 'john@example.org', HASH, 0, True)
    current = UserCurrent({'example.org': 1}, {'john@example.org': row}, frozenset(), True, has_enabled=True)
    same = users.plan(current, [user_item('john@example.org', enabled=True)], False)
    assert same.set_enabled == [] and outcomes(same) == {'john@example.org': 'unchanged'}
    left_out = users.plan(current, [user_item('john@example.org', enabled=None)], False)
    assert left_out.set_enabled == []
    off = users.plan(current, [user_item('john@example.org', enabled=False)], False)
    assert off.set_enabled == [(False, 7)] and off.disabled == ['john@example.org']
    again = users.plan(users.applied(current, off), [user_item('john@example.org', enabled=False)], False)
    assert again.set_enabled == [] and outcomes(again) == {'john@example.org': 'unchanged'}


def test_a_domain_is_suspended_once_and_new_ones_follow_the_schema():
    existing = domains.DomainMap({'example.org': [DomainRow(1, 'example.org', 0, 0, True)]}, has_enabled=True)
    off = domains.plan(existing, [dict(domain_items('example.org')[0], enabled=False)], False, False)
    assert off.set_enabled == [(False, 1)] and off.disabled == ['example.org']
    again = domains.plan(domains.applied(existing, off), [dict(domain_items('example.org')[0], enabled=False)],
                         False, False)
    assert again.set_enabled == [] and outcomes(again) == {'example.org': 'unchanged'}
    new = domains.plan(existing, domain_items('example.net'), False, False)
    assert new.create == [('example.net', True, None)]
    plain = domains.plan(domain_rows(), domain_items('example.net'), False, False)
    assert plain.create == [('example.net', None, None)]
