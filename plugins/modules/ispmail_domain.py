#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ispmail_domain
short_description: Manage the mail domains of an ISPmail server
version_added: 1.0.0
description:
  - Adds and removes rows of C(virtual_domains), the table Postfix asks whether it receives mail
    for a domain (C(virtual_mailbox_domains)).
  - Domains are stored lowercase; internationalized names in their ASCII form, so
    C(Bücher.example) and C(xn--bcher-kva.example) are the same domain.
  - Takes one domain (O(name)) or a whole list (O(domains)) in one connection and one transaction.
author:
  - ISPmail collection maintainers (@ispmail)
extends_documentation_fragment:
  - ispmail.mailserver.connection
  - ispmail.mailserver.attributes
  - ispmail.mailserver.attributes.action_group
options:
  name:
    description:
      - The mail domain, for example C(example.org).
      - Mutually exclusive with O(domains); one of the two is required.
    type: str
    aliases: [domain]
  domains:
    description:
      - Many domains in one task. Each item is a domain name, or a dictionary with the keys
        C(name), C(state) and C(enabled); O(state) and O(enabled) are the defaults of every item.
    type: list
    elements: raw
  state:
    description:
      - Whether the domain should exist.
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description:
      - V(false) suspends the domain - none of its mailboxes can log in (IMAP, POP3, ManageSieve,
        SMTP submission), whatever their own O(ispmail.mailserver.ispmail_user#module:enabled); mail for
        them is still accepted and stored. V(true) lifts the suspension; the passwords are unchanged.
      - Left out, a new domain is enabled and an existing one keeps what it has.
      - Needs the C(enabled) column of C(virtual_domains), which the role C(ispmail.mailserver.server)
        adds (with the Dovecot password query that reads it). On the guide's plain schema the module
        fails naming what is missing.
    type: bool
    version_added: 3.0.0
  force:
    description:
      - Remove a domain that still has users or aliases, and them with it.
      - Without it, removing such a domain fails with a message that counts them.
    type: bool
    default: false
  exclusive:
    description:
      - With O(domains), the list is the whole truth. Domains not listed are removed
        (those that still have users or aliases only with O(force)).
    type: bool
    default: false
  remove_mail:
    description:
      - When a domain is removed, also delete its mail directory O(mail_root)/DOMAIN on the host
        the module runs on. The database does not hold mail, so without this it stays on disk.
    type: bool
    default: false
  mail_root:
    description:
      - Where the mail directories are (the guide's C(/var/vmail)).
    type: path
    default: /var/vmail
seealso:
  - module: ispmail.mailserver.ispmail_user
  - module: ispmail.mailserver.ispmail_alias
  - module: ispmail.mailserver.ispmail_info
'''

EXAMPLES = r'''
- name: Receive mail for example.org
  ispmail.mailserver.ispmail_domain:
    name: example.org
    login_user: mailadmin
    login_password: "{{ vault_mailadmin_password }}"

- name: Internationalized domains are stored as xn--
  ispmail.mailserver.ispmail_domain:
    name: Bücher.example

- name: Suspend a customer's domain (mail is still received; nobody logs in)
  ispmail.mailserver.ispmail_domain:
    name: unpaid.example
    enabled: false

- name: Remove a domain with its users, aliases and mail
  ispmail.mailserver.ispmail_domain:
    name: old.example
    state: absent
    force: true
    remove_mail: true

- name: Connection options once for every module of the collection
  module_defaults:
    group/ispmail.mailserver.all:
      login_user: mailadmin
      login_password: "{{ vault_mailadmin_password }}"
  block:
    - name: The whole list of domains; others are removed when they are empty
      ispmail.mailserver.ispmail_domain:
        domains:
          - example.org
          - example.net
          - name: old.example
            state: absent
        exclusive: true
'''

RETURN = r'''
name:
  description: The domain as stored (lowercase, ASCII). Single form only.
  returned: when O(name) is given
  type: str
  sample: xn--bcher-kva.example
users_removed:
  description: How many users were (in check mode, would be) removed with the domains.
  returned: always
  type: int
  sample: 3
aliases_removed:
  description: How many alias rows were (in check mode, would be) removed with the domains.
  returned: always
  type: int
  sample: 2
mail_removed:
  description: The mail directories that were (in check mode, would be) deleted.
  returned: always
  type: list
  elements: str
  sample: [/var/vmail/old.example]
sessions_ended:
  description: The user masks (C(*@DOMAIN)) of the domains suspended by O(enabled=false) whose IMAP
    or POP3 sessions were ended.
  returned: always
  type: list
  elements: str
  sample: ['*@unpaid.example']
  version_added: 3.0.0
outcomes:
  description:
    - Each domain of O(domains) (and each removed by O(exclusive)), in list order, mapped to what
      happened to it (in check mode, would happen) - V(created), V(updated), V(removed) or V(unchanged).
  returned: when O(domains) is given
  type: dict
  sample: {example.org: created, example.net: unchanged}
counts:
  description: How many domains were created, updated, removed and left unchanged.
  returned: when O(domains) is given
  type: dict
  sample: {created: 1, updated: 0, removed: 0, unchanged: 1}
queries:
  description: The SQL statements run (in check mode, that would run), without their values.
  returned: always
  type: list
  elements: str
  sample: ["INSERT INTO virtual_domains (name) VALUES (%s)"]
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
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.domains import Domains
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.run import run_entity


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        name=dict(type='str', aliases=['domain']),
        domains=dict(type='list', elements='raw'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        enabled=dict(type='bool'),
        force=dict(type='bool', default=False),
        exclusive=dict(type='bool', default=False),
        remove_mail=dict(type='bool', default=False),
        mail_root=dict(type='path', default='/var/vmail'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[('name', 'domains')], required_one_of=[('name', 'domains')])
    run_entity(module, Domains())


if __name__ == '__main__':
    main()
