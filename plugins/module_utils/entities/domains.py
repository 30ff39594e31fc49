# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mail domains (virtual_domains): normalize, load, plan, apply, report."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.base import Entity
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.checks import check_enabled, check_state, refuse_duplicates
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.limits import (
    LIMIT_KEYS, check_default_quota, has_limits, normalize_limits)
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.report import Report
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import PlanError
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import check_length, normalize_domain, printable
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.doveadm import end_sessions
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildirs import check_mail_dirs, check_mail_root
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.retention import check_retention, dispose_mail_dirs


def normalize_items(items, schema):
    for item in items:
        item['name'] = normalize_domain(item['name'], 'domain')
        check_length(item['name'], schema.max_length('virtual_domains', 'name'), 'domain')
        check_state(item, "domain '%s'" % item['name'])
        check_enabled(item, "domain '%s'" % item['name'], schema, 'virtual_domains')
        normalize_limits(item, "domain '%s'" % item['name'], schema)
    refuse_duplicates([item['name'] for item in items], 'domain')
    return items


class DomainRow(object):
    """One virtual_domains row with the number of users and alias rows filed under it; enabled
    is None where the schema has no enabled column, limits ({limit: value}) None where it has
    none."""

    __slots__ = ('id', 'name', 'users', 'aliases', 'enabled', 'limits')

    def __init__(self, row_id, name, users=0, aliases=0, enabled=None, limits=None):
        self.id = row_id
        self.name = name
        self.users = users
        self.aliases = aliases
        self.enabled = None if enabled is None else bool(enabled)
        self.limits = limits

    def but(self, **changes):
        """A copy with other values."""
        values = dict((key, getattr(self, key)) for key in self.__slots__)
        values.update(changes)
        return DomainRow(values.pop('id'), **values)


class DomainMap(dict):
    """{lowercase name: [DomainRow, ...]} (several rows where no unique key stopped duplicates),
    and whether the schema has the enabled column (new rows are enabled there) and the limits'."""

    def __init__(self, rows=(), has_enabled=False, has_limits=False):
        super(DomainMap, self).__init__(rows)
        self.has_enabled = has_enabled
        self.has_limits = has_limits


def load_domains(session, schema=None):
    has_enabled = schema is not None and schema.has_enabled('virtual_domains')
    with_limits = schema is not None and has_limits(schema)
    rows = session.select(
        'SELECT d.id, d.name, '
        '(SELECT COUNT(*) FROM virtual_users u WHERE u.domain_id = d.id), '
        '(SELECT COUNT(*) FROM virtual_aliases a WHERE a.domain_id = d.id), '
        '%s, %s FROM virtual_domains d ORDER BY d.id'
        % ('d.enabled' if has_enabled else 'NULL', ', '.join('d.' + key for key in LIMIT_KEYS) if with_limits else 'NULL'))
    domains = DomainMap(has_enabled=has_enabled, has_limits=with_limits)
    for row in rows:
        limits = dict(zip(LIMIT_KEYS, row[5:])) if with_limits else None
        domains.setdefault(row[1].lower(), []).append(DomainRow(*row[:5], limits=limits))
    return domains


def domain_ids(session, names):
    """{name: id} of the named domains that exist (the oldest row where there are duplicates)."""
    if not names:
        return {}
    names = sorted(set(names))
    rows = session.select('SELECT id, name FROM virtual_domains WHERE %s IN (%s) ORDER BY id DESC'
                          % (session.fold('name'), session.placeholders(len(names))), names)
    return dict((name.lower(), domain_id) for domain_id, name in rows)


def _state(rows, name):
    if not rows:
        return None
    state = {'name': name, 'state': 'present', 'users': sum(r.users for r in rows),
             'aliases': sum(r.aliases for r in rows)}
    if rows[0].enabled is not None:
        state['enabled'] = rows[0].enabled
    if rows[0].limits is not None:
        state.update(rows[0].limits)
    return state


