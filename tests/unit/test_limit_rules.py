"""Hosting plans without a database: the domain plan writes the limits it is given, and the user
and alias plans refuse to take a domain past them (entities/limits.py). The integration tests
(tests/integration/test_limits.py) run the same rules against both engines."""
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities import aliases, domains, users
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.domains import DomainMap, DomainRow
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.limits import normalize_limits
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.users import UserRow
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, PlanError, SchemaError
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.engine import Column
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.schema import Schema

from tests.unit.test_planners import HASH, alias_current, alias_item, user_current, user_item

NONE = {'max_users': 0, 'max_aliases': 0, 'max_quota': 0, 'default_quota': 0}


def plan_limits(domain_id=1, name='example.org', **limits):
    return {domain_id: dict(NONE, name=name, **limits)}


def domain_map(**limits):
    row = DomainRow(1, 'example.org', 0, 0, True, dict(NONE, **limits))
    return DomainMap({'example.org': [row]}, has_enabled=True, has_limits=True)


def domain_item(**settings):
    return dict({'name': 'example.org', 'state': 'present'}, **settings)


# -- the domain plan --------------------------------------------------------------------------
def test_a_limit_is_written_only_when_given_and_different():
    plan = domains.plan(domain_map(max_users=5), [domain_item(max_users=5)], False, False)
    assert not plan.report.changed and not any(plan.set_limits.values())
    plan = domains.plan(domain_map(max_users=5), [domain_item(max_users=6, max_quota=None)], False, False)
    assert plan.set_limits['max_users'] == [(6, 1)] and plan.set_limits['max_quota'] == []
    assert plan.report.outcomes() == {'example.org': 'updated'}
    after = domains.applied(domain_map(max_users=5), plan)['example.org'][0]
    assert after.limits == dict(NONE, max_users=6)


def test_a_new_domain_has_no_limits_unless_given():
    plan = domains.plan(DomainMap(has_limits=True), [domain_item(max_aliases=3)], False, False)
    assert plan.create == [('example.org', None, dict(NONE, max_aliases=3))]
    plain = domains.plan(DomainMap(), [domain_item()], False, False)
    assert plain.create == [('example.org', None, None)]


@pytest.mark.parametrize('stored, given', [({}, {'max_quota': 100, 'default_quota': 200}),
                                           ({'default_quota': 200}, {'max_quota': 100})])
def test_a_default_quota_over_max_quota_is_refused(stored, given):
    with pytest.raises(PlanError, match='default_quota 200 is larger than max_quota 100'):
        domains.plan(domain_map(**stored), [domain_item(**given)], False, False)


# -- users ------------------------------------------------------------------------------------
def users_with(*rows, **limits):
    return user_current(*rows).with_limits(plan_limits(**limits))


def row(row_id, email, quota=0):
    return UserRow(row_id, 1, email, HASH, quota)


def new(email, **settings):
    return user_item(email, password='Secret-Eight-8', **settings)


def test_max_users_counts_what_the_plan_leaves():
    current = users_with(row(1, 'a@example.org'), max_users=2)
    users.plan(current, [new('b@example.org')], False)
    with pytest.raises(PlanError, match="domain 'example.org' allows max_users 2; this run would make it 3 users"):
        users.plan(current, [new('b@example.org'), new('c@example.org')], False)
    # one removed, two added, as the exclusive list says: two in the end
    users.plan(current, [new('b@example.org'), new('c@example.org'), user_item('a@example.org', state='absent')],
               False)


def test_a_domain_over_a_lowered_limit_may_shrink_and_change_but_not_grow():
    current = users_with(row(1, 'a@example.org'), row(2, 'b@example.org'), row(3, 'c@example.org'), max_users=1)
    users.plan(current, [user_item('a@example.org', password='Changed-Secret-9')], False)
    users.plan(current, [user_item('a@example.org', state='absent')], False)
    with pytest.raises(PlanError, match='make it 4 users'):
        users.plan(current, [new('d@example.org')], False)


