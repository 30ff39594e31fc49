"""Rows that would lead outside the mail root, through the modules against the real database.

A virtual_domains row named '..', '' or '.', or a virtual_users row '../..@example.org', under
exclusive + remove_mail: the run fails naming the row, no row and no directory changes, and a
sentinel file beside the mail root stays. ispmail_info lists those rows among its problems.
"""
import pytest

from tests.integration.helpers import assert_clean_failure, domain, task, user

HOSTILE_DOMAINS = ['..', '', '.']
# The refusal comes from the module's path checks before any write: MariaDB alone.
pytestmark = pytest.mark.engine_free


@pytest.fixture
def mail_tree(tmp_path):
    """tmp_path/vmail/... with mail, and tmp_path/sentinel beside the mail root (in the
    directory '..' of the mail root names)."""
    root = tmp_path / 'vmail'
    (root / 'example.org' / 'john' / 'Maildir' / 'cur').mkdir(parents=True)
    (tmp_path / 'sentinel').write_text('keep me')
    return root


def _intact(root):
    return (root.parent / 'sentinel').read_text() == 'keep me' and (root / 'example.org' / 'john').is_dir()


@pytest.mark.parametrize('name', HOSTILE_DOMAINS)
def test_a_hostile_domain_row_stops_exclusive_removal(db, run_tasks, mail_tree, name):
    db.add_domain('example.org')
    db.add_user('john@example.org')
    db.execute('INSERT INTO virtual_domains (name) VALUES (%s)', (name,))
    before = db.snapshot()
    run = run_tasks([
        domain(task_name='check', domains=['example.org'], exclusive=True, force=True, remove_mail=True,
               mail_root=str(mail_tree), check=True, ignore_errors=True),
        domain(task_name='run', domains=['example.org'], exclusive=True, force=True, remove_mail=True,
               mail_root=str(mail_tree), ignore_errors=True),
        task('ispmail_info', task_name='info'),
    ])
    for step in ('check', 'run'):
        assert_clean_failure(run, run.task(step), 'virtual_domains row', 'not a valid domain or mailbox', 'nothing was changed')
    assert db.snapshot() == before
    assert _intact(mail_tree)
    problems = [p for p in run.task('info')['problems'] if p['type'] == 'unsafe_name']
    assert [p['subject'] for p in problems] == [name]


def test_a_hostile_user_row_stops_exclusive_removal(db, run_tasks, mail_tree):
    db.add_domain('example.org')
    db.add_user('john@example.org')
    db.add_user('keep@example.org')
    domain_id = db.domain_id('example.org')
    db.execute('INSERT INTO virtual_users (domain_id, email, password) VALUES (%s, %s, %s)',
               (domain_id, '../..@example.org', '{PLAIN}x'))
    (mail_tree / 'example.org' / 'keep').mkdir()
    before = db.snapshot()
    run = run_tasks([
        user(task_name='run', users=[{'email': 'keep@example.org', 'password_hash': '{PLAIN}x'}], exclusive=True,
             remove_mail=True, mail_root=str(mail_tree), ignore_errors=True),
        task('ispmail_info', task_name='info'),
    ])
    assert_clean_failure(run, run.task('run'), "virtual_users row '../..@example.org'", 'nothing was changed')
    assert db.snapshot() == before
    assert _intact(mail_tree) and (mail_tree / 'example.org' / 'keep').is_dir()
    assert [p['subject'] for p in run.task('info')['problems'] if p['type'] == 'unsafe_name'] == ['../..@example.org']


def test_a_domain_removal_with_force_checks_its_hostile_user_rows(db, run_tasks, mail_tree):
    """The domain's own directory is checked; its users go with it (their rows by the domain id)."""
    db.add_domain('example.org')
    db.add_user('john@example.org')
    run = run_tasks([domain(task_name='run', name='example.org', state='absent', force=True, remove_mail=True,
                            mail_root=str(mail_tree))])
    assert run.task('run').changed
    assert not (mail_tree / 'example.org').exists()
    assert (mail_tree.parent / 'sentinel').read_text() == 'keep me'


def test_a_symlink_leading_out_stops_the_run_before_any_write(db, run_tasks, mail_tree, tmp_path):
    outside = tmp_path / 'outside'
    (outside / 'bob').mkdir(parents=True)
    (mail_tree / 'example.net').symlink_to(outside)
    db.add_domain('example.net')
    db.add_user('bob@example.net')
    before = db.snapshot()
    run = run_tasks([user(task_name='run', email='bob@example.net', state='absent', remove_mail=True,
                          mail_root=str(mail_tree), ignore_errors=True)])
    assert_clean_failure(run, run.task('run'), 'not below')
    assert db.snapshot() == before
    assert (outside / 'bob').is_dir()