class DomainPlan(object):
    def __init__(self):
        self.report = Report('name')
        self.create = []      # (name, enabled, limits): None where the schema has no column(s)
        self.rename = []      # (new name, id): a stored name in another case
        self.set_enabled = []  # (enabled, id)
        self.set_limits = dict((key, []) for key in LIMIT_KEYS)  # {limit: [(value, id)]}
        self.disabled = []    # names suspended by this run (their users' sessions are ended)
        self.remove = []      # (name, rows)
        self.users_removed = 0
        self.aliases_removed = 0

    @property
    def removed_ids(self):
        return [row.id for dummy, rows in self.remove for row in rows]


def plan(existing, items, exclusive, force):
    """The changes that make `existing` ({name: [DomainRow]}) hold the items. Pure.

    `exclusive`: domains not listed are removed; `force`: removing a domain that still has
    users or aliases removes them too (else PlanError).
    """
    result = DomainPlan()
    for item in items:
        name = item['name']
        rows = existing.get(name, [])
        if item['state'] == 'absent':
            if rows:
                _plan_removal(result, name, rows, force)
            else:
                result.report.add(name, 'unchanged')
        elif not rows:
            row = DomainRow(None, name, enabled=_new_enabled(item, existing), limits=_new_limits(item, existing))
            result.create.append((name, row.enabled, row.limits))
            result.report.add(name, 'created', None, _state([row], name))
        else:
            _plan_update(result, item, rows)
    if exclusive:
        listed = set(item['name'] for item in items)
        for name in sorted(set(existing) - listed):
            _plan_removal(result, name, existing[name], force)
    return result


def _new_enabled(item, existing):
    """A new domain's enabled: as the item says, else true where the schema has the column."""
    if item.get('enabled') is not None:
        return item['enabled']
    return True if getattr(existing, 'has_enabled', False) else None


def _new_limits(item, existing):
    """A new domain's limits: as the item says, else none (0), where the schema has them."""
    if not getattr(existing, 'has_limits', False):
        return None
    limits = dict((key, item.get(key) or 0) for key in LIMIT_KEYS)
    check_default_quota(item['name'], limits)
    return limits


def _plan_update(result, item, rows):
    name = item['name']
    before = _state(rows, name)
    after = dict(before)
    if rows[0].name != name:
        result.rename.extend((name, row.id) for row in rows)
        before['stored_as'] = rows[0].name
    if item.get('enabled') is not None and any(row.enabled != item['enabled'] for row in rows):
        result.set_enabled.extend((item['enabled'], row.id) for row in rows if row.enabled != item['enabled'])
        after['enabled'] = item['enabled']
        if not item['enabled']:
            result.disabled.append(name)
    if rows[0].limits is not None:
        _plan_limits(result, item, rows, after)
    result.report.add(name, 'updated' if before != after else 'unchanged', before, after)


def _plan_limits(result, item, rows, after):
    """The limits the item gives where a row holds others; the rest stay as stored."""
    limits = dict(rows[0].limits)
    for key in LIMIT_KEYS:
        if item.get(key) is not None:
            limits[key] = item[key]
            after[key] = item[key]
            result.set_limits[key].extend((item[key], row.id) for row in rows if row.limits[key] != item[key])
    if limits != rows[0].limits:
        check_default_quota(item['name'], limits)


def _plan_removal(result, name, rows, force):
    users = sum(r.users for r in rows)
    aliases = sum(r.aliases for r in rows)
    if (users or aliases) and not force:
        raise PlanError("domain '%s' still has %d user(s) and %d alias row(s); remove them first, or set "
                        "force: true to remove them with the domain" % (name, users, aliases))
    result.remove.append((name, rows))
    result.users_removed += users
    result.aliases_removed += aliases
    result.report.add(name, 'removed', _state(rows, name), None)


def applied(existing, domain_plan):
    """What `existing` looks like after the plan (ids of new rows are None). Pure."""
    after = DomainMap(((name, list(rows)) for name, rows in existing.items()),
                      getattr(existing, 'has_enabled', False), getattr(existing, 'has_limits', False))
    for name, dummy in domain_plan.remove:
        del after[name]
    for name, row_id in domain_plan.rename:
        after[name] = [r.but(name=name) if r.id == row_id else r for r in after[name]]
    enabled = dict((row_id, value) for value, row_id in domain_plan.set_enabled)
    limits = {}
    for key, changes in domain_plan.set_limits.items():
        for value, row_id in changes:
            limits.setdefault(row_id, {})[key] = value
    for name in after:
        after[name] = [r.but(enabled=enabled.get(r.id, r.enabled),
                             limits=dict(r.limits, **limits[r.id]) if r.id in limits else r.limits)
                       for r in after[name]]
    for name, value, new_limits in domain_plan.create:
        after[name] = [DomainRow(None, name, enabled=value, limits=new_limits)]
    return after


