# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mail domains (virtual_domains): reading, planning and writing."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.addresses import check_length, normalize_domain
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import PlanError
from ansible_collections.ispmail.mailserver.plugins.module_utils.items import Report, check_state, refuse_duplicates

ITEM_KEYS = ('name', 'state')


def normalize_items(items, schema):
    for item in items:
        item['name'] = normalize_domain(item['name'], 'domain')
        check_length(item['name'], schema.max_length('virtual_domains', 'name'), 'domain')
        check_state(item, "domain '%s'" % item['name'])
    refuse_duplicates([item['name'] for item in items], 'domain')
    return items


def load_domains(session):
    """{lowercase name: [(id, stored name, users, aliases), ...]}: several rows where no unique key
    stopped duplicates."""
    rows = session.select(
        'SELECT d.id, d.name, '
        '(SELECT COUNT(*) FROM virtual_users u WHERE u.domain_id = d.id), '
        '(SELECT COUNT(*) FROM virtual_aliases a WHERE a.domain_id = d.id) '
        'FROM virtual_domains d ORDER BY d.id')
    domains = {}
    for row in rows:
        domains.setdefault(row[1].lower(), []).append(row)
    return domains


def domain_ids(session, names):
    """{name: id} of the named domains that exist (the oldest row where there are duplicates)."""
    if not names:
        return {}
    names = sorted(set(names))
    rows = session.select('SELECT id, name FROM virtual_domains WHERE name IN (%s) ORDER BY id DESC'
                          % ', '.join(['%s'] * len(names)), names)
    return dict((name.lower(), domain_id) for domain_id, name in rows)


def _state(rows, name):
    if not rows:
        return None
    return {'name': name, 'state': 'present', 'users': sum(r[2] for r in rows), 'aliases': sum(r[3] for r in rows)}


class DomainPlan(object):
    def __init__(self):
        self.report = Report('name')
        self.create = []
        self.rename = []      # (new name, id)
        self.remove = []      # (name, rows)
        self.users_removed = 0
        self.aliases_removed = 0


def plan(existing, items, exclusive, force):
    result = DomainPlan()
    listed = set()
    for item in items:
        name = item['name']
        listed.add(name)
        rows = existing.get(name, [])
        before = _state(rows, name)
        if item['state'] == 'present':
            if not rows:
                result.create.append(name)
                result.report.add(name, 'created', None, {'name': name, 'state': 'present', 'users': 0, 'aliases': 0})
            elif rows[0][1] != name:
                result.rename.extend((name, row[0]) for row in rows)
                result.report.add(name, 'updated', dict(before, stored_as=rows[0][1]), before)
            else:
                result.report.add(name, 'unchanged', before, before)
        elif rows:
            _plan_removal(result, name, rows, force)
        else:
            result.report.add(name, 'unchanged')
    if exclusive:
        for name in sorted(set(existing) - listed):
            _plan_removal(result, name, existing[name], force)
    return result


def _plan_removal(result, name, rows, force):
    users = sum(r[2] for r in rows)
    aliases = sum(r[3] for r in rows)
    if (users or aliases) and not force:
        raise PlanError("domain '%s' still has %d user(s) and %d alias row(s); remove them first, or set "
                        "force: true to remove them with the domain" % (name, users, aliases))
    result.remove.append((name, rows))
    result.users_removed += users
    result.aliases_removed += aliases
    result.report.add(name, 'removed', _state(rows, name), None)


def apply(session, domain_plan):
    session.write_many('INSERT INTO virtual_domains (name) VALUES (%s)', [(n,) for n in domain_plan.create])
    session.write_many('UPDATE virtual_domains SET name = %s WHERE id = %s', domain_plan.rename)
    ids = [(row[0],) for dummy, rows in domain_plan.remove for row in rows]
    # Explicit deletes rather than trusting ON DELETE CASCADE, which hand-made schemas may lack.
    session.write_many('DELETE FROM virtual_aliases WHERE domain_id = %s', ids)
    session.write_many('DELETE FROM virtual_users WHERE domain_id = %s', ids)
    session.write_many('DELETE FROM virtual_domains WHERE id = %s', ids)
