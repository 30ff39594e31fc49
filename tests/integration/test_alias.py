# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail.mailserver.ispmail_alias through real playbook runs, cross-checked with postmap -q."""

import re

import pytest

from tests.integration.database import SCHEMAS
from tests.integration.helpers import (alias, assert_clean_failure, assert_no_traceback, assert_ok, assert_prediction, diff_of,
                                       domain, user)

RESULT_KEYS = ('source', 'destinations', 'added', 'removed')


def _seed(db):
    db.add_domain('example.org')
    db.add_domain('example.net')
    db.add_user('john@example.org')
    db.add_user('jane@example.org')


@pytest.mark.parametrize('db', SCHEMAS, indirect=True)
def test_add_check_idempotent(db, run_tasks, postmap):
    _seed(db)
    run = run_tasks([
        db.snapshot_task('before'),
        alias(task_name='check add', source='jack@example.org', destinations=['john@example.org', 'boss@external.test'],
              check=True, diff=True),
        db.snapshot_task('after check'),
        alias(task_name='add', source='jack@example.org', destinations=['john@example.org', 'boss@external.test'],
              diff=True),
        alias(task_name='again', source='jack@example.org', destinations=['boss@external.test', 'john@example.org'],
              diff=True),
        alias(task_name='subset', source='jack@example.org', destinations=['john@example.org']),
        alias(task_name='check more', source='jack@example.org', destinations=['jane@example.org'], check=True),
        alias(task_name='more', source='jack@example.org', destinations=['jane@example.org', 'john@example.org']),
        alias(task_name='check more again', source='jack@example.org', destinations=['jane@example.org'],
              check=True),
    ])
    assert run.rc == 0, run.describe()
    assert_no_traceback(run)
    assert run.snapshot('after check') == run.snapshot('before')
    check, add = run.task('check add'), run.task('add')
    assert_ok(run, add, True)
    assert_prediction(check, add, RESULT_KEYS)
    assert add['source'] == 'jack@example.org'
    assert add['destinations'] == ['boss@external.test', 'john@example.org']
    assert sorted(add['added']) == ['boss@external.test', 'john@example.org']
    assert add['removed'] == []
    before, after = diff_of(add)
    assert 'john@example.org' in str(after) and 'john@example.org' not in str(before)
    assert_ok(run, run.task('again'), False)
    assert run.task('again')['added'] == [] and run.task('again')['removed'] == []
    assert diff_of(run.task('again'))[0] == diff_of(run.task('again'))[1]
    assert_ok(run, run.task('subset'), False)
    assert run.task('subset')['destinations'] == ['boss@external.test', 'john@example.org']
    more = run.task('more')
    assert_ok(run, more, True)
    assert_prediction(run.task('check more'), more, ('changed', 'added', 'removed', 'destinations'))
    assert more['added'] == ['jane@example.org']
    assert more['destinations'] == ['boss@external.test', 'jane@example.org', 'john@example.org']
    assert_ok(run, run.task('check more again'), False)
    assert db.destinations('jack@example.org') == ['boss@external.test', 'jane@example.org', 'john@example.org']
    assert postmap.alias_destinations('jack@example.org') == \
        ['boss@external.test', 'jane@example.org', 'john@example.org']
    assert postmap.resolve('jack@example.org') == ['boss@external.test', 'jane@example.org', 'john@example.org']


def test_exclusive_replaces_the_other_destinations(db, run_tasks, postmap):
    _seed(db)
    for destination in ('john@example.org', 'jane@example.org', 'old@external.test'):
        db.add_alias('jack@example.org', destination)
    db.add_alias('other@example.org', 'john@example.org')
    run = run_tasks([
        alias(task_name='check', source='jack@example.org', destinations=['jane@example.org', 'new@external.test'],
              exclusive=True, check=True, diff=True),
        db.snapshot_task('after check'),
        alias(task_name='exclusive', source='jack@example.org',
              destinations=['jane@example.org', 'new@external.test'], exclusive=True, diff=True),
        alias(task_name='again', source='jack@example.org', destinations=['new@external.test', 'jane@example.org'],
              exclusive=True),
    ])
    assert run.rc == 0, run.describe()
    assert len(run.snapshot('after check')['virtual_aliases']) == 4
    check, exclusive = run.task('check'), run.task('exclusive')
    assert_ok(run, exclusive, True)
    assert_prediction(check, exclusive, RESULT_KEYS)
    assert exclusive['added'] == ['new@external.test']
    assert sorted(exclusive['removed']) == ['john@example.org', 'old@external.test']
    assert exclusive['destinations'] == ['jane@example.org', 'new@external.test']
    before, after = diff_of(exclusive)
    assert 'old@external.test' in str(before) and 'old@external.test' not in str(after)
    assert_ok(run, run.task('again'), False)
    assert postmap.alias_destinations('jack@example.org') == ['jane@example.org', 'new@external.test']
    assert postmap.alias_destinations('other@example.org') == ['john@example.org']


