# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a whole mail directory (domains, users, aliases) in the shape the list forms take."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.schemes import split_scheme
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.audit import audit
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.limits import LIMIT_KEYS, has_limits
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import domain_of, normalize_domain


class Directory(object):
    """Every row, lowercased; `*_rows` keep what is needed for the audit. `domain_enabled` and
    `user_enabled` ({name: bool}) are empty where the schema has no enabled columns,
    `domain_limits` ({name: limits}) where it has no limits; `usage`: {domain: {users, aliases,
    quota}}, what each domain holds (mailboxes, alias sources, the sum of the quotas)."""

    def __init__(self, session, schema):
        quota = 'u.quota' if schema.has_quota else 'NULL'
        self._read_domains(session, schema)
        self.user_enabled = self._enabled(session, schema, 'virtual_users', 'email')
        self.user_rows = session.select(
            'SELECT u.email, d.name, u.password, %s FROM virtual_users u '
            'LEFT JOIN virtual_domains d ON d.id = u.domain_id ORDER BY u.email' % quota)
        self.alias_rows = session.select(
            'SELECT a.source, a.destination, d.name FROM virtual_aliases a '
            'LEFT JOIN virtual_domains d ON d.id = a.domain_id ORDER BY a.source, a.destination, a.id')
        self.domains = sorted(set(name.lower() for dummy, name in self.domain_rows))
        self.mailboxes = set(row[0].lower() for row in self.user_rows)
        self.aliases = {}
        for source, destination, dummy in self.alias_rows:
            self.aliases.setdefault(source.lower(), set()).add(destination.lower())
        self.usage = self._usage()

    def _usage(self):
        usage = dict((name, {'users': 0, 'aliases': 0, 'quota': 0}) for name in self.domains)
        for email, dummy, dummy2, quota in self.user_rows:
            counts = usage.get(domain_of(email.lower()))
            if counts is not None:
                counts['users'] += 1
                counts['quota'] += quota or 0
        for source in self.aliases:
            if domain_of(source) in usage:
                usage[domain_of(source)]['aliases'] += 1
        return usage

    def _read_domains(self, session, schema):
        """virtual_domains in one query: its rows, and enabled and the limits where the schema has them."""
        optional = (['enabled'] if schema.has_enabled('virtual_domains') else []) + \
            (list(LIMIT_KEYS) if has_limits(schema) else [])
        rows = session.select('SELECT %s FROM virtual_domains ORDER BY name, id' % ', '.join(['id', 'name'] + optional))
        self.domain_rows = [(row[0], row[1]) for row in rows]
        self.domain_enabled, self.domain_limits = {}, {}
        for row in rows:
            name, values = row[1].lower(), dict(zip(optional, row[2:]))
            if 'enabled' in values:
                # Where mixed-case duplicates share a name, a suspended one counts.
                self.domain_enabled[name] = self.domain_enabled.get(name, True) and bool(values.pop('enabled'))
            if values:
                self.domain_limits.setdefault(name, values)

    @staticmethod
    def _enabled(session, schema, table, key):
        if not schema.has_enabled(table):
            return {}
        # Where mixed-case duplicates share a name, a suspended one counts.
        found = {}
        for name, enabled in session.select('SELECT %s, enabled FROM %s' % (key, table)):
            found[name.lower()] = found.get(name.lower(), True) and bool(enabled)
        return found


def _wanted(domain, domains):
    return not domains or domain in domains


def domain_list(directory, domains):
    return [name for name in directory.domains if _wanted(name, domains)]


def domain_details(directory, domains):
    """Each domain with what the list of names leaves out: whether it is enabled (None where the
    schema has no enabled column), its limits (where the schema has them) and its usage."""
    details = []
    for name in domain_list(directory, domains):
        detail = {'name': name, 'enabled': directory.domain_enabled.get(name)}
        detail.update(directory.domain_limits.get(name, {}))
        detail['usage'] = directory.usage[name]
        details.append(detail)
    return details


def user_list(directory, domains, with_hashes):
    users = []
    for email, dummy, password, quota in directory.user_rows:
        email = email.lower()
        if not _wanted(domain_of(email), domains):
            continue
        user = {'email': email, 'domain': domain_of(email), 'quota': quota,
                'password_scheme': split_scheme(password)[0]}
        if directory.user_enabled:
            user['enabled'] = directory.user_enabled.get(email, True)
        if with_hashes:
            user['password_hash'] = password
        users.append(user)
    return users


def alias_list(directory, domains):
    return [{'source': source, 'destinations': sorted(destinations)}
            for source, destinations in sorted(directory.aliases.items()) if _wanted(domain_of(source), domains)]


def read_directory(session, schema, domains, with_hashes):
    """ispmail_info's result: the directory in the list forms' shape, its problems and counts."""
    wanted = set(normalize_domain(d) for d in domains or [])
    directory = Directory(session, schema)
    result = dict(domains=domain_list(directory, wanted), domain_details=domain_details(directory, wanted),
                  users=user_list(directory, wanted, with_hashes),
                  aliases=alias_list(directory, wanted), problems=audit(directory, wanted))
    result['counts'] = dict((key, len(result[key])) for key in ('domains', 'users', 'aliases', 'problems'))
    return result
