# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mailboxes (virtual_users): normalize, load (with parallel password checks), plan, apply, report."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.hashes import require_libraries
from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.schemes import (
    check_password, check_password_hash, check_writable_scheme)
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.base import Entity
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.checks import (
    check_boolean, check_enabled, check_state, refuse_duplicates, whole_number)
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.domains import domain_ids
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.limits import (
    check_user_limits, default_quota, load_limits)
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.passwords import (
    NewPassword, check_passwords, hash_new_passwords, placeholder_hashes)
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.renames import (
    applied_alias_rows, load_alias_rows, normalize_renames, plan_alias_rewrites, rename_sources, row_for)
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.report import Report
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, PlanError
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import (
    check_length, domain_of, normalize_domain, normalize_mailbox, printable)
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.doveadm import Doveadm, end_sessions
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildir_move import move_mail_dir
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildirs import check_mail_dirs, check_mail_root, mail_dir
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.retention import (
    check_retention, dispose_mail_dirs, newest_retained, restore_mail_dirs)
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.quota import parse_quota

UPDATE_PASSWORD = ('always', 'on_create')
PASSWORD_MIN_LENGTH = 8


def normalize_items(items, schema):
    email_max = schema.max_length('virtual_users', 'email')
    for item in items:
        item['email'] = normalize_mailbox(item['email'], 'email')
        what = "user '%s'" % item['email']
        check_length(item['email'], email_max, 'email')
        check_state(item, what)
        check_enabled(item, what, schema, 'virtual_users')
        check_boolean(item, 'restore_mail', what)
        _normalize_password(item, what, schema.max_length('virtual_users', 'password'))
        if item.get('domain') is not None and normalize_domain(item['domain']) != domain_of(item['email']):
            raise InputError("%s: domain '%s' is not the domain of the address" % (what, item['domain']))
        if item.get('update_password') not in UPDATE_PASSWORD:
            raise InputError("%s: update_password must be 'always' or 'on_create', not %r"
                             % (what, item.get('update_password')))
        item['quota'] = parse_quota(item.get('quota'), '%s: quota' % what)
        check_quota_fits(item['quota'], schema, '%s: quota' % what)
    refuse_duplicates([item['email'] for item in items], 'user')
    normalize_renames(items)
    require_libraries(set(item['password_scheme'] for item in items if item.get('password') is not None))
    return items


def _normalize_password(item, what, password_max):
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
    # Checked by the plan, when a password is to be hashed: beside a ready hash, or for a user
    # whose password is kept (on_create), the scheme is information, such as ispmail_info's
    # password_scheme of a {CRYPT} hash.
    item['password_scheme'] = str(item.get('password_scheme') or 'BLF-CRYPT').upper()
    item['password_min_length'] = _min_length(item.get('password_min_length'), what)


def _min_length(value, what):
    """password_min_length of an item: a whole number of characters, 0 for no minimum."""
    if value is None:
        return PASSWORD_MIN_LENGTH
    return whole_number(value, '%s: password_min_length' % what, 'characters (0: no minimum)')


def check_min_length(item):
    """Refuse a new password shorter than the item's password_min_length; the message names the
    user and the rule, never the password."""
    if len(item['password']) < item['password_min_length']:
        raise InputError("user '%s': the new password has %d characters; password_min_length asks for at least %d "
                         "(a password_hash is taken as it is)" % (item['email'], len(item['password']),
                                                                  item['password_min_length']))


def check_quota_fits(quota, schema, what='quota'):
    if quota is None:
        return
    if not schema.has_quota:
        raise InputError('%s was given, but this database has no quota column in virtual_users (a schema '
                         'from before Debian Buster); add it with "ALTER TABLE virtual_users ADD quota '
                         'BIGINT(11) NOT NULL DEFAULT 0 AFTER email" or leave quota unset' % what)
    if quota > schema.quota_max:
        raise InputError('%s %d bytes does not fit the quota column, which is %s and holds at most %d bytes; '
                         'widen it with "ALTER TABLE virtual_users MODIFY quota BIGINT(11) NOT NULL DEFAULT 0"'
                         % (what, quota, schema.quota_type, schema.quota_max))