def apply(domain_plan, session):
    # The optional columns the schema has: enabled and the limits (the role's). One plan's new
    # rows all have the same.
    inserts = {}
    for name, enabled, limits in domain_plan.create:
        values = [('name', name)] + ([('enabled', enabled)] if enabled is not None else [])
        values += sorted(limits.items()) if limits is not None else []
        inserts.setdefault(tuple(key for key, dummy in values), []).append(tuple(value for dummy, value in values))
    for columns, rows in sorted(inserts.items()):
        session.write_many('INSERT INTO virtual_domains (%s) VALUES (%s)'
                           % (', '.join(columns), session.placeholders(len(columns))), rows)
    session.write_many('UPDATE virtual_domains SET name = %s WHERE id = %s', domain_plan.rename)
    session.write_many('UPDATE virtual_domains SET enabled = %s WHERE id = %s', domain_plan.set_enabled)
    for key in LIMIT_KEYS:  # column names from the fixed list, never from the input
        session.write_many('UPDATE virtual_domains SET %s = %%s WHERE id = %%s' % key, domain_plan.set_limits[key])
    ids = [(row_id,) for row_id in domain_plan.removed_ids]
    # Explicit deletes rather than trusting ON DELETE CASCADE, which hand-made schemas may lack.
    session.write_many('DELETE FROM virtual_aliases WHERE domain_id = %s', ids)
    session.write_many('DELETE FROM virtual_users WHERE domain_id = %s', ids)
    session.write_many('DELETE FROM virtual_domains WHERE id = %s', ids)


class Domains(Entity):
    list_key = 'domains'
    key_name = 'name'
    # 'usage' is accepted (and ignored), so that ispmail_info's domain_details can be fed back.
    item_keys = ('name', 'state', 'enabled') + LIMIT_KEYS + ('usage',)
    option_keys = ('exclusive', 'force', 'remove_mail', 'mail_root', 'mail_retention')
    normalize = staticmethod(normalize_items)
    apply = staticmethod(apply)
    applied = staticmethod(applied)

    def check_options(self, options):
        check_retention(options)
        if options['remove_mail']:
            check_mail_root(options['mail_root'])

    def load(self, session, schema, items, options):
        return load_domains(session, schema)

    def plan(self, current, items, options):
        domain_plan = plan(current, items, options['exclusive'] and options['is_list'], options['force'])
        if options['remove_mail']:
            check_mail_dirs(options['mail_root'], mail_dir_names(domain_plan, items))
        return domain_plan

    def report(self, plan, items, options):
        result = dict(users_removed=plan.users_removed, aliases_removed=plan.aliases_removed, mail_removed=[],
                      mail_retained=[], sessions_ended=[])
        if not options['is_list']:
            result['name'] = items[0]['name']
        return plan.report.shape(result, options['is_list'])

    def after_commit(self, plan, items, options, check_mode):
        effects = {'sessions_ended': end_sessions(['*@' + name for name in plan.disabled], None, check_mode)}
        if options['remove_mail']:
            names = sorted(name for name, dummy in mail_dir_names(plan, items))
            effects.update(dispose_mail_dirs(options, names, check_mode))
        return effects


def mail_dir_names(domain_plan, items):
    """[(name, what)]: the domains whose mail directories remove_mail removes, with where each
    name came from. Absent domains too: their directory may have outlived an earlier removal."""
    named = dict((i['name'], None) for i in items if i['state'] == 'absent')
    for name, rows in domain_plan.remove:
        named[name] = "the virtual_domains row '%s' (id %s)" % (printable(rows[0].name), rows[0].id)
    return sorted(named.items())
