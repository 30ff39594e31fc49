# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail_directory: the whole directory (domains, users, aliases) applied in one transaction.

The three tables' own rules do the work, in the order the foreign keys need: new domains,
then users, then aliases, then the domains that go (after their users and aliases went). Each
step reads what the earlier ones wrote, so check mode runs as a rehearsal (db/session.py): the
writes run and are rolled back.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities import aliases, domains, users
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.report import Report
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildirs import check_mail_dirs

SECTIONS = ('domains', 'users', 'aliases')
TABLES = (domains.Domains(), users.Users(), aliases.Aliases())


def normalize(sections, schema):
    return tuple(table.normalize(items, schema) for table, items in zip(TABLES, sections))


class DirectoryPlan(object):
    """The four steps' plans: domains created, users, aliases, domains removed."""

    def __init__(self, created, user_plan, alias_plan, removed):
        self.created = created
        self.users = user_plan
        self.aliases = alias_plan
        self.removed = removed

    def domain_report(self, domain_items):
        """One report of the domains: the first step's entries, and the removals of the last."""
        present = set(item['name'] for item in domain_items if item['state'] == 'present')
        report = Report('name')
        report.entries = list(self.created.report.entries) + [
            entry for entry in self.removed.report.entries if entry[0] not in present]
        return report

    def reports(self, domain_items):
        return dict(domains=self.domain_report(domain_items), users=self.users.report, aliases=self.aliases.report)


def sync(session, schema, sections, options):
    """Apply the normalized sections; returns the DirectoryPlan."""
    domain_items, user_items, alias_items = sections
    exclusive, force = options['exclusive'], options['force']
    present = [item for item in domain_items if item['state'] == 'present']
    scope = [item['name'] for item in present]
    created = domains.plan(domains.load_domains(session, schema), present, False, False)
    domains.apply(created, session)
    user_current = users.load(session, schema, user_items, scope)
    user_plan = users.plan(user_current, user_items, exclusive)
    # Renamed mailboxes' directories move after the commit: their names are checked now.
    check_mail_dirs(options['mail_root'], users.mail_dir_names(user_plan, user_items, user_current, False))
    users.apply(user_plan, session)
    alias_plan = aliases.plan(aliases.load(session, schema, alias_items, scope), alias_items, exclusive, exclusive)
    aliases.apply(alias_plan, session)
    removed = domains.plan(domains.load_domains(session, schema), domain_items, exclusive, force)
    domains.apply(removed, session)
    return DirectoryPlan(created, user_plan, alias_plan, removed)


def report(plan, domain_items):
    """Counts per table and outcome, the changed entries per table, and one diff per table."""
    reports = plan.reports(domain_items)
    result = {'changed': any(reports[section].changed for section in SECTIONS), 'counts': {}, 'changes': {}}
    diffs = []
    for section in SECTIONS:
        section_report = reports[section]
        result['counts'][section] = section_report.counts()
        result['changes'][section] = dict((key, outcome) for key, outcome in section_report.outcomes().items()
                                          if outcome != 'unchanged')
        diff = section_report.list_diff()
        diff.update(before_header=section, after_header=section)
        diffs.append(diff)
    result['diff'] = diffs
    result['password_changed'] = len(plan.users.password_changed)
    return result