class UserRow(object):
    """One virtual_users row; enabled is None where the schema has no enabled column."""

    __slots__ = ('id', 'domain_id', 'email', 'password', 'quota', 'enabled')

    def __init__(self, row_id, domain_id, email, password, quota, enabled=None):
        self.id = row_id
        self.domain_id = domain_id
        self.email = email
        self.password = password
        self.quota = quota
        self.enabled = None if enabled is None else bool(enabled)


class UserCurrent(object):
    """What a user plan starts from.

    domain_ids: {domain: id} of the items' domains that exist; users: {email: UserRow} of the
    items, of the addresses they rename, and of every user of those domains; matches: the emails
    whose stored hash is a hash of the password given (checked in load, in parallel); has_quota,
    has_enabled: the schema's quota and enabled columns; alias_rows: [(id, source, destination)]
    of the aliases forwarding to an address renamed from or to; limits: {domain id: limits} of
    those domains (entities/limits.py; empty where the schema has none).
    """

    limits = {}

    def __init__(self, domain_ids, users, matches, has_quota, alias_rows=(), has_enabled=False):
        self.domain_ids = domain_ids
        self.users = users
        self.matches = matches
        self.has_quota = has_quota
        self.alias_rows = list(alias_rows)
        self.has_enabled = has_enabled

    def with_limits(self, limits):
        self.limits = limits
        return self


def load_users(session, schema, ids, emails):
    """{email: UserRow} for the given domain ids and addresses."""
    quota = 'quota' if schema.has_quota else 'NULL'
    enabled = 'enabled' if schema.has_enabled('virtual_users') else 'NULL'
    clauses, params = [], []
    if ids:
        clauses.append('domain_id IN (%s)' % session.placeholders(len(ids)))
        params.extend(sorted(ids))
    if emails:
        clauses.append('%s IN (%s)' % (session.fold('email'), session.placeholders(len(emails))))
        params.extend(sorted(emails))
    if not clauses:
        return {}
    rows = session.select('SELECT id, domain_id, email, password, %s, %s FROM virtual_users WHERE %s ORDER BY id'
                          % (quota, enabled, ' OR '.join(clauses)), params)
    users = {}
    for row in rows:
        users.setdefault(row[2].lower(), UserRow(*row))
    return users


def load(session, schema, items, scope=()):
    """`scope`: more domains whose users an exclusive plan sees (ispmail_directory's whole file)."""
    ids = domain_ids(session, set(domain_of(item['email']) for item in items) | set(scope))
    users = load_users(session, schema, set(ids.values()), [item['email'] for item in items] + rename_sources(items))
    renames = [(item['rename_from'], item['email']) for item in items if item.get('rename_from') in users]
    return UserCurrent(ids, users, check_passwords(items, users), schema.has_quota,
                       load_alias_rows(session, renames), schema.has_enabled('virtual_users')
                       ).with_limits(load_limits(session, schema, set(ids.values())))


def _public(email, quota, has_quota, enabled=None):
    """What may be shown of a user: never the password or its hash. enabled where the schema has it."""
    shown = {'email': email, 'domain': domain_of(email), 'quota': quota if has_quota else None}
    if enabled is not None:
        shown['enabled'] = enabled
    return shown


class UserPlan(object):
    def __init__(self, has_quota, has_enabled=False):
        self.has_quota = has_quota
        self.has_enabled = has_enabled
        self.report = Report('email')
        self.insert = []        # (domain_id, email, password, quota, enabled); password a hash or a NewPassword
        self.set_password = []  # (password, id)
        self.set_quota = []     # (quota, id)
        self.set_enabled = []   # (enabled, id)
        self.disabled = []      # emails suspended by this run (their sessions are ended)
        self.set_email = []     # (email, domain_id, id)
        self.delete = []        # (id,)
        self.removed = []       # emails
        self.renames = []       # (old email, new email)
        self.alias_updates = []  # (destination, id): aliases that follow a renamed mailbox
        self.alias_deletes = []  # (id,)
        self.password_changed = set()


