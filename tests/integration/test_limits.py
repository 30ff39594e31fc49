# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hosting plans: a domain's limits (max_users, max_aliases, max_quota, default_quota), set by
ispmail_domain and enforced by ispmail_user, ispmail_alias and ispmail_directory in the run's
one transaction, on the role's schema of both engines; two runs at once cannot pass a limit;
the guide's plain schema refuses a limit with a message naming the columns."""

import threading

import pytest

from tests.integration.helpers import alias, assert_clean_failure, assert_ok, assert_prediction, diff_of, domain, user
from tests.integration.playbook_runner import Runner

PASSWORD = 'Plan-Secret-1'
ROLE = pytest.mark.parametrize('db', ['role'], indirect=True)
GIB = 1024 ** 3


def limits(db, name):
    rows = db.query('SELECT max_users, max_aliases, max_quota, default_quota FROM virtual_domains WHERE name = %s',
                    (name,))
    assert len(rows) == 1, rows
    return dict(zip(('max_users', 'max_aliases', 'max_quota', 'default_quota'), (int(v) for v in rows[0])))


def mailbox(email, **extra):
    return dict({'email': email, 'password': PASSWORD}, **extra)


@ROLE
def test_limits_are_set_shown_in_the_diff_and_left_alone_when_not_given(db, run_tasks):
    run = run_tasks([
        domain(task_name='create', name='example.org', max_users=3, max_quota='3G', diff=True),
        domain(task_name='check', name='example.org', max_users=5, default_quota='1G', check=True, diff=True),
        domain(task_name='change', name='example.org', max_users=5, default_quota='1G', diff=True),
        domain(task_name='again', name='example.org', max_users='5', default_quota=GIB),
        domain(task_name='not given', name='example.org'),
        domain(task_name='list', domains=[{'name': 'example.net', 'max_aliases': 2}, 'example.com'], max_users=7),
    ])
    create = run.task('create')
    assert_ok(run, create, True)
    assert diff_of(create)[1] == {'name': 'example.org', 'state': 'present', 'users': 0, 'aliases': 0,
                                  'enabled': True, 'max_users': 3, 'max_aliases': 0, 'max_quota': 3 * GIB,
                                  'default_quota': 0}
    check, change = run.task('check'), run.task('change')
    assert_ok(run, check, True)
    assert_ok(run, change, True)
    assert_prediction(check, change)
    assert diff_of(check) == diff_of(change)
    before, after = diff_of(change)
    assert (before['max_users'], after['max_users']) == (3, 5)
    assert (before['default_quota'], after['default_quota']) == (0, GIB)
    assert_ok(run, run.task('again'), False)
    assert_ok(run, run.task('not given'), False)
    assert limits(db, 'example.org') == {'max_users': 5, 'max_aliases': 0, 'max_quota': 3 * GIB, 'default_quota': GIB}
    assert_ok(run, run.task('list'), True)
    assert limits(db, 'example.net') == {'max_users': 7, 'max_aliases': 2, 'max_quota': 0, 'default_quota': 0}
    assert limits(db, 'example.com')['max_users'] == 7


@ROLE
def test_max_users_refuses_the_run_that_would_pass_it_and_writes_nothing(db, run_tasks):
    run = run_tasks([
        domain(task_name='plan', name='example.org', max_users=2),
        domain(task_name='other', name='example.net'),
        user(task_name='first', email='a@example.org', password=PASSWORD),
        db.snapshot_task('one'),
        user(task_name='list over', users=[mailbox('b@example.org'), mailbox('c@example.org'),
                                           mailbox('x@example.net')], ignore_errors=True),
        user(task_name='check over', users=[mailbox('b@example.org'), mailbox('c@example.org')], check=True,
             ignore_errors=True),
        db.snapshot_task('after'),
        user(task_name='second', email='b@example.org', password=PASSWORD),
        user(task_name='third', email='c@example.org', password=PASSWORD, ignore_errors=True),
        user(task_name='swap', users=[mailbox('a@example.org'), mailbox('c@example.org')], exclusive=True),
        user(task_name='update at the limit', email='a@example.org', password='Other-Secret-2'),
    ])
    assert_ok(run, run.task('first'), True)
    for name in ('list over', 'check over', 'third'):
        assert_clean_failure(run, run.task(name), "'example.org'", 'max_users 2', 'make it 3 users')
    assert run.snapshot('after') == run.snapshot('one')
    assert_ok(run, run.task('second'), True)
    swap = run.task('swap')
    assert_ok(run, swap, True)
    assert swap['outcomes'] == {'a@example.org': 'unchanged', 'c@example.org': 'created', 'b@example.org': 'removed'}
    assert_ok(run, run.task('update at the limit'), True)
    assert sorted(db.users()) == ['a@example.org', 'c@example.org']


