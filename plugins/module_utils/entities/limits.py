# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A domain's plan: the limits ispmail_domain sets, read and enforced where users and aliases change.

A run fails when it would take a domain over a limit (0: none) and writes nothing; a domain
already over a lowered limit is not made to shrink (ispmail_info reports it), but may not grow.
The counts are read under the run lock (db/), so two runs cannot pass a limit together.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.checks import whole_number
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, PlanError, SchemaError
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import domain_of
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.quota import parse_quota

# Columns of virtual_domains the role's schema adds; the option names are the same.
LIMIT_KEYS = ('max_users', 'max_aliases', 'max_quota', 'default_quota')
SIZES = ('max_quota', 'default_quota')


def has_limits(schema):
    return not schema.missing('virtual_domains', LIMIT_KEYS)


def require_limits(schema, what):
    """Refuse a limit for `what` on a schema without the columns (the guide's own)."""
    missing = schema.missing('virtual_domains', LIMIT_KEYS)
    if missing:
        raise SchemaError("%s: a limit was given, but virtual_domains has no column %s (the guide's schema "
                          'has none). The role ispmail.mailserver.server adds them to an existing database '
                          '(max_users and max_aliases INT, max_quota and default_quota BIGINT, each NOT NULL '
                          'DEFAULT 0); or leave the limits unset' % (what, ', '.join(missing)))


def normalize_limits(item, what, schema):
    """Each limit the item gives as a whole number (sizes such as 2G for the quotas); a limit
    needs the schema's columns and must fit them."""
    for key in LIMIT_KEYS:
        value = item.get(key)
        if value is None:
            continue
        require_limits(schema, what)
        name = '%s: %s' % (what, key)
        number = parse_quota(value, name) if key in SIZES else whole_number(value, name, 'items (0: no limit)')
        column_max = schema.int_max('virtual_domains', key)
        if column_max is not None and number > column_max:
            raise InputError('%s %d does not fit the column virtual_domains.%s, which holds at most %d'
                             % (name, number, key, column_max))
        item[key] = number


def check_default_quota(name, limits):
    """A domain's default_quota within its max_quota (a new mailbox would be refused)."""
    if limits['max_quota'] and limits['default_quota'] > limits['max_quota']:
        raise PlanError("domain '%s': default_quota %d is larger than max_quota %d"
                        % (name, limits['default_quota'], limits['max_quota']))


def load_limits(session, schema, ids):
    """{domain id: {'name': lowercase name, limit: value, ...}} of the given domains ({} where the
    schema has no limits). One query for all of them."""
    if not ids or not has_limits(schema):
        return {}
    rows = session.select('SELECT id, name, %s FROM virtual_domains WHERE id IN (%s)'
                          % (', '.join(LIMIT_KEYS), session.placeholders(len(ids))), sorted(ids))
    return dict((row[0], dict(zip(LIMIT_KEYS, row[2:]), name=row[1].lower())) for row in rows)


def default_quota(limits, domain_id):
    """What a new mailbox of the domain gets when its item has no quota."""
    return limits.get(domain_id, {}).get('default_quota') or 0


def _grows_past(limit, before, after):
    return limit and after > limit and after > before


def check_user_limits(before, after_plan, touched_ids, limits):
    """Refuse a user plan that takes a domain past max_users or max_quota, or that gives a mailbox
    quota 0 (unlimited) in a domain with max_quota. before: {email: UserRow}; after_plan: a
    function that returns them as the plan leaves them (called only where a limit is set);
    touched_ids: the ids of the rows this run moves or gives a new quota (new rows have none)."""
    watched = dict((i, l) for i, l in limits.items() if l['max_users'] or l['max_quota'])
    if not watched:
        return
    after = after_plan()
    old, new = _user_usage(before, watched), _user_usage(after, watched)
    for domain_id, limit in sorted(watched.items()):
        name = limit['name']
        if _grows_past(limit['max_users'], old[domain_id][0], new[domain_id][0]):
            raise PlanError("domain '%s' allows max_users %d; this run would make it %d users"
                            % (name, limit['max_users'], new[domain_id][0]))
        if _grows_past(limit['max_quota'], old[domain_id][1], new[domain_id][1]):
            raise PlanError("domain '%s' allows max_quota %d bytes for the sum of its mailbox quotas; this run "
                            "would make it %d bytes" % (name, limit['max_quota'], new[domain_id][1]))
    touched = [row for row in after.values() if row.id is None or row.id in touched_ids]
    for row in sorted(touched, key=lambda r: r.email):
        if not row.quota and watched.get(row.domain_id, {}).get('max_quota'):
            raise PlanError("user '%s': quota 0 (unlimited) is refused in domain '%s', which has max_quota %d "
                            'bytes; give the mailbox a quota, or the domain a default_quota'
                            % (row.email, watched[row.domain_id]['name'], watched[row.domain_id]['max_quota']))


def _user_usage(users, watched):
    usage = dict((domain_id, [0, 0]) for domain_id in watched)
    for row in users.values():
        if row.domain_id in usage:
            usage[row.domain_id][0] += 1
            usage[row.domain_id][1] += row.quota or 0
    return usage


def check_alias_limits(before, after, limits):
    """Refuse an alias plan that takes a domain past max_aliases (alias sources, each counted
    once). before, after: {source: destinations}; limits: {domain name: limits}."""
    watched = dict((name, l['max_aliases']) for name, l in limits.items() if l['max_aliases'])
    if not watched:
        return
    old, new = _alias_usage(before, watched), _alias_usage(after, watched)
    for name, limit in sorted(watched.items()):
        if _grows_past(limit, old[name], new[name]):
            raise PlanError("domain '%s' allows max_aliases %d; this run would make it %d alias sources"
                            % (name, limit, new[name]))


def _alias_usage(aliases, watched):
    usage = dict((name, 0) for name in watched)
    for source, destinations in aliases.items():
        domain = domain_of(source)
        if destinations and domain in usage:
            usage[domain] += 1
    return usage