def plan(current, items, exclusive):
    """The changes that give the items' users their wanted state. Pure.

    `exclusive`: users of the listed domains that are not listed are removed.
    """
    for item in items:
        if item['state'] == 'present' and domain_of(item['email']) not in current.domain_ids:
            raise PlanError("the domain '%s' of user '%s' does not exist; create it first with "
                            "ispmail.mailserver.ispmail_domain" % (domain_of(item['email']), item['email']))
    result = UserPlan(current.has_quota, current.has_enabled)
    for item in items:
        row = row_for(item, current.users)
        if item['state'] == 'absent':
            if row:
                _plan_removal(result, row)
            else:
                result.report.add(item['email'], 'unchanged')
        elif row is None:
            _plan_creation(result, item, current)
        else:
            _plan_update(result, item, row, current)
    result.alias_updates, result.alias_deletes = plan_alias_rewrites(current.alias_rows, result.renames)
    if exclusive:
        listed = set(item['email'] for item in items) | set(old for old, dummy in result.renames)
        for email in sorted(set(current.users) - listed):
            if domain_of(email) in current.domain_ids:
                _plan_removal(result, current.users[email])
    touched = set(row_id for dummy, row_id in result.set_quota) | set(row[2] for row in result.set_email)
    check_user_limits(current.users, lambda: applied(current, result).users, touched, current.limits)
    return result


def _new_password(item, row, current):
    """The password to store for an item (a ready hash or a NewPassword to hash), or None to keep it."""
    if item.get('password') is not None:
        if row is not None and (item['update_password'] != 'always' or item['email'] in current.matches):
            return None
        check_writable_scheme(item['password_scheme'], item['email'])
        check_min_length(item)
        return NewPassword(item['password'], item['password_scheme'])
    wanted = item.get('password_hash')
    if wanted is not None and (row is None or (item['update_password'] == 'always' and wanted != row.password)):
        return wanted
    return None


def _plan_creation(result, item, current):
    email = item['email']
    password = _new_password(item, None, current)
    if password is None:
        raise InputError("user '%s' does not exist yet: give password or password_hash" % email)
    domain_id = current.domain_ids[domain_of(email)]
    quota = item['quota'] if item['quota'] is not None else default_quota(current.limits, domain_id)
    enabled = item.get('enabled')
    if enabled is None and result.has_enabled:
        enabled = True
    result.insert.append((domain_id, email, password, quota, enabled))
    result.password_changed.add(email)
    result.report.add(email, 'created', None, dict(_public(email, quota, result.has_quota, enabled), password='set'))


def _plan_update(result, item, row, current):
    email = item['email']
    before = dict(_public(row.email, row.quota, result.has_quota, row.enabled), password='unchanged')
    after = dict(before)
    password = _new_password(item, row, current)
    if password is not None:
        result.set_password.append((password, row.id))
        result.password_changed.add(email)
        after['password'] = 'changed'
    if item['quota'] is not None and item['quota'] != row.quota:
        result.set_quota.append((item['quota'], row.id))
        after['quota'] = item['quota']
    if item.get('enabled') is not None and item['enabled'] != row.enabled:
        result.set_enabled.append((item['enabled'], row.id))
        after['enabled'] = item['enabled']
        if not item['enabled']:
            result.disabled.append(email)
    domain_id = current.domain_ids[domain_of(email)]
    if row.email != email or row.domain_id != domain_id:
        # A rename, mixed case from hand edits, or a row filed under the wrong domain.
        result.set_email.append((email, domain_id, row.id))
        after['email'] = email
        if row.email.lower() != email:
            result.renames.append((row.email.lower(), email))
    result.report.add(email, 'updated' if after != before else 'unchanged', before, after)