def test_absent_with_destinations_removes_only_those(db, run_tasks, postmap):
    _seed(db)
    for destination in ('john@example.org', 'jane@example.org', 'old@external.test'):
        db.add_alias('jack@example.org', destination)
    run = run_tasks([
        alias(task_name='check', source='jack@example.org', destinations=['john@example.org', 'never@external.test'],
              state='absent', check=True),
        alias(task_name='absent', source='jack@example.org', destinations=['John@Example.ORG', 'never@external.test'],
              state='absent', diff=True),
        alias(task_name='again', source='jack@example.org', destinations=['john@example.org'], state='absent'),
    ])
    assert run.rc == 0, run.describe()
    absent = run.task('absent')
    assert_ok(run, absent, True)
    assert_prediction(run.task('check'), absent, RESULT_KEYS)
    assert absent['removed'] == ['john@example.org']
    assert absent['added'] == []
    assert absent['destinations'] == ['jane@example.org', 'old@external.test']
    assert_ok(run, run.task('again'), False)
    assert postmap.alias_destinations('jack@example.org') == ['jane@example.org', 'old@external.test']


def test_absent_without_destinations_removes_the_source(db, run_tasks, postmap):
    _seed(db)
    for destination in ('john@example.org', 'jane@example.org'):
        db.add_alias('jack@example.org', destination)
    db.add_alias('jack@example.org', 'john@example.org')  # a duplicate row from hand edits
    db.add_alias('other@example.org', 'john@example.org')
    run = run_tasks([
        alias(task_name='check', source='jack@example.org', state='absent', check=True),
        db.snapshot_task('after check'),
        alias(task_name='absent', source='jack@example.org', state='absent', diff=True),
        alias(task_name='again', source='jack@example.org', state='absent'),
        alias(task_name='never existed', source='nobody@example.org', state='absent'),
    ])
    assert run.rc == 0, run.describe()
    assert len(run.snapshot('after check')['virtual_aliases']) == 4
    absent = run.task('absent')
    assert_ok(run, absent, True)
    assert_prediction(run.task('check'), absent, RESULT_KEYS)
    assert sorted(set(absent['removed'])) == ['jane@example.org', 'john@example.org']
    assert absent['destinations'] == []
    assert_ok(run, run.task('again'), False)
    assert_ok(run, run.task('never existed'), False)
    assert db.aliases() == [('other@example.org', 'john@example.org')]
    assert postmap.alias_destinations('jack@example.org') == []
    assert postmap.alias_destinations('other@example.org') == ['john@example.org']


