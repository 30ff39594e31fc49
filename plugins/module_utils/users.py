# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mailboxes (virtual_users): reading, planning (with parallel password checks) and writing."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ispmail.mailserver.plugins.module_utils.addresses import (
    check_length, domain_of, normalize_domain, normalize_mailbox)
from ansible_collections.ispmail.mailserver.plugins.module_utils.domains import domain_ids
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, PlanError
from ansible_collections.ispmail.mailserver.plugins.module_utils.items import (
    Report, check_state, refuse_duplicates)
from ansible_collections.ispmail.mailserver.plugins.module_utils.passwords import (
    SCHEMES, check_password, check_password_hash, make_hash, split_scheme, verify)
from ansible_collections.ispmail.mailserver.plugins.module_utils.quota import check_quota_fits, parse_quota

# 'domain' is accepted (and checked) so that ispmail_info's user list can be fed back as it is.
ITEM_KEYS = ('email', 'domain', 'password', 'password_hash', 'password_scheme', 'update_password', 'quota',
             'state')
UPDATE_PASSWORD = ('always', 'on_create')


def normalize_items(items, schema):
    email_max = schema.max_length('virtual_users', 'email')
    password_max = schema.max_length('virtual_users', 'password')
    for item in items:
        item['email'] = normalize_mailbox(item['email'], 'email')
        what = "user '%s'" % item['email']
        check_length(item['email'], email_max, 'email')
        check_state(item, what)
        if item.get('password') is not None and item.get('password_hash') is not None:
            raise InputError('%s: password and password_hash are mutually exclusive' % what)
        if isinstance(item.get('password'), (int, float)) and not isinstance(item['password'], bool):
            item['password'] = str(item['password'])  # as Ansible converts the top-level option
        try:
            if item.get('password') is not None:
                check_password(item['password'])
            if item.get('password_hash') is not None:
                check_password_hash(item['password_hash'], password_max)
        except InputError as exc:
            raise InputError('%s: %s' % (what, exc))
        if item.get('domain') is not None and normalize_domain(item['domain']) != domain_of(item['email']):
            raise InputError("%s: domain '%s' is not the domain of the address" % (what, item['domain']))
        # Checked in _password_work, when a password is to be hashed: beside a ready hash, or for
        # a user whose password is kept (on_create), the scheme is information, such as
        # ispmail_info's password_scheme of a {CRYPT} hash.
        item['password_scheme'] = str(item.get('password_scheme') or 'BLF-CRYPT').upper()
        if item.get('update_password') not in UPDATE_PASSWORD:
            raise InputError("%s: update_password must be 'always' or 'on_create', not %r"
                             % (what, item.get('update_password')))
        item['quota'] = parse_quota(item.get('quota'), '%s: quota' % what)
        check_quota_fits(item['quota'], schema, '%s: quota' % what)
    refuse_duplicates([item['email'] for item in items], 'user')
    return items


def schemes_needed(items):
    """The schemes this run may have to hash or check with (for the missing-library check)."""
    return set(item['password_scheme'] for item in items if item.get('password') is not None)


def load_users(session, schema, ids, emails):
    """{email: {id, domain_id, email, password, quota}} for the given domains and addresses."""
    quota = 'quota' if schema.has_quota else 'NULL'
    clauses, params = [], []
    if ids:
        clauses.append('domain_id IN (%s)' % ', '.join(['%s'] * len(ids)))
        params.extend(sorted(ids))
    if emails:
        clauses.append('email IN (%s)' % ', '.join(['%s'] * len(emails)))
        params.extend(sorted(emails))
    if not clauses:
        return {}
    rows = session.select('SELECT id, domain_id, email, password, %s FROM virtual_users WHERE %s ORDER BY id'
                          % (quota, ' OR '.join(clauses)), params)
    users = {}
    for user_id, domain_id, email, password, user_quota in rows:
        users.setdefault(email.lower(), dict(id=user_id, domain_id=domain_id, email=email,
                                             password=password, quota=user_quota))
    return users


def _public(email, quota, has_quota):
    """What may be shown of a user: never the password or its hash."""
    return {'email': email, 'domain': domain_of(email), 'quota': quota if has_quota else None}


class UserPlan(object):
    def __init__(self):
        self.report = Report('email')
        self.insert = []        # (domain_id, email, hash, quota)
        self.set_password = []  # (hash, id)
        self.set_quota = []     # (quota, id)
        self.set_email = []     # (email, domain_id, id)
        self.delete = []        # (id,)
        self.removed = []       # emails
        self.password_changed = set()