def _plan_removal(result, row):
    email = row.email.lower()
    result.delete.append((row.id,))
    result.removed.append(email)
    before = dict(_public(email, row.quota, result.has_quota, row.enabled), password='set')
    result.report.add(email, 'removed', before, None)


def apply(user_plan, session):
    new = [row[2] for row in user_plan.insert] + [row[0] for row in user_plan.set_password]
    # Check mode never hashes; a rehearsal writes a stand-in, rolled back with the rest.
    hashes = placeholder_hashes(new) if session.check_mode else hash_new_passwords(new)
    inserts = [(domain_id, email, hashes.get(password, password), quota, enabled)
               for domain_id, email, password, quota, enabled in user_plan.insert]
    # The optional columns the schema has: quota (since Buster) and enabled (the role's).
    columns = ['domain_id', 'email', 'password']
    wanted = [0, 1, 2]
    if user_plan.has_quota:
        columns.append('quota')
        wanted.append(3)
    if user_plan.has_enabled:
        columns.append('enabled')
        wanted.append(4)
    session.write_many('INSERT INTO virtual_users (%s) VALUES (%s)' % (', '.join(columns), session.placeholders(len(columns))),
                       [tuple(row[i] for i in wanted) for row in inserts])
    session.write_many('UPDATE virtual_users SET password = %s WHERE id = %s',
                       [(hashes.get(password, password), row_id) for password, row_id in user_plan.set_password])
    session.write_many('UPDATE virtual_users SET quota = %s WHERE id = %s', user_plan.set_quota)
    session.write_many('UPDATE virtual_users SET enabled = %s WHERE id = %s', user_plan.set_enabled)
    session.write_many('UPDATE virtual_users SET email = %s, domain_id = %s WHERE id = %s', user_plan.set_email)
    session.write_many('DELETE FROM virtual_users WHERE id = %s', user_plan.delete)
    session.write_many('UPDATE virtual_aliases SET destination = %s WHERE id = %s', user_plan.alias_updates)
    session.write_many('DELETE FROM virtual_aliases WHERE id = %s', user_plan.alias_deletes)


def applied(current, user_plan):
    """The UserCurrent after the plan, as apply() leaves the table: new rows have no id, and new
    passwords stay NewPassword objects (apply() hashes them). Pure."""
    users = dict((email, UserRow(row.id, row.domain_id, row.email, row.password, row.quota, row.enabled))
                 for email, row in current.users.items())
    by_id = dict((row.id, row) for row in users.values())
    for password, row_id in user_plan.set_password:
        by_id[row_id].password = password
    for quota, row_id in user_plan.set_quota:
        by_id[row_id].quota = quota
    for enabled, row_id in user_plan.set_enabled:
        by_id[row_id].enabled = enabled
    for email, domain_id, row_id in user_plan.set_email:
        by_id[row_id].email, by_id[row_id].domain_id = email, domain_id
    gone = set(row_id for (row_id,) in user_plan.delete)
    users = dict((email, row) for email, row in users.items() if row.id not in gone)
    for domain_id, email, password, quota, enabled in user_plan.insert:
        users[email] = UserRow(None, domain_id, email, password, quota if user_plan.has_quota else None, enabled)
    alias_rows = applied_alias_rows(current.alias_rows, user_plan.alias_updates, user_plan.alias_deletes)
    return UserCurrent(current.domain_ids, users, frozenset(), current.has_quota, alias_rows,
                       current.has_enabled).with_limits(current.limits)


def public_user(user_plan, email):
    """The single form's `user` result after the run (None when it does not exist)."""
    for key, outcome, dummy, after in user_plan.report.entries:
        if key == email and outcome != 'removed' and after is not None:
            # Its keys are the documented email, domain and quota; enabled is in the diff.
            return _public(email, after.get('quota'), user_plan.has_quota)
    return None


