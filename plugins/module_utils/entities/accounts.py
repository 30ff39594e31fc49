# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Database accounts of the mail database (the lookup account of Postfix and Dovecot, the admin
account of the modules): normalize, load, plan, apply, report. The SQL is the engine's
(db/*_accounts.py); this file holds the rules."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.base import Entity
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.checks import check_state
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.report import Report
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError

PRIVILEGES = ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
_NAME = re.compile(r'^[A-Za-z0-9_]{1,80}$')
_HOST = re.compile(r'^[A-Za-z0-9.%_:-]{1,255}$')


class Account(object):
    __slots__ = ('name', 'host', 'database')

    def __init__(self, name, host, database):
        self.name = name
        self.host = host
        self.database = database

    def __str__(self):
        return '%s@%s' % (self.name, self.host)


def normalize(item):
    """The item checked, with its `privileges` sorted and in upper case."""
    if not isinstance(item.get('name'), str) or not _NAME.match(item['name']):
        raise InputError("name %r: letters, digits and '_' only (at most 80)" % (item.get('name'),))
    if not isinstance(item.get('host'), str) or not _HOST.match(item['host']):
        raise InputError('host %r is not a host name, an address or a pattern' % (item.get('host'),))
    check_state(item, 'account %s@%s' % (item['name'], item['host']))
    privileges = sorted(set(str(p).upper() for p in item.get('privileges') or []))
    unknown = [p for p in privileges if p not in PRIVILEGES]
    if unknown:
        raise InputError('privileges %s: an account of the mail database takes only %s'
                         % (', '.join(unknown), ', '.join(PRIVILEGES)))
    if item.get('password') == '':
        raise InputError('password is empty')
    item['privileges'] = privileges
    return item


class AccountPlan(object):
    def __init__(self, account):
        self.account = account
        self.report = Report('account')
        self.actions = []   # ('create', password) ('set_password', password) ('set_privileges', privileges,
        #                     had_any) ('drop',)


def _state(current, password='unchanged'):
    if not current['exists']:
        return None
    return {'privileges': list(current['privileges']), 'password': password}


def plan(current, item):
    """The changes that give the account its wanted state. Pure.

    `current`: engine.accounts.read()'s {'exists', 'password_ok', 'privileges'} and 'account'.
    """
    account = current['account']
    result = AccountPlan(account)
    key = str(account)
    if item['state'] == 'absent':
        if current['exists']:
            result.actions.append(('drop',))
        result.report.add(key, 'removed' if current['exists'] else 'unchanged', _state(current), None)
        return result
    before = _state(current)
    if not current['exists']:
        if item.get('password') is None:
            raise InputError('account %s does not exist yet: give its password' % key)
        result.actions.append(('create', item['password']))
    elif item.get('password') is not None and item['update_password'] == 'always' and not current['password_ok']:
        result.actions.append(('set_password', item['password']))
    if item['privileges'] != current['privileges']:
        result.actions.append(('set_privileges', item['privileges'], bool(current['privileges'])))
    changed_password = any(action[0] == 'set_password' for action in result.actions)
    after = {'privileges': item['privileges'],
             'password': 'set' if before is None else ('changed' if changed_password else 'unchanged')}
    outcome = 'created' if before is None else ('updated' if result.actions else 'unchanged')
    result.report.add(key, outcome, before, after)
    return result


def apply(account_plan, session):
    accounts = session.engine.accounts
    account = account_plan.account
    for action in account_plan.actions:
        if action[0] == 'create':
            accounts.create(session, account, action[1])
        elif action[0] == 'set_password':
            accounts.set_password(session, account, action[1])
        elif action[0] == 'set_privileges':
            accounts.set_privileges(session, account, action[1], action[2])
        else:
            accounts.drop(session, account)


class Accounts(Entity):
    key_name = 'name'
    item_keys = ('name', 'host', 'password', 'update_password', 'privileges', 'state')
    option_keys = ('login_db',)
    secret_keys = ('password',)
    needs_schema = False
    apply = staticmethod(apply)

    def normalize(self, items, schema):
        return [normalize(items[0])]

    def load(self, session, schema, items, options):
        account = Account(items[0]['name'], items[0]['host'], options['login_db'])
        current = session.engine.accounts.read(session, account, items[0].get('password'))
        current['account'] = account
        return current

    def plan(self, current, items, options):
        return plan(current, items[0])

    def report(self, plan, items, options):
        result = {'account': str(plan.account)}
        return plan.report.shape(result, False)
