#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ispmail_db_account
short_description: Manage the database accounts of an ISPmail mail database
version_added: 3.0.0
description:
  - Creates, updates and removes a database account with privileges on the mail database
    (O(login_db)) and nothing else, such as the guide's read-only C(mailserver) account that
    Postfix and Dovecot use and the C(mailadmin) account of the other modules.
  - The password is sent as a statement parameter, never on a command line and never shown.
    With O(update_password=always), a second run compares it with the stored one and reports no
    change when they match.
  - The role C(ispmail.mailserver.server) uses it; run it as the database's administrator
    (on Debian, root over the socket).
  - Creating and dropping accounts and granting privileges are statements the server commits at
    once, so one run is not one transaction; each statement is made only when needed.
author:
  - ISPmail collection maintainers (@ispmail)
extends_documentation_fragment:
  - ispmail.mailserver.connection
  - ispmail.mailserver.attributes
  - ispmail.mailserver.attributes.action_group
options:
  name:
    description:
      - The account's name; letters, digits and C(_).
    type: str
    required: true
    aliases: [user]
  host:
    description:
      - The host part of a MariaDB account, such as C(localhost) (the socket) or C(127.0.0.1)
        (TCP, which Postfix in its chroot needs).
    type: str
    default: localhost
  password:
    description:
      - The account's password. Required to create it.
    type: str
  update_password:
    description:
      - V(always) sets the password when it differs; V(on_create) only for a new account.
    type: str
    choices: [always, on_create]
    default: always
  privileges:
    description:
      - What the account may do with the tables of the mail database; others are revoked.
      - V([SELECT]) for the lookup account, V([SELECT, INSERT, UPDATE, DELETE]) for the admin.
    type: list
    elements: str
    choices: [SELECT, INSERT, UPDATE, DELETE]
    default: [SELECT]
  state:
    description:
      - Whether the account should exist.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: ispmail.mailserver.ispmail_user
'''

EXAMPLES = r'''
- name: The read-only account of Postfix and Dovecot (TCP, for Postfix's chroot)
  ispmail.mailserver.ispmail_db_account:
    name: mailserver
    host: 127.0.0.1
    password: "{{ vault_lookup_password }}"
    privileges: [SELECT]
    login_db: mailserver

- name: The admin account of the modules
  ispmail.mailserver.ispmail_db_account:
    name: mailadmin
    password: "{{ vault_mailadmin_password }}"
    privileges: [SELECT, INSERT, UPDATE, DELETE]
'''

RETURN = r'''
account:
  description: The account, as C(name@host).
  returned: always
  type: str
  sample: mailserver@127.0.0.1
queries:
  description: The SQL statements run (in check mode, that would run), without their values.
  returned: always
  type: list
  elements: str
  sample: ["CREATE USER %s@%s IDENTIFIED BY %s"]
retries:
  description:
    - How many times the transaction was given up for a concurrent one (a deadlock, or a
      certification conflict with a run on another node of a Galera cluster) and run again.
  returned: always
  type: int
  sample: 0
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ispmail.mailserver.plugins.module_utils.db.options import connection_argument_spec
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.accounts import PRIVILEGES, Accounts
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.run import run_entity


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        name=dict(type='str', required=True, aliases=['user']),
        host=dict(type='str', default='localhost'),
        password=dict(type='str', no_log=True),
        update_password=dict(type='str', choices=['always', 'on_create'], default='always', no_log=False),
        privileges=dict(type='list', elements='str', choices=list(PRIVILEGES), default=['SELECT']),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_entity(module, Accounts())


if __name__ == '__main__':
    main()
