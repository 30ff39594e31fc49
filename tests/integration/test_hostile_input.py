# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile input through real playbooks: batches of generated values against MariaDB, postmap -q and doveadm.

Each hypothesis example is one batch: domains, mailboxes, passwords, quotas and alias addresses,
valid and hostile mixed (Unicode, NUL and control characters, SQL fragments, % and _, overlong
values, passwords of every character class). The pure checks (module_utils, tested with many more
examples in tests/unit/test_hostile_validation.py) sort each value into accepted or refused; then
one playbook (a fresh database per batch):

* creates everything accepted with the list forms: it must be stored normalized, and be found by
  the guide's postmap -q queries, and each password must verify with doveadm pw -t;
* gives each refused value to the single form (a loop task): each must fail with a clear message;
* sends lists of new valid items with one refused value: the whole task must fail;
* and afterwards the database must hold exactly the accepted values: refusals left no trace.

Values reach the playbook through a JSON file (reliability_support.data_file_vars), so Ansible
does not template them. Every SQL template a module reports ("queries") must hold none of them:
they went to MariaDB as parameters.
"""

import os
import re

from hypothesis import HealthCheck, Phase, example, given, settings, strategies as st

from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import (
    normalize_address, normalize_domain, normalize_mailbox, normalize_source)
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError
from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.schemes import check_password
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.quota import parse_quota
from tests.integration import dovecot_pw
from tests.integration.database import Database
from tests.integration.helpers import TRACEBACK_MARKERS, alias, domain, user
from tests.integration.reliability_support import data_file_vars, record_figures

DOMAIN_MAX, ADDRESS_MAX = 50, 100     # the Bookworm schema's varchar columns
BIGINT_MAX = 2 ** 63 - 1
EXTERNAL = 'elsewhere.test'
FRAGMENTS = ["' OR '1'='1", "'; DROP TABLE virtual_users; --", '%', '_', '\\', '\x00', '\r\n', '\x1b[2J', '"',
             '\u202e', '\u200b', '\u212a', 'ß', '😀', '{{ 7*7 }}', '$(id)', '`id`', '/*', '--', ';', ' ', '\t', '@']
FIGURES = {'batches': 0, 'values_tried': 0, 'accepted': 0, 'refused': 0, 'mixed_lists_refused': 0,
           'postmap_lookups': 0, 'doveadm_checks': 0, 'playbook_runs': 0}

label = st.from_regex(r'\A[a-zA-Z0-9]([a-zA-Z0-9-]{0,12}[a-zA-Z0-9])?\Z', fullmatch=True).filter(
    lambda s: s[2:4] != '--')
idn_label = st.text(alphabet='äöüéçñåжδ日本', min_size=1, max_size=6)
tld = st.from_regex(r'\A[a-zA-Z]{2,6}\Z', fullmatch=True)
fragment = st.sampled_from(FRAGMENTS)
good_domain = st.builds(lambda ls, t: '.'.join(ls + [t]), st.lists(st.one_of(label, idn_label), min_size=1, max_size=2),
                        tld)
hostile_domain = st.one_of(
    st.builds(lambda d, f, at: d[:at] + f + d[at:], good_domain, fragment, st.integers(0, 20)),
    st.builds(lambda n, d: 'a' * n + '.' + d, st.integers(40, 70), good_domain),
    st.text(max_size=30),
)
good_local = st.from_regex(r'\A[a-zA-Z0-9_-]{1,12}(\.[a-zA-Z0-9_-]{1,8})?\Z', fullmatch=True)
alias_local = st.from_regex(r'\A[a-zA-Z0-9#$&*+=?^_{}~-]{1,12}\Z', fullmatch=True)
hostile_local = st.one_of(
    st.builds(lambda l, f: l + f, good_local, fragment),
    st.builds(lambda n: 'x' * n, st.integers(60, 110)),
    st.text(max_size=20),
)
password = st.one_of(
    st.text(min_size=8, max_size=60),
    st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0x7f), min_size=8, max_size=90),
    st.text(alphabet=st.characters(codec='latin-1'), min_size=8, max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x10000), min_size=8, max_size=20),
    st.builds(lambda p, f: p + f + p, st.text(min_size=4, max_size=8), fragment),
    st.builds(lambda n: 'p' * n, st.integers(505, 520)),
)
quota = st.one_of(st.integers(-5, 2 ** 64), st.sampled_from(['1G', '500MB', ' 2 KB', '0', '-1', 'lots', '9' * 30 + 'G',
                                                             '1e3', '', '1Y', '١٢٣']))
batches = st.fixed_dictionaries({
    'domains': st.lists(st.one_of(good_domain, good_domain, hostile_domain), min_size=3, max_size=7),
    'locals': st.lists(st.one_of(good_local, good_local, hostile_local), min_size=3, max_size=8),
    'passwords': st.lists(password, min_size=3, max_size=8),
    'quotas': st.lists(quota, min_size=3, max_size=8),
    'alias_locals': st.lists(st.one_of(alias_local, hostile_local), min_size=2, max_size=6),
})
NASTY = {
    'domains': ['Bücher.Example', 'exa_mple.org', 'exa%mple.org', "x.org' OR '1'='1", 'a\x00b.example',
                'UPPER.Example.ORG.', 'ab\u200bc.example', 'a' * 46 + '.org', 'a' * 47 + '.org'],
    'locals': ['a_b', 'John.Doe', 'a%b', "o'neil", 'x\x00y', '\u212a', 'ünï', 'a' * 64, 'a' * 65, 'tab\there'],
    'passwords': [''.join(chr(c) for c in range(1, 128)), ''.join(chr(c) for c in range(128, 256)),
                  "' OR '1'='1' -- ", 'pass\x00word', 'p' * 72 + 'tail', 'é' * 256, 'é' * 257, '{{ 7*7 }}%_\\',
                  '😀 \U0010fffd \u2028 \x1b[31m'],
    'quotas': ['1G', -1, '9' * 400 + 'G', 2 ** 63, 2 ** 63 - 1, True, '١٢٣', ' 3 MB '],
    'alias_locals': ['sales+eu', 'a{b}c', 'a%b', 'a!b', 'a/b', 'percent%', 'under_score', "q'uote", ''],
}


def accept(function, value, *args):
    try:
        return function(value, *args), None
    except InputError as exc:
        return None, str(exc)


def build(batch):
    """Sort the batch into what is to be stored and what must be refused."""
    plan = {'domains': {}, 'users': {}, 'aliases': {}, 'refused': {'domain': [], 'email': [], 'password': [],
                                                                   'quota': [], 'alias': []}}
    for raw in batch['domains']:
        name, dummy = accept(normalize_domain, raw)
        if name and len(name) <= DOMAIN_MAX:
            plan['domains'].setdefault(name, raw)
        else:
            plan['refused']['domain'].append(raw)
    names = sorted(plan['domains']) or ['fallback.example']
    plan['domains'].setdefault(names[0], names[0])
    good_passwords = [p for p in batch['passwords'] if accept(check_password, p)[1] is None]
    plan['refused']['password'] = [p for p in batch['passwords'] if p not in good_passwords]
    good_quotas = []
    for value in batch['quotas']:
        parsed, dummy = accept(parse_quota, value)
        if parsed is not None and parsed <= BIGINT_MAX and not isinstance(value, bool):
            good_quotas.append((value, parsed))
        elif value is not None:
            plan['refused']['quota'].append(value)
    for index, local in enumerate(batch['locals'] + ['Plain']):
        raw = '%s@%s' % (local, plan['domains'][names[index % len(names)]])
        email, dummy = accept(normalize_mailbox, raw)
        if email and len(email) <= ADDRESS_MAX:
            if email not in plan['users']:
                secret = good_passwords[index % len(good_passwords)] if good_passwords else 'fallback-Password-1'
                value, parsed = good_quotas[index % len(good_quotas)] if good_quotas else (None, 0)
                plan['users'][email] = {'raw': raw, 'password': secret, 'quota': value, 'bytes': parsed}
        else:
            plan['refused']['email'].append(raw)
    # Refused as a mailbox may still be a fine forwarding address (a+b@...): only those refused as both.
    plan['refused']['destination'] = [e for e in plan['refused']['email'] if accept(normalize_address, e)[0] is None]
    mailboxes = sorted(plan['users'])
    for index, local in enumerate(batch['alias_locals']):
        raw = '%s@%s' % (local, plan['domains'][names[index % len(names)]])
        source, dummy = accept(normalize_source, raw)
        destination, dummy = accept(normalize_address, '%s@%s' % (local, EXTERNAL))
        if source is None or len(source) > ADDRESS_MAX:
            plan['refused']['alias'].append(raw)
        elif not source.startswith('@') and destination and source not in plan['users']:
            # Destinations are mailboxes or outside addresses: no loop can form.
            plan['aliases'].setdefault(source, {'raw': raw, 'destinations': sorted(set(
                [destination] + mailboxes[:1]))})
    catch_all = '@' + names[-1]
    plan['aliases'][catch_all] = {'raw': '@' + plan['domains'][names[-1]],
                                  'destinations': mailboxes[:1] or ['postmaster@' + EXTERNAL]}
    return plan


def tasks_for(plan, data_path):
    refused = plan['refused']
    first = sorted(plan['domains'])[0]
    data = {
        'domains': [plan['domains'][n] for n in sorted(plan['domains'])],
        'users': [{'email': u['raw'], 'password': u['password'], 'quota': u['quota']} for u in plan['users'].values()],
        'aliases': [{'source': a['raw'], 'destinations': a['destinations']} for a in plan['aliases'].values()],
        'bad_domains': refused['domain'], 'bad_emails': refused['email'], 'bad_passwords': refused['password'],
        'bad_quotas': refused['quota'], 'bad_sources': refused['alias'], 'bad_destinations': refused['destination'],
        'mixed_domains': ['mixed-new.example'] + refused['domain'][:1],
        'mixed_users': [{'email': 'mixed-new@' + first, 'password': 'Mixed-Secret-1'}]
        + [{'email': e, 'password': 'Mixed-Secret-1'} for e in refused['email'][:1]]
        + [{'email': 'mixed-pw@' + first, 'password': p} for p in refused['password'][:1]]
        + [{'email': 'mixed-quota@' + first, 'password': 'Mixed-Secret-1', 'quota': q} for q in refused['quota'][:1]],
        'mixed_aliases': [{'source': 'mixed-new@' + first, 'destinations': ['x@' + EXTERNAL]}]
        + [{'source': s, 'destinations': ['x@' + EXTERNAL]} for s in refused['alias'][:1]],
    }
    for key in ('users', 'mixed_users'):
        for entry in data[key]:
            if entry.get('quota') is None:
                entry.pop('quota', None)

    def loop(entry, key):
        return dict(entry, loop='{{ batch.%s }}' % key, ignore_errors=True)

    tasks = [
        data_file_vars(data_path, data),
        domain(task_name='domains', domains='{{ batch.domains }}'),
        user(task_name='users', users='{{ batch.users }}'),
        alias(task_name='aliases', aliases='{{ batch.aliases }}'),
        loop(domain(task_name='bad domains', name='{{ item }}'), 'bad_domains'),
        loop(user(task_name='bad emails', email='{{ item }}', password='Fine-Secret-1'), 'bad_emails'),
        loop(user(task_name='bad passwords', email='pw-test@' + first, password='{{ item }}'), 'bad_passwords'),
        loop(user(task_name='bad quotas', email='quota-test@' + first, password='Fine-Secret-1',
                  quota='{{ item }}'), 'bad_quotas'),
        loop(alias(task_name='bad sources', source='{{ item }}', destinations=['x@' + EXTERNAL]), 'bad_sources'),
        loop(alias(task_name='bad destinations', source='fine@' + first, destinations=['{{ item }}']),
             'bad_destinations'),
    ]
    mixed = []
    if len(data['mixed_domains']) > 1:
        mixed.append(domain(task_name='mixed domains', domains='{{ batch.mixed_domains }}', ignore_errors=True))
    if len(data['mixed_users']) > 1:
        mixed.append(user(task_name='mixed users', users='{{ batch.mixed_users }}', ignore_errors=True))
    if len(data['mixed_aliases']) > 1:
        mixed.append(alias(task_name='mixed aliases', aliases='{{ batch.mixed_aliases }}', ignore_errors=True))
    return tasks + mixed, data


def values_of(data):
    """Every generated string of the batch, for the search of the SQL templates."""
    found = []
    for entries in data.values():
        for entry in entries:
            if isinstance(entry, dict):
                found.extend(v for v in entry.values() if isinstance(v, str))
                found.extend(v for v in entry.get('destinations', ()) if isinstance(v, str))
            elif isinstance(entry, str):
                found.append(entry)
    return found


def assert_refused(run, name, count):
    """Each item of a loop task failed on its own, with a message and no traceback."""
    if not count:
        return 0
    record = run.task(name)
    results = record.get('results', [])
    assert len(results) == count, record
    for item in results:
        assert item.get('failed') is True, 'accepted %r: %r' % (item.get('item'), item)
        msg = item.get('msg', '')
        assert msg.strip() and 'module_stderr' not in item, item
        assert not re.search(r'[\x00-\x08\x0b-\x1f\x7f]', msg), 'raw control character in %r' % msg
        assert item.get('changed') is False
    return count


def check_batch(batch, make_db, mariadb, runner, tmp_path_factory, admin_defaults_for):
    plan = build(batch)
    db = make_db('bookworm')
    work = tmp_path_factory.mktemp('hostile')
    tasks, data = tasks_for(plan, work / 'batch.json')
    run = runner.run(tasks, module_defaults=admin_defaults_for(db))
    FIGURES['playbook_runs'] += 1
    assert run.rc == 0, run.describe()
    for marker in TRACEBACK_MARKERS:
        assert marker not in run.text, run.describe()
    for name in ('domains', 'users', 'aliases'):
        assert run.task(name).status == 'changed', run.task(name)
    refused = plan['refused']
    FIGURES['refused'] += sum((assert_refused(run, 'bad domains', len(refused['domain'])),
                               assert_refused(run, 'bad emails', len(refused['email'])),
                               assert_refused(run, 'bad passwords', len(refused['password'])),
                               assert_refused(run, 'bad quotas', len(refused['quota'])),
                               assert_refused(run, 'bad sources', len(refused['alias'])),
                               assert_refused(run, 'bad destinations', len(refused['destination']))))
    for record in run.tasks:
        if record.name.startswith('mixed'):
            assert record.failed and record.msg.strip(), record
            FIGURES['mixed_lists_refused'] += 1

    # Exactly the accepted values, normalized: the refused ones left no trace.
    assert db.domains() == sorted(plan['domains'])
    stored = db.users()
    assert sorted(stored) == sorted(plan['users'])
    expected_aliases = sorted((s, d) for s, a in plan['aliases'].items() for d in a['destinations'])
    assert db.aliases() == expected_aliases
    postmap = mariadb.lookups(work / 'postfix', db.name)
    for name in plan['domains']:
        assert postmap.is_domain(name), name
    for email, wanted in plan['users'].items():
        assert postmap.is_mailbox(email), email
        assert stored[email]['quota'] == wanted['bytes'], (email, wanted)
        assert dovecot_pw.verify(stored[email]['password'], wanted['password']), (email, wanted['password'])
        FIGURES['doveadm_checks'] += 1
        if '_' in email.split('@')[0]:
            # '_' is a LIKE wildcard: a lookup must match it only as itself.
            twin = email.replace('_', 'x', 1)
            assert twin in plan['users'] or not postmap.is_mailbox(twin), twin
    for source, wanted in plan['aliases'].items():
        if source.startswith('@'):
            assert postmap.resolve('nobody-here' + source) == sorted(wanted['destinations'])
        else:
            assert postmap.alias_destinations(source) == sorted(wanted['destinations']), source
    FIGURES['postmap_lookups'] += len(plan['domains']) + len(plan['users']) + len(plan['aliases'])

    # Nothing reached SQL inside a statement: the templates hold no value and no quoted literal.
    templates = set()
    for record in run.tasks:
        for result in [record.result] + list(record.get('results', [])):
            templates.update(result.get('queries') or [])
    assert templates, 'no queries reported'
    values = [v for v in values_of(data) if len(v) >= 6] + list(plan['domains']) + list(plan['users'])
    for template in templates:
        assert "'" not in template and '"' not in template, template
        for value in values:
            assert value not in template, (value, template)
    FIGURES['batches'] += 1
    FIGURES['values_tried'] += sum(len(v) for v in batch.values())
    FIGURES['accepted'] += len(plan['domains']) + len(plan['users']) + len(plan['aliases'])
    db.drop()


def test_hostile_batches_through_playbooks(mariadb, runner, tmp_path_factory):
    def admin_defaults_for(db):
        return mariadb.admin_params(db.name)

    def make_db(schema):
        return Database(mariadb, schema, os.environ.get('PYTEST_XDIST_WORKER', 'gw0'))

    @settings(max_examples=2, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(batches)
    @example(NASTY)
    def batch_test(batch):
        check_batch(batch, make_db, mariadb, runner, tmp_path_factory, admin_defaults_for)

    batch_test()
    assert FIGURES['batches'] == 3 and FIGURES['refused'] > 20 and FIGURES['accepted'] > 15, FIGURES
    record_figures('hostile_input', **FIGURES)