@ROLE
def test_max_quota_counts_the_sum_and_default_quota_fills_in(db, run_tasks):
    run = run_tasks([
        domain(task_name='plan', name='example.org', max_quota='3G', default_quota='1G'),
        user(task_name='by default', email='a@example.org', password=PASSWORD),
        user(task_name='given', email='b@example.org', password=PASSWORD, quota='1536M'),
        user(task_name='over', email='c@example.org', password=PASSWORD, ignore_errors=True),
        user(task_name='raise over', email='b@example.org', quota='2560M', ignore_errors=True),
        user(task_name='unlimited', email='d@example.org', password=PASSWORD, quota=0, ignore_errors=True),
        user(task_name='made unlimited', email='a@example.org', quota=0, ignore_errors=True),
        user(task_name='fits', email='c@example.org', password=PASSWORD, quota='512M'),
        user(task_name='lower', email='b@example.org', quota='1G'),
    ])
    assert_ok(run, run.task('by default'), True)
    assert db.user('a@example.org')['quota'] == GIB
    assert_ok(run, run.task('given'), True)
    for name in ('over', 'raise over'):
        assert_clean_failure(run, run.task(name), "'example.org'", 'max_quota %d' % (3 * GIB), 'make it')
    assert str(GIB + GIB * 3 // 2 + GIB) in run.task('over').msg
    for name, email in (('unlimited', 'd@example.org'), ('made unlimited', 'a@example.org')):
        assert_clean_failure(run, run.task(name), email, 'quota 0', 'max_quota', 'default_quota')
    assert_ok(run, run.task('fits'), True)
    assert_ok(run, run.task('lower'), True)
    assert {email: row['quota'] for email, row in db.users().items()} == {
        'a@example.org': GIB, 'b@example.org': GIB, 'c@example.org': GIB // 2}


@ROLE
def test_a_default_quota_over_max_quota_is_refused(db, run_tasks):
    run = run_tasks([
        domain(task_name='new', name='example.org', max_quota='1G', default_quota='2G', ignore_errors=True),
        domain(task_name='plan', name='example.net', max_quota='2G', default_quota='1G'),
        domain(task_name='lowered', name='example.net', max_quota='512M', ignore_errors=True),
    ])
    for name, domain_name in (('new', 'example.org'), ('lowered', 'example.net')):
        assert_clean_failure(run, run.task(name), domain_name, 'default_quota', 'larger than max_quota')
    assert db.domains() == ['example.net']
    assert limits(db, 'example.net')['max_quota'] == 2 * GIB


@ROLE
def test_max_aliases_counts_each_source_once(db, run_tasks):
    db.add_domain('example.org')
    db.add_user('john@example.org')
    run = run_tasks([
        domain(task_name='plan', name='example.org', max_aliases=2),
        alias(task_name='two destinations', source='team@example.org',
              destinations=['john@example.org', 'jane@example.net']),
        alias(task_name='catch-all', source='@example.org', destinations=['john@example.org']),
        alias(task_name='third', source='info@example.org', destinations=['john@example.org'], ignore_errors=True),
        alias(task_name='list', aliases=[{'source': 'sales@example.org', 'destinations': ['john@example.org']}],
              ignore_errors=True),
        alias(task_name='more destinations', source='team@example.org', destinations=['other@example.net']),
        alias(task_name='replace', aliases=[{'source': 'team@example.org', 'destinations': ['john@example.org']},
                                            {'source': 'info@example.org', 'destinations': ['john@example.org']}],
              exclusive=True),
    ])
    assert_ok(run, run.task('two destinations'), True)
    assert_ok(run, run.task('catch-all'), True)
    for name in ('third', 'list'):
        assert_clean_failure(run, run.task(name), "'example.org'", 'max_aliases 2', 'make it 3 alias sources')
    assert_ok(run, run.task('more destinations'), True)
    assert_ok(run, run.task('replace'), True)
    assert sorted(set(source for source, dummy in db.aliases())) == ['info@example.org', 'team@example.org']


@ROLE
def test_a_lowered_limit_is_reported_and_stops_growth_only(db, run_tasks):
    db.add_domain('example.org')
    for name in ('a', 'b', 'c'):
        db.add_user('%s@example.org' % name, quota=GIB)
    db.add_user('free@example.org', quota=0)
    db.add_alias('x@example.org', 'a@example.org')
    run = run_tasks([
        domain(task_name='lower', name='example.org', max_users=2, max_aliases=1, max_quota='2G'),
        {'name': 'info', 'ispmail.mailserver.ispmail_info': {}},
        user(task_name='grow', email='d@example.org', password=PASSWORD, quota=1, ignore_errors=True),
        user(task_name='untouched change', email='a@example.org', password='Other-Secret-2'),
        user(task_name='shrink', email='c@example.org', state='absent'),
    ])
    assert_ok(run, run.task('lower'), True)
    info = run.task('info')
    detail, = info['domain_details']
    assert detail == {'name': 'example.org', 'enabled': True, 'max_users': 2, 'max_aliases': 1,
                      'max_quota': 2 * GIB, 'default_quota': 0,
                      'usage': {'users': 4, 'aliases': 1, 'quota': 3 * GIB}}
    over = sorted((p['type'], p['subject']) for p in info['problems'])
    assert over == [('over_limit', 'example.org'), ('over_limit', 'example.org'),
                    ('quota_unlimited', 'free@example.org')]
    messages = ' '.join(p['message'] for p in info['problems'])
    assert 'max_users 2' in messages and 'max_quota %d' % (2 * GIB) in messages
    assert_clean_failure(run, run.task('grow'), 'max_users 2', 'make it 5 users')
    assert_ok(run, run.task('untouched change'), True)
    assert_ok(run, run.task('shrink'), True)
    assert len(db.users()) == 3


@ROLE
def test_the_directory_enforces_and_exports_the_limits(db, run_tasks, tmp_path):
    over, within, dest = tmp_path / 'over.yml', tmp_path / 'within.yml', tmp_path / 'export.yml'
    head = 'domains:\n  - {name: example.org, max_users: 1, max_quota: 2G, default_quota: 1G}\n'
    over.write_text(head + 'users:\n  - {email: a@example.org, password_hash: "{PLAIN}a-Secret-1"}\n'
                    '  - {email: b@example.org, password_hash: "{PLAIN}b-Secret-1"}\naliases: []\n', encoding='utf-8')
    within.write_text(head + 'users:\n  - {email: a@example.org, password_hash: "{PLAIN}a-Secret-1"}\n'
                      'aliases: []\n', encoding='utf-8')
    run = run_tasks([
        {'name': 'over', 'ispmail.mailserver.ispmail_directory': {'src': str(over)}, 'ignore_errors': True},
        {'name': 'check over', 'ispmail.mailserver.ispmail_directory': {'src': str(over)}, 'ignore_errors': True,
         'check_mode': True},
        db.snapshot_task('after over'),
        {'name': 'within', 'ispmail.mailserver.ispmail_directory': {'src': str(within)}},
        {'name': 'again', 'ispmail.mailserver.ispmail_directory': {'src': str(within)}},
        {'name': 'export', 'ispmail.mailserver.ispmail_info': {'dest': str(dest), 'return_password_hashes': True}},
        {'name': 'reapply export', 'ispmail.mailserver.ispmail_directory': {'src': str(dest)}},
    ])
    for name in ('over', 'check over'):
        assert_clean_failure(run, run.task(name), "'example.org'", 'max_users 1', 'make it 2 users')
    assert not any(run.snapshot('after over').values()), run.snapshot('after over')
    assert_ok(run, run.task('within'), True)
    assert_ok(run, run.task('again'), False)
    assert db.user('a@example.org')['quota'] == GIB
    text = dest.read_text(encoding='utf-8')
    assert '{name: "example.org", max_users: 1, max_quota: %d, default_quota: %d}' % (2 * GIB, GIB) in text
    assert_ok(run, run.task('reapply export'), False)


@ROLE
def test_runs_at_once_cannot_pass_a_limit_together(db, collections_path, admin_defaults, tmp_path, run_tasks):
    run = run_tasks([domain(task_name='plan', name='example.org', max_users=2, max_aliases=2)])
    assert_ok(run, run.task('plan'), True)
    runs = 4
    runners = [Runner(collections_path, tmp_path / ('runs%d' % i)) for i in range(runs)]
    results = [None] * runs
    barrier = threading.Barrier(runs)

    def go(i):
        barrier.wait()
        results[i] = runners[i].run([
            user(task_name='add', email='u%d@example.org' % i, password=PASSWORD),
            alias(task_name='alias', source='s%d@example.org' % i, destinations=['u%d@example.org' % i]),
        ], module_defaults=admin_defaults)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    passed = [i for i, result in enumerate(results) if result.rc == 0]
    assert len(passed) == 2, [result.describe() for result in results]
    for i, result in enumerate(results):
        if i not in passed:
            failed = [task for task in result.tasks if task.failed]
            assert len(failed) == 1 and 'max_users 2' in failed[0].msg, result.describe()
    assert sorted(db.users()) == sorted('u%d@example.org' % i for i in passed)
    assert sorted(source for source, dummy in db.aliases()) == sorted('s%d@example.org' % i for i in passed)


@pytest.mark.parametrize('db', ['trixie'], indirect=True)
def test_the_guides_schema_names_the_missing_columns_and_writes_nothing(db, run_tasks):
    db.add_domain('example.org')
    run = run_tasks([
        db.snapshot_task('before'),
        domain(task_name='limit', name='example.org', max_users=5, ignore_errors=True),
        domain(task_name='list', domains=['example.net', {'name': 'example.org', 'default_quota': '1G'}],
               ignore_errors=True),
        db.snapshot_task('after'),
        user(task_name='users still work', email='john@example.org', password=PASSWORD),
        {'name': 'info', 'ispmail.mailserver.ispmail_info': {}},
    ])
    assert run.snapshot('after') == run.snapshot('before')
    for name in ('limit', 'list'):
        assert_clean_failure(run, run.task(name), 'max_users', 'max_quota', 'virtual_domains',
                             'ispmail.mailserver.server')
    assert_ok(run, run.task('users still work'), True)
    detail, = run.task('info')['domain_details']
    assert 'max_users' not in detail and detail['usage'] == {'users': 1, 'aliases': 0, 'quota': 0}


BAD_LIMITS = [
    ('max_users', -1, 'whole number'),
    ('max_aliases', 'many', 'whole number'),
    ('max_quota', 'lots', 'not a number of bytes'),
    ('default_quota', -5, 'must not be negative'),
    ('max_users', 2 ** 40, 'does not fit'),
]


@ROLE
@pytest.mark.engine_free  # refused by the module's checks before anything is read
def test_a_bad_limit_is_refused_with_a_message(db, run_tasks):
    run = run_tasks([domain(task_name='bad %d' % i, domains=[{'name': 'example.org', option: value}],
                            ignore_errors=True) for i, (option, value, dummy) in enumerate(BAD_LIMITS)])
    for i, (option, value, fragment) in enumerate(BAD_LIMITS):
        assert_clean_failure(run, run.task('bad %d' % i), 'example.org', option, fragment)
    assert db.domains() == []
