# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A list-form run is one transaction: a statement failing late undoes the items written before it.

(The list forms themselves are covered by test_lists.py.)
"""

from tests.integration.helpers import alias, assert_clean_failure, domain, user

PASSWORD = 'List-Default-Pw-31'


def test_users_list_is_one_transaction(db, run_tasks):
    db.add_domain('example.org')
    db.add_user('old@example.org')
    db.fail_on('virtual_users', 'BEFORE INSERT', "NEW.email = 'boom@example.org'")
    before = db.snapshot()
    run = run_tasks([user(users=['a@example.org', 'b@example.org', 'boom@example.org', 'c@example.org'],
                          password=PASSWORD, exclusive=True)])
    assert_clean_failure(run, run[0])
    assert db.snapshot() == before
    assert PASSWORD not in run.text


def test_aliases_and_domains_lists_are_one_transaction(db, run_tasks):
    db.add_domain('example.org')
    db.add_domain('old.example')
    db.add_alias('old@example.org', 'x@external.test')
    db.fail_on('virtual_aliases', 'BEFORE INSERT', "NEW.destination = 'boom@external.test'")
    db.fail_on('virtual_domains', 'BEFORE INSERT', "NEW.name = 'boom.example'")
    before = db.snapshot()
    run = run_tasks([
        alias(task_name='aliases', exclusive=True, ignore_errors=True, aliases=[
            {'source': 'a@example.org', 'destinations': ['a@external.test']},
            {'source': 'b@example.org', 'destinations': ['boom@external.test']}]),
        domain(task_name='domains', exclusive=True, ignore_errors=True,
               domains=['example.org', 'new.example', 'boom.example']),
    ])
    assert_clean_failure(run, run.task('aliases'))
    assert_clean_failure(run, run.task('domains'))
    assert db.snapshot() == before
