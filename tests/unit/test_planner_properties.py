"""Generated inputs through the input rules and the planners, without a database.

Each case takes raw list entries (valid or not) through the frame's gathering and the entity's
normalize, plans them against a generated table, and then:
- ends in InputError or PlanError, or in a plan (never in any other exception: a traceback);
- planning again from the state the plan leads to (entities' applied()) changes nothing.

Hypothesis draws a seed per example and each seed expands into a batch of cases with Python's
random (a draw costs Hypothesis about a millisecond; a case costs the planners a tenth of that),
so that at least 10,000 cases run in a few seconds. A failure names the seed and the case.
"""
import random

from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities import aliases, domains, users
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.domains import DomainRow
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.passwords import NewPassword, check_passwords
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.users import UserCurrent, UserRow
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, PlanError
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.entries import gather_items
from tests.unit.schema_builder import schema

CASES = {'domains': 3000, 'users': 4000, 'aliases': 3500}
BATCH = 10   # cases per Hypothesis example
EXPECTED = (InputError, PlanError)
SEEDS = st.integers(0, 2 ** 32 - 1)

# Pools of values: valid ones, and (drawn now and then, see pick()) values the rules refuse.
DOMAINS = ['example.org', 'example.net', 'bücher.example', 'a.example', 'b.example']
# Other spellings of the same domains (a list holding two spellings lists a domain twice).
SPELLINGS = {'example.org': ['Example.ORG', 'example.org.'], 'bücher.example': ['xn--bcher-kva.example']}
BAD_DOMAINS = ['bad..example', '-x.example', 'nodot', '', ' example.org', 'x' * 60 + '.example', 42]
VALID_DOMAINS = ['example.org', 'example.net', 'a.example']
LOCALS = ['john', 'John', 'jane', 'x.y', 'a-b']
BAD_LOCALS = ['bad space', '', '.dot', 'a' * 65, 'ü', 'post+tag']
STATES = ['present', 'present', 'absent']
BAD_STATES = ['gone', None]
BAD = 0.04   # how often pick() draws from the bad pool


SCHEMAS = [schema('bigint(11)'), schema('int(11)'), schema(None)]