def _password_work(items, existing):
    """Decide, in parallel across the cores, which passwords need a new hash.

    Returns {email: new hash} for created users and for users whose stored hash does not match.
    """
    checks, hashes = [], []
    for item in items:
        password = item.get('password')
        if item['state'] != 'present' or password is None:
            continue
        current = existing.get(item['email'])
        if current is None:
            hashes.append(item)
        elif item['update_password'] == 'always':
            if split_scheme(current['password'])[0] == item['password_scheme']:
                checks.append(item)
            else:
                hashes.append(item)  # Another scheme than asked for: replace it.
    workers = min(32, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda i: verify(i['password'], existing[i['email']]['password']), checks)
        hashes.extend(item for item, same in zip(checks, list(results)) if not same)
        for item in hashes:
            if item['password_scheme'] not in SCHEMES:
                raise InputError("user '%s': password_scheme must be one of %s to hash a password with, not %s"
                                 % (item['email'], ', '.join(SCHEMES), item['password_scheme']))
        made = list(pool.map(lambda i: make_hash(i['password'], i['password_scheme']), hashes))
    return dict((item['email'], new) for item, new in zip(hashes, made))


def plan(session, schema, items, exclusive):
    ids = domain_ids(session, set(domain_of(item['email']) for item in items))
    for item in items:
        if item['state'] == 'present' and domain_of(item['email']) not in ids:
            raise PlanError("the domain '%s' of user '%s' does not exist; create it first with "
                            "ispmail.mailserver.ispmail_domain" % (domain_of(item['email']), item['email']))
    existing = load_users(session, schema, set(ids.values()), [item['email'] for item in items])
    new_hashes = _password_work(items, existing)
    result = UserPlan()
    for item in items:
        email = item['email']
        current = existing.get(email)
        if item['state'] == 'absent':
            if current:
                _plan_removal(result, schema, current)
            else:
                result.report.add(email, 'unchanged')
        elif current is None:
            _plan_creation(result, schema, item, ids, new_hashes)
        else:
            _plan_update(result, schema, item, current, ids, new_hashes)
    if exclusive:
        listed = set(item['email'] for item in items)
        for email in sorted(set(existing) - listed):
            if domain_of(email) in ids:
                _plan_removal(result, schema, existing[email])
    return result


def _plan_creation(result, schema, item, ids, new_hashes):
    email = item['email']
    password = new_hashes.get(email) or item.get('password_hash')
    if password is None:
        raise InputError("user '%s' does not exist yet: give password or password_hash" % email)
    quota = item['quota'] or 0
    result.insert.append((ids[domain_of(email)], email, password, quota))
    result.password_changed.add(email)
    after = dict(_public(email, quota, schema.has_quota), password='set')
    result.report.add(email, 'created', None, after)


def _plan_update(result, schema, item, current, ids, new_hashes):
    email = item['email']
    before = dict(_public(current['email'], current['quota'], schema.has_quota), password='unchanged')
    after = dict(before)
    new_hash = new_hashes.get(email)
    if (new_hash is None and item.get('password_hash') is not None and item['update_password'] == 'always'
            and item['password_hash'] != current['password']):
        new_hash = item['password_hash']
    if new_hash is not None:
        result.set_password.append((new_hash, current['id']))
        result.password_changed.add(email)
        after['password'] = 'changed'
    if item['quota'] is not None and item['quota'] != current['quota']:
        result.set_quota.append((item['quota'], current['id']))
        after['quota'] = item['quota']
    domain_id = ids[domain_of(email)]
    if current['email'] != email or current['domain_id'] != domain_id:
        # Mixed case from hand edits, or a row filed under the wrong domain.
        result.set_email.append((email, domain_id, current['id']))
        after['email'] = email
    result.report.add(email, 'updated' if after != before else 'unchanged', before, after)


def _plan_removal(result, schema, current):
    email = current['email'].lower()
    result.delete.append((current['id'],))
    result.removed.append(email)
    before = dict(_public(email, current['quota'], schema.has_quota), password='set')
    result.report.add(email, 'removed', before, None)


def apply(session, schema, user_plan):
    if schema.has_quota:
        session.write_many('INSERT INTO virtual_users (domain_id, email, password, quota) '
                           'VALUES (%s, %s, %s, %s)', user_plan.insert)
    else:
        session.write_many('INSERT INTO virtual_users (domain_id, email, password) VALUES (%s, %s, %s)',
                           [row[:3] for row in user_plan.insert])
    session.write_many('UPDATE virtual_users SET password = %s WHERE id = %s', user_plan.set_password)
    session.write_many('UPDATE virtual_users SET quota = %s WHERE id = %s', user_plan.set_quota)
    session.write_many('UPDATE virtual_users SET email = %s, domain_id = %s WHERE id = %s', user_plan.set_email)
    session.write_many('DELETE FROM virtual_users WHERE id = %s', user_plan.delete)


def public_user(user_plan, schema, email, items):
    """The single form's `user` result after the run (None when it does not exist)."""
    for key, outcome, before, after in user_plan.report.entries:
        if key == email:
            state = after if outcome != 'removed' else None
            if state is None:
                return None
            return _public(email, state.get('quota'), schema.has_quota)
    return None