def test_max_quota_counts_the_sum_and_default_quota_fills_in():
    current = users_with(row(1, 'a@example.org', 100), max_quota=300, default_quota=150)
    plan = users.plan(current, [new('b@example.org')], False)
    assert plan.insert[0][3] == 150
    with pytest.raises(PlanError, match='max_quota 300 bytes .* make it 301 bytes'):
        users.plan(current, [new('b@example.org', quota=201)], False)
    with pytest.raises(PlanError, match='make it 350 bytes'):
        users.plan(current, [new('b@example.org'), new('c@example.org', quota=100)], False)
    users.plan(current, [user_item('a@example.org', quota=50), new('b@example.org', quota=250)], False)


def test_quota_0_is_refused_for_what_the_run_touches_only():
    current = users_with(row(1, 'a@example.org', 0), row(2, 'b@example.org', 100), max_quota=1000)
    for item in (new('c@example.org', quota=0), user_item('b@example.org', quota=0)):
        with pytest.raises(PlanError, match="quota 0 .* refused in domain 'example.org'"):
            users.plan(current, [item], False)
    users.plan(current, [user_item('a@example.org', password='Changed-Secret-9')], False)


def test_a_rename_into_a_domain_counts_there():
    current = user_current(row(1, 'a@example.org', 10), UserRow(2, 2, 'x@example.net', HASH, 10),
                           domain_ids={'example.org': 1, 'example.net': 2}).with_limits(
        plan_limits(2, 'example.net', max_users=1))
    with pytest.raises(PlanError, match="'example.net' allows max_users 1"):
        users.plan(current, [user_item('y@example.net', rename_from='a@example.org')], False)


def test_no_limit_means_no_check():
    current = users_with(row(1, 'a@example.org'))
    users.plan(current, [new('%s@example.org' % n, quota=0) for n in 'bcdefg'], False)


# -- aliases ----------------------------------------------------------------------------------
def aliases_with(rows, max_aliases):
    current = alias_current(rows)
    current.limits = {'example.org': dict(NONE, name='example.org', max_aliases=max_aliases)}
    return current


def test_max_aliases_counts_each_source_once_and_catch_alls_too():
    current = aliases_with([(1, 'team@example.org', 'a@example.net'), (2, 'team@example.org', 'b@example.net')], 2)
    aliases.plan(current, [alias_item('team@example.org', ['c@example.net'])], False, False)
    aliases.plan(current, [alias_item('@example.org', ['a@example.net'])], False, False)
    with pytest.raises(PlanError, match="'example.org' allows max_aliases 2; this run would make it 3 alias sources"):
        aliases.plan(current, [alias_item('@example.org', ['a@example.net']),
                               alias_item('x@example.org', ['a@example.net'])], False, False)
    # a source that goes makes room for one that comes
    aliases.plan(current, [alias_item('team@example.org', state='absent'), alias_item('x@example.org', ['a@example.net']),
                           alias_item('y@example.org', ['a@example.net'])], False, False)


# -- the options ------------------------------------------------------------------------------
def role_schema():
    columns = dict((('virtual_domains', key), Column('int', 2147483647)) for key in ('max_users', 'max_aliases'))
    columns.update((('virtual_domains', key), Column('bigint', 2 ** 63 - 1)) for key in ('max_quota', 'default_quota'))
    columns[('virtual_users', 'email')] = Column('varchar')
    columns[('virtual_aliases', 'source')] = Column('varchar')
    return Schema(columns)


def test_limits_are_read_as_counts_and_sizes():
    item = {'max_users': '10', 'max_aliases': 0, 'max_quota': '2G', 'default_quota': 1024}
    normalize_limits(item, 'domain x', role_schema())
    assert item == {'max_users': 10, 'max_aliases': 0, 'max_quota': 2 * 1024 ** 3, 'default_quota': 1024}


@pytest.mark.parametrize('key, value', [('max_users', True), ('max_users', 1.5), ('max_aliases', '-1'),
                                        ('max_quota', 'lots'), ('max_users', 2 ** 31)])
def test_a_bad_limit_is_refused(key, value):
    with pytest.raises(InputError, match="domain x: %s" % key):
        normalize_limits({key: value}, 'domain x', role_schema())


def test_the_guides_schema_names_the_missing_columns():
    schema = Schema(dict(((table, 'id'), Column('int')) for table in ('virtual_domains', 'virtual_users',
                                                                      'virtual_aliases')))
    normalize_limits({'max_users': None}, 'domain x', schema)
    with pytest.raises(SchemaError, match='max_users, max_aliases, max_quota, default_quota'):
        normalize_limits({'max_users': 3}, 'domain x', schema)
