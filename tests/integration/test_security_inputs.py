"""Input rules of the security review, through ansible-playbook against the real database:
password_min_length (ispmail_user single and list form, ispmail_directory) and IDNA 2008 names
(stored as Postfix looks them up)."""
import pytest

from tests.integration.helpers import assert_clean_failure, assert_ok, domain, task, user

SHORT = 'Sh0rt-7'


@pytest.fixture
def example(db):
    db.add_domain('example.org')
    return db


def test_a_short_new_password_fails_naming_the_user_never_the_password(example, run_tasks):
    run = run_tasks([
        user(task_name='single', email='john@example.org', password=SHORT, ignore_errors=True),
        user(task_name='list', users=[{'email': 'ok@example.org', 'password': 'Long-enough-1'},
                                      {'email': 'jane@example.org', 'password': SHORT}], ignore_errors=True),
        task('ispmail_directory', task_name='directory', ignore_errors=True,
             directory={'users': [{'email': 'anna@example.org', 'password': SHORT}]}),
        user(task_name='longer minimum', email='john@example.org', password='Long-enough-1', password_min_length=20,
             ignore_errors=True),
    ], verbosity=3)
    assert_clean_failure(run, run.task('single'), "user 'john@example.org'", 'password_min_length', 'at least 8')
    assert_clean_failure(run, run.task('list'), "user 'jane@example.org'", 'at least 8')
    assert_clean_failure(run, run.task('directory'), "user 'anna@example.org'", 'at least 8')
    assert_clean_failure(run, run.task('longer minimum'), 'at least 20')
    assert SHORT not in run.text
    assert example.users() == {}, 'a failed run wrote something'


def test_the_check_applies_only_when_a_password_is_set_or_changed(example, run_tasks):
    example.add_user('kept@example.org', '{PLAIN}' + SHORT)
    run = run_tasks([
        user(task_name='off', email='tiny@example.org', password='x', password_min_length=0),
        user(task_name='on_create', email='kept@example.org', password=SHORT, update_password='on_create'),
        user(task_name='hash', email='hash@example.org', password_hash='{PLAIN}x'),
        task('ispmail_directory', task_name='directory', password_min_length=0,
             directory={'users': [{'email': 'dir@example.org', 'password': 'y'}]}),
        user(task_name='unchanged', email='tiny@example.org', password='x', password_min_length=0),
    ])
    for step in ('off', 'hash', 'directory'):
        assert_ok(run, run.task(step), True)
    assert_ok(run, run.task('on_create'), False)
    assert_ok(run, run.task('unchanged'), False)
    assert sorted(example.users()) == ['dir@example.org', 'hash@example.org', 'kept@example.org', 'tiny@example.org']


def test_idna_2008_names_are_stored_as_postfix_looks_them_up(db, run_tasks, postmap):
    run = run_tasks([
        domain(task_name='sharp s', name='faß.example'),
        domain(task_name='invisible', name='a\u200b.example', ignore_errors=True),
        domain(task_name='bad a-label', name='xn--zz.example', ignore_errors=True),
    ])
    assert_ok(run, run.task('sharp s'), True)
    assert db.domains() == ['xn--fa-hia.example']
    assert postmap.is_domain('xn--fa-hia.example') and not postmap.is_domain('fass.example')
    assert_clean_failure(run, run.task('invisible'), 'IDNA 2008', 'U+200B')
    assert_clean_failure(run, run.task('bad a-label'), 'IDNA 2008', 'xn--zz')