def test_catch_all_does_not_swallow_mailboxes(db, run_tasks, postmap):
    """With email2email in virtual_alias_maps, existing mailboxes keep their mail."""
    _seed(db)
    run = run_tasks([
        alias(task_name='catch-all', source='@Example.ORG', destinations=['catch@external.test']),
        alias(task_name='again', source='@example.org', destinations=['catch@external.test']),
        alias(task_name='jack', source='jack@example.org', destinations=['john@example.org']),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('catch-all'), True)
    assert run.task('catch-all')['source'] == '@example.org'
    assert_ok(run, run.task('again'), False)
    assert db.aliases() == [('@example.org', 'catch@external.test'), ('jack@example.org', 'john@example.org')]
    assert postmap.alias_destinations('@example.org') == ['catch@external.test']
    assert postmap.resolve('john@example.org') == ['john@example.org']
    assert postmap.resolve('jane@example.org') == ['jane@example.org']
    assert postmap.resolve('jack@example.org') == ['john@example.org']
    assert postmap.resolve('anybody@example.org') == ['catch@external.test']
    assert postmap.resolve('anybody@example.net') == []


def test_keep_a_copy_and_forward(db, run_tasks, postmap):
    """source = destination keeps a copy in the mailbox while forwarding: not a loop."""
    _seed(db)
    run = run_tasks([alias(source='john@example.org', destinations=['john@example.org', 'phone@external.test'])])
    assert_ok(run, run[0], True)
    assert postmap.resolve('john@example.org') == ['john@example.org', 'phone@external.test']


def test_loop_is_refused_and_named(db, run_tasks):
    _seed(db)
    db.add_alias('a@example.org', 'b@example.org')
    before = db.snapshot()
    run = run_tasks([
        alias(task_name='loop', source='b@example.org', destinations=['a@example.org'], ignore_errors=True),
        alias(task_name='check loop', source='b@example.org', destinations=['a@example.org'], check=True,
              ignore_errors=True),
    ])
    for name in ('loop', 'check loop'):
        assert_clean_failure(run, run.task(name), 'loop')
        assert re.search(r'(a@example\.org -> b@example\.org -> a@example\.org|'
                         r'b@example\.org -> a@example\.org -> b@example\.org)', run.task(name).msg), \
            run.task(name).msg
    assert db.snapshot() == before


@pytest.mark.parametrize('db', ['bookworm', 'trixie'], indirect=True)
def test_missing_domain_is_named(db, run_tasks):
    _seed(db)
    run = run_tasks([
        db.snapshot_task('before'),
        alias(task_name='address', source='jack@missing.test', destinations=['john@example.org'],
              ignore_errors=True),
        alias(task_name='check address', source='jack@missing.test', destinations=['john@example.org'],
              check=True, ignore_errors=True),
        alias(task_name='catch-all', source='@missing.test', destinations=['john@example.org'], ignore_errors=True),
        alias(task_name='idn', source='info@Bücher.example', destinations=['john@example.org'],
              ignore_errors=True),
        db.snapshot_task('after'),
    ])
    assert run.snapshot('after') == run.snapshot('before')
    for name in ('address', 'check address', 'catch-all'):
        assert_clean_failure(run, run.task(name), 'missing.test')
    assert_clean_failure(run, run.task('idn'), 'xn--bcher-kva.example')


def test_case_and_idn_are_normalized(db, run_tasks, postmap):
    db.add_domain('xn--bcher-kva.example')
    run = run_tasks([
        alias(task_name='add', source='Info@Bücher.Example', destinations=['Boss@Example.NET', 'Verkauf@BÜCHER.example']),
        alias(task_name='again', source='info@xn--bcher-kva.example',
              destinations=['boss@example.net', 'verkauf@xn--bcher-kva.example']),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('add'), True)
    assert run.task('add')['source'] == 'info@xn--bcher-kva.example'
    assert run.task('add')['destinations'] == ['boss@example.net', 'verkauf@xn--bcher-kva.example']
    assert_ok(run, run.task('again'), False)
    assert sorted(db.query('SELECT %s, %s FROM virtual_aliases' % (db.binary('source'), db.binary('destination')))) == [
        (b'info@xn--bcher-kva.example', b'boss@example.net'),
        (b'info@xn--bcher-kva.example', b'verkauf@xn--bcher-kva.example')]
    assert postmap.alias_destinations('info@xn--bcher-kva.example') == \
        ['boss@example.net', 'verkauf@xn--bcher-kva.example']


BAD_SOURCES = [
    ('', ()),
    ('@', ()),
    ('@@example.org', ()),
    ('jack', ('jack',)),
    ('jack@', ()),
    ('ja ck@example.org', ('ja ck@example.org',)),
    ('jack@example.org\n', ()),
    ('ja\x02ck@example.org', ()),
    ("ja'ck@example.org", ("ja'ck@example.org",)),
    ('ja"ck@example.org', ()),
    ('ja..ck@example.org', ('ja..ck@example.org',)),
    ('jack@example..org', ('jack@example..org',)),
    ('jack@-example.org', ('jack@-example.org',)),
    ('@example-.org', ('@example-.org',)),
    ('a' * 60 + '@' + 'b' * 30 + '.example.org', (re.compile(r'\b100\b'),)),
]

BAD_DESTINATIONS = [
    ('', ()),
    ('john', ('john',)),
    ('@example.org', ()),
    ('jo hn@example.org', ('jo hn@example.org',)),
    ('john@example.org\t', ()),
    ('jo\x1bhn@example.org', ()),
    ("jo'hn@example.org", ("jo'hn@example.org",)),
    ('jo"hn@example.org', ()),
    ('jo..hn@example.org', ('jo..hn@example.org',)),
    ('john@exam..ple.org', ('john@exam..ple.org',)),
    ('john@example-.org', ('john@example-.org',)),
    ('a' * 64 + '@' + 'b' * 40 + '.example.net', (re.compile(r'\b100\b'),)),
]


# Its inputs fail in the module before the database is read: the engine plays no part
# (the column limits, from the engine's schema: test_alias.py, test_values_longer_than_their_columns_fail).
@pytest.mark.engine_free
def test_bad_input_fails_clearly_and_writes_nothing(db, run_tasks):
    _seed(db)
    db.add_domain('b' * 30 + '.example.org')
    db.add_alias('jack@example.org', 'john@example.org')
    tasks = [db.snapshot_task('before')]
    for index, (bad, _fragments) in enumerate(BAD_SOURCES):
        tasks.append(alias(task_name='source %d' % index, source=bad, destinations=['john@example.org'],
                           ignore_errors=True))
    for index, (bad, _fragments) in enumerate(BAD_DESTINATIONS):
        # with a good destination first: the good one must not be written either
        tasks.append(alias(task_name='destination %d' % index, source='jack@example.org',
                           destinations=['jane@example.org', bad], ignore_errors=True))
    tasks += [
        alias(task_name='no destinations', source='jack@example.org', ignore_errors=True),
        alias(task_name='empty destinations', source='jack@example.org', destinations=[], ignore_errors=True),
        alias(task_name='exclusive bad', source='jack@example.org', destinations=['jo hn@example.org'],
              exclusive=True, ignore_errors=True),
        alias(task_name='absent bad', source='jack@example.org', destinations=["jo'hn@example.org"], state='absent',
              ignore_errors=True),
        db.snapshot_task('after'),
    ]
    run = run_tasks(tasks)
    assert run.snapshot('after') == run.snapshot('before')
    for index, (bad, fragments) in enumerate(BAD_SOURCES):
        assert_clean_failure(run, run.task('source %d' % index), *fragments)
    for index, (bad, fragments) in enumerate(BAD_DESTINATIONS):
        assert_clean_failure(run, run.task('destination %d' % index), *fragments)
    assert_clean_failure(run, run.task('no destinations'), 'destination')
    assert_clean_failure(run, run.task('empty destinations'), 'destination')
    assert_clean_failure(run, run.task('exclusive bad'), 'jo hn@example.org')
    assert_clean_failure(run, run.task('absent bad'), "jo'hn@example.org")


def test_failed_run_rolls_back(db, run_tasks):
    """Exclusive: the deletes and the first insert are undone when a later insert fails."""
    _seed(db)
    db.add_alias('jack@example.org', 'old@external.test')
    db.fail_on('virtual_aliases', 'BEFORE INSERT', "NEW.destination = 'boom@external.test'")
    before = db.snapshot()
    run = run_tasks([alias(source='jack@example.org', destinations=['aaa@external.test', 'boom@external.test'],
                           exclusive=True)])
    assert_clean_failure(run, run[0])
    assert db.snapshot() == before


def test_duplicate_rows_with_exclusive(db, run_tasks, postmap):
    """Hand-edited duplicate rows: whatever the module does, its report must match what it wrote."""
    _seed(db)
    db.add_alias('jack@example.org', 'john@example.org')
    db.add_alias('jack@example.org', 'john@example.org')
    run = run_tasks([
        alias(task_name='check', source='jack@example.org', destinations=['john@example.org'], exclusive=True,
              check=True),
        db.snapshot_task('before'),
        alias(task_name='exclusive', source='jack@example.org', destinations=['john@example.org'], exclusive=True),
        db.snapshot_task('after'),
        alias(task_name='again', source='jack@example.org', destinations=['john@example.org'], exclusive=True),
    ])
    assert run.rc == 0, run.describe()
    wrote = run.snapshot('before') != run.snapshot('after')
    assert run.task('exclusive').changed == wrote, 'changed=%s but the database %s' % (
        run.task('exclusive').changed, 'changed' if wrote else 'did not change')
    assert_prediction(run.task('check'), run.task('exclusive'), RESULT_KEYS)
    assert_ok(run, run.task('again'), False)
    assert sorted(set(postmap.alias_destinations('jack@example.org'))) == ['john@example.org']


def test_values_longer_than_their_columns_fail(db, run_tasks):
    """The limits come from the engine's own schema (information_schema): checked on both engines,
    where the bad-input batteries, which run on MariaDB alone, check the rest of the rules."""
    _seed(db)
    db.add_domain('b' * 30 + '.example.org')
    long_address = 'a' * 60 + '@' + 'b' * 30 + '.example.org'  # 103 characters: varchar(100)
    tasks = [
        db.snapshot_task('before'),
        domain(task_name='domain', name='a' * 43 + '.example', ignore_errors=True),
        user(task_name='user', email=long_address, password='Secret-Password-1', ignore_errors=True),
        alias(task_name='source', source=long_address, destinations=['john@example.org'], ignore_errors=True),
        alias(task_name='destination', source='jack@example.org',
              destinations=['a' * 64 + '@' + 'b' * 40 + '.example.net'], ignore_errors=True),
        db.snapshot_task('after'),
    ]
    run = run_tasks(tasks)
    assert run.snapshot('after') == run.snapshot('before')
    assert_clean_failure(run, run.task('domain'), re.compile(r'\b50\b'))
    for name in ('user', 'source', 'destination'):
        assert_clean_failure(run, run.task(name), re.compile(r'\b100\b'))