class Users(Entity):
    list_key = 'users'
    key_name = 'email'
    # 'domain' is accepted (and checked) and 'usage' accepted (and ignored), so that ispmail_info's
    # user list can be fed back as it is.
    item_keys = ('email', 'domain', 'password', 'password_hash', 'password_scheme', 'password_min_length',
                 'update_password', 'quota', 'state', 'rename_from', 'usage', 'enabled', 'restore_mail')
    option_keys = ('exclusive', 'remove_mail', 'mail_root', 'rename_from', 'dovecot_config', 'mail_retention')
    secret_keys = ('password', 'password_hash')
    normalize = staticmethod(normalize_items)
    apply = staticmethod(apply)
    applied = staticmethod(applied)

    def check_options(self, options):
        check_retention(options)
        if options['remove_mail']:
            check_mail_root(options['mail_root'])
        if options['is_list'] and options['rename_from']:
            raise InputError('rename_from renames one user: give it in the item of users it belongs to')

    def load(self, session, schema, items, options):
        return load(session, schema, items)

    def plan(self, current, items, options):
        user_plan = plan(current, items, options['exclusive'] and options['is_list'])
        check_mail_dirs(options['mail_root'], mail_dir_names(user_plan, items, current, options['remove_mail']))
        return user_plan

    def report(self, plan, items, options):
        for old, new in plan.renames:
            plan.report.annotate(new, {'mail_dir': mail_dir(options['mail_root'], old)},
                                 {'mail_dir': mail_dir(options['mail_root'], new)})
        for email in to_restore(plan, items):
            source = newest_retained(options['mail_root'], email)
            if source:
                plan.report.annotate(email, {}, {'mail_restored_from': source})
        result = {}
        if not options['is_list']:
            email = items[0]['email']
            result['user'] = public_user(plan, email)
            result['password_changed'] = email in plan.password_changed
        return plan.report.shape(result, options['is_list'])

    def after_commit(self, plan, items, options, check_mode):
        effects = dict(mail_removed=[], mail_retained=[], mail_moved=[], sessions_ended=[])
        if options['remove_mail']:
            names = set(plan.removed) | set(i['email'] for i in items if i['state'] == 'absent')
            effects.update(dispose_mail_dirs(options, sorted(names), check_mode))
        effects['mail_restored'] = restore_mail_dirs(options['mail_root'], to_restore(plan, items), check_mode)
        if plan.renames:
            effects.update(finish_renames(plan.renames, options, check_mode))
        if plan.disabled:
            effects['sessions_ended'] = effects['sessions_ended'] + end_sessions(
                plan.disabled, options['dovecot_config'], check_mode)
        return effects


def to_restore(user_plan, items):
    """The addresses this run creates with restore_mail: their retained mail comes back."""
    created = set(row[1] for row in user_plan.insert)
    return sorted(i['email'] for i in items if i.get('restore_mail') and i['email'] in created)


def mail_dir_names(user_plan, items, current, remove_mail):
    """[(name, what)]: every address whose mail directory this run removes (remove_mail), moves
    (a rename) or restores, with the row each came from, to be checked before anything is written."""
    named = dict((email, None) for email in to_restore(user_plan, items))
    if remove_mail:
        named.update((i['email'], None) for i in items if i['state'] == 'absent')
        named.update((email, _row_what(current, email)) for email in user_plan.removed)
    for old, new in user_plan.renames:
        named.setdefault(new, None)
        named[old] = _row_what(current, old)
    return sorted(named.items())


def _row_what(current, email):
    row = current.users.get(email)
    shown = printable(row.email if row else email)
    return "the virtual_users row '%s'%s" % (shown, ' (id %s)' % row.id if row else '')


def finish_renames(renames, options, check_mode):
    """On the mail host, once the new addresses are committed: end the old addresses' IMAP
    sessions, then move their mail. Elsewhere (no mail root here) there is nothing to do."""
    doveadm = Doveadm(options['dovecot_config'])
    ended, moved = [], []
    for old, new in renames:
        if not check_mode and doveadm.kick(old):
            ended.append(old)
        if os.path.isdir(options['mail_root']):
            move = move_mail_dir(options['mail_root'], old, new, check_mode)
            if move:
                moved.append(move)
    return {'sessions_ended': ended, 'mail_moved': moved}
