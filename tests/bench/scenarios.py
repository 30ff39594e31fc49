# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's runs, in order, against one database: one job, say what each run does.

Every figure comes from the same sequence on the same machine: the list form creates the
directory, runs again with nothing to change (update_password always, then on_create),
applies a 1% change, and last the single form creates a sample of users in an Ansible loop.

Provides (no fixtures): list_runs(directory), list_tasks(), list_vars(), loop_tasks(), ansible_alone_tasks().
"""

PREFIX = 'ispmail.mailserver.'


def list_tasks(update_password):
    """The three list-form tasks, taking the lists from the vars file."""
    return [
        {'name': 'domains', PREFIX + 'ispmail_domain': {'domains': '{{ bench_domains }}'}},
        {'name': 'users', PREFIX + 'ispmail_user': {'users': '{{ bench_users }}',
                                                    'update_password': update_password}},
        {'name': 'aliases', PREFIX + 'ispmail_alias': {'aliases': '{{ bench_aliases }}'}},
    ]


def list_vars(domains, users, aliases):
    return {'bench_domains': domains, 'bench_users': users, 'bench_aliases': aliases}


def ansible_alone_tasks():
    """No module at all: what Ansible costs to start, read the vars file, and template the lists."""
    return [
        {'name': 'start-up and vars file', 'ansible.builtin.debug': {'msg': '{{ bench_domains | length }}'}},
        {'name': 'templating the lists', 'ansible.builtin.set_fact': {
            'bench_copy': ['{{ bench_domains }}', '{{ bench_users }}', '{{ bench_aliases }}']}},
    ]


def loop_tasks(domain):
    """The baseline: the single form once per user, as a playbook without the list form does it."""
    return [
        {'name': 'loop domain', PREFIX + 'ispmail_domain': {'name': domain}},
        {'name': 'loop users', PREFIX + 'ispmail_user': {
            'email': '{{ item.email }}', 'password': '{{ item.password }}', 'quota': '{{ item.quota }}'},
         'loop': '{{ bench_sample }}', 'no_log': True},
    ]


# A no-change run can be repeated with the same outcome: the table shows the median of these.
NO_CHANGE_REPEATS = 3


class Run:
    """One list-form run: its label, its lists, the update_password it uses, what it should report,
    and how many times it is made (only a run that changes nothing gives the same outcome again)."""

    def __init__(self, key, label, update_password, lists, expect_changed, repeats=1):
        self.key = key
        self.label = label
        self.update_password = update_password
        self.lists = lists
        self.expect_changed = expect_changed
        self.repeats = repeats


def list_runs(directory):
    full = (directory.domains, directory.users, directory.aliases)
    return [
        Run('create', 'list form: first creation', 'always', full, True),
        Run('always', 'list form: no change, update_password always', 'always', full, False, NO_CHANGE_REPEATS),
        Run('on_create', 'list form: no change, update_password on_create', 'on_create', full, False,
            NO_CHANGE_REPEATS),
        Run('change', 'list form: 1% changed (update_password always)', 'always',
            directory.changed_one_percent(), True),
    ]