def settings_for(entity):
    return settings(max_examples=CASES[entity] // BATCH, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def pick(rnd, good, bad=()):
    return rnd.choice(bad) if bad and rnd.random() < BAD else rnd.choice(good)


def some(rnd, make, most):
    return [make(rnd) for dummy in range(rnd.randint(0, most))]


def domain_name(rnd):
    name = pick(rnd, DOMAINS, BAD_DOMAINS)
    return rnd.choice(SPELLINGS[name]) if name in SPELLINGS and rnd.random() < 0.2 else name


def distinct(entries, key):
    """The entries without the later ones of a key already seen (now and then a duplicate is kept)."""
    seen, kept = set(), []
    for index, entry in enumerate(entries):
        value = entry.get(key) if isinstance(entry, dict) else entry
        marker = repr(value).lower()
        if marker not in seen or index == 4:
            kept.append(entry)
        seen.add(marker)
    return kept


def entry(rnd, key, make_key, optional):
    """A list entry: a plain string, a dictionary with some of the optional keys, or junk."""
    roll = rnd.random()
    if roll < 0.2:
        return make_key(rnd)
    if roll < 0.22:
        return rnd.choice([42, None, ['x'], {'bogus': 1, key: make_key(rnd)}])
    item = {key: make_key(rnd)}
    for name, (good, bad) in optional.items():
        if rnd.random() < 0.4:
            item[name] = pick(rnd, good, bad)
    return item


def run_batch(seed, case, counter):
    """Run BATCH cases from one seed; only the user errors may end a case early."""
    rnd = random.Random(seed)
    for dummy in range(BATCH):
        counter.append(1)
        try:
            case(rnd)
        except EXPECTED:
            pass


def items_of(entries, defaults, list_key, key_name, item_keys):
    params = dict(defaults)
    params[list_key] = entries
    return gather_items(params, list_key, key_name, item_keys)


def model_hash(password):
    """Stands for the hash apply() makes: the planners only compare hashes, checking is crypt's job."""
    return '{%s}model:%s' % (password.scheme, password.password)


def model_check(password, stored):
    return stored.endswith('}model:' + password)


# -- domains -----------------------------------------------------------------------------------
def domain_table(rnd):
    table, ids = {}, iter(range(1, 100))
    for name in rnd.sample(VALID_DOMAINS, rnd.randint(0, 3)):
        table[name] = [DomainRow(next(ids), rnd.choice([name, name.upper()]), rnd.randint(0, 2), rnd.randint(0, 2))
                       for dummy in range(rnd.randint(1, 2))]
    return table


def domain_case(rnd):
    entries = distinct(some(rnd, lambda r: entry(r, 'name', domain_name, {'state': (STATES, BAD_STATES)}), 5),
                       'name')
    exclusive, force = rnd.random() < 0.5, rnd.random() < 0.5
    existing = domain_table(rnd)
    items = domains.normalize_items(items_of(entries, {'state': 'present'}, 'domains', 'name', ('name', 'state')),
                                    rnd.choice(SCHEMAS))
    plan = domains.plan(existing, items, exclusive, force)
    again = domains.plan(domains.applied(existing, plan), items, exclusive, force)
    assert not again.report.changed and not (again.create or again.rename or again.remove), (entries, existing)


def test_domain_plans_are_clean_and_idempotent():
    counter = []
    given(SEEDS)(settings_for('domains')(lambda seed: run_batch(seed, domain_case, counter)))()
    assert len(counter) >= CASES['domains']


# -- users -------------------------------------------------------------------------------------
USER_KEYS = ('email', 'domain', 'password', 'password_hash', 'password_scheme', 'password_min_length', 'update_password',
             'quota', 'state')
USER_OPTIONS = {
    'password': (['pw1', 'pw2', 12345], ['', 'x' * 600]),
    'password_hash': (['{SHA512-CRYPT}$6$abc$def', '{PLAIN}x'], ['{FOO}x', 'nohash']),
    'password_scheme': (['BLF-CRYPT', 'SHA512-CRYPT', 'crypt'], ['NOPE']),
    'update_password': (['always', 'on_create'], ['sometimes']),
    'quota': ([None, 0, 100, '1G', 3000000000], [-1, 'lots', True]), 'state': (STATES, BAD_STATES),
}


def address(rnd):
    return '%s@%s' % (pick(rnd, LOCALS, BAD_LOCALS), domain_name(rnd))


def user_entry(rnd):
    item = entry(rnd, 'email', address, USER_OPTIONS)
    if isinstance(item, dict) and rnd.random() > BAD:
        if 'password' in item:
            item.pop('password_hash', None)   # both at once is refused: now and then only
        if isinstance(item['email'], str) and '@' in item['email'] and rnd.random() < 0.2:
            item['domain'] = item['email'].rsplit('@', 1)[1]
    return item


def user_table(rnd, has_quota):
    table, ids = {}, iter(range(1, 100))
    for dummy in range(rnd.randint(0, 4)):
        email = '%s@%s' % (rnd.choice(LOCALS), rnd.choice(VALID_DOMAINS))
        if email.lower() not in table:
            table[email.lower()] = UserRow(
                next(ids), rnd.randint(1, 3), email,
                rnd.choice(['{PLAIN}x', '{BLF-CRYPT}model:pw1', '{SHA512-CRYPT}model:pw1', 'nohash']),
                rnd.choice([0, 100]) if has_quota else None)
    return UserCurrent({'example.org': 1, 'example.net': 2, 'a.example': 3}, table, frozenset(), has_quota)


def after_users(current, plan, items):
    """The state the plan leads to, with the new passwords 'hashed' and checked as load() would."""
    after = users.applied(current, plan)
    for row in after.users.values():
        if isinstance(row.password, NewPassword):
            row.password = model_hash(row.password)
    after.matches = check_passwords(items, after.users, checker=model_check)
    return after


def user_case(rnd):
    entries = distinct(some(rnd, user_entry, 4), 'email')
    defaults = {'password': rnd.choice([None, 'pw1']), 'password_scheme': rnd.choice(['BLF-CRYPT', 'SHA512-CRYPT']),
                'update_password': rnd.choice(['always', 'on_create']), 'state': 'present', 'password_min_length': 0}
    table_schema, exclusive = rnd.choice(SCHEMAS), rnd.random() < 0.5
    current = user_table(rnd, table_schema.has_quota)
    items = users.normalize_items(items_of(entries, defaults, 'users', 'email', USER_KEYS), table_schema)
    current.matches = check_passwords(items, current.users, checker=model_check)
    plan = users.plan(current, items, exclusive)
    again = users.plan(after_users(current, plan, items), items, exclusive)
    assert not again.report.changed, (entries, again.report.entries)
    assert not (again.insert or again.set_password or again.set_quota or again.set_email or again.delete), entries


def test_user_plans_are_clean_and_idempotent():
    counter = []
    given(SEEDS)(settings_for('users')(lambda seed: run_batch(seed, user_case, counter)))()
    assert len(counter) >= CASES['users']


# -- aliases -----------------------------------------------------------------------------------
SOURCES = ['a@example.org', 'b@example.org', '@example.org', 'c@example.net', '@example.net', 'A@Example.org',
           'd@a.example']
BAD_SOURCES = ['bad@@example.org', '@', 'x@nodomain', '']
DESTINATIONS = ['a@example.org', 'b@example.org', 'john@example.org', 'far@away.example', 'nobody@example.org',
                'c@example.net']
BAD_DESTINATIONS = ['bad address', '', 'x@']


def alias_table(rnd):
    table = {}
    for row_id in range(1, rnd.randint(1, 7)):
        table.setdefault(rnd.choice(SOURCES[:5]), {}).setdefault(rnd.choice(DESTINATIONS), []).append(row_id)
    return aliases.AliasCurrent({'example.org': 1, 'example.net': 2}, table, {'john@example.org'})


def destinations(rnd):
    roll = rnd.random()
    if roll < 0.05:
        return None
    if roll < 0.2:
        return pick(rnd, DESTINATIONS, BAD_DESTINATIONS)
    return [pick(rnd, DESTINATIONS, BAD_DESTINATIONS) for dummy in range(rnd.randint(0 if rnd.random() < BAD else 1, 3))]


def alias_case(rnd):
    def entry(r):
        return {'source': pick(r, SOURCES, BAD_SOURCES), 'destinations': destinations(r),
                'state': pick(r, STATES, BAD_STATES)}
    entries = distinct(some(rnd, entry, 4), 'source')
    exclusive, is_list = rnd.random() < 0.5, rnd.random() < 0.7
    current = alias_table(rnd)
    items = items_of(entries, {'state': 'present', 'destinations': None}, 'aliases', 'source',
                     ('source', 'destinations', 'state'))
    items = aliases.normalize_items(items if is_list else items[:1], SCHEMAS[0])
    plan = aliases.plan(current, items, exclusive, exclusive and is_list)
    again = aliases.plan(aliases.applied(current, plan), items, exclusive, exclusive and is_list)
    assert not again.report.changed and not (again.insert or again.delete), (entries, current.aliases)


def test_alias_plans_are_clean_and_idempotent():
    counter = []
    given(SEEDS)(settings_for('aliases')(lambda seed: run_batch(seed, alias_case, counter)))()
    assert len(counter) >= CASES['aliases']
