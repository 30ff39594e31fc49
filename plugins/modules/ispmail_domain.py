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
        C(name), C(state), C(enabled), C(max_users), C(max_aliases), C(max_quota) and
        C(default_quota); the top-level options of the same names are the defaults of every item.
        An item of M(ispmail.mailserver.ispmail_info)'s RV(ispmail.mailserver.ispmail_info#module:domain_details)
        is taken as it is (its C(usage) is ignored).
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
  max_users:
    description:
      - The most mailboxes the domain may have (a hosting plan's limit); V(0) means no limit.
      - M(ispmail.mailserver.ispmail_user) and M(ispmail.mailserver.ispmail_directory) refuse a run
        that would take the domain past it, and write nothing; two runs at once cannot pass it together.
      - Setting it below what the domain has is allowed - nothing is deleted - and
        M(ispmail.mailserver.ispmail_info) reports it as a problem; the domain may then not grow.
      - Left out, an existing domain keeps its value and a new one has none.
      - The limits need the columns the role C(ispmail.mailserver.server) adds to C(virtual_domains);
        on the guide's plain schema the module fails naming what is missing.
    type: int
    version_added: 3.0.0
  max_aliases:
    description:
      - The most alias sources the domain may have (an address with several destinations counts
        once; a catch-all counts too); V(0) means no limit. Enforced by M(ispmail.mailserver.ispmail_alias)
        and M(ispmail.mailserver.ispmail_directory), as O(max_users) is.
    type: int
    version_added: 3.0.0
  max_quota:
    description:
      - The most the quotas of the domain's mailboxes may add up to, in bytes or a size such as V(50G)
        (as O(ispmail.mailserver.ispmail_user#module:quota)); V(0) means no limit.
      - In a domain with a O(max_quota), a mailbox with quota V(0) (unlimited) is refused.
    type: raw
    version_added: 3.0.0
  default_quota:
    description:
      - The quota a new mailbox of the domain gets when its task gives none, in bytes or a size
        such as V(2G); V(0) (none) leaves such a mailbox unlimited.
      - Must not be larger than O(max_quota).
    type: raw
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
        the module runs on (or keep it for a while, see O(mail_retention)). The database does not hold
        mail, so without this it stays on disk.
    type: bool
    default: false
  mail_retention:
    description:
      - With O(remove_mail=true), keep the mail of what is removed for this long instead of deleting
        it at once - a time such as V(30d), V(12h) or V(2w) (a bare number is days).
      - The mail directory moves, in one rename, to O(mail_root)/.retained/NAME/DELETEDAT_PURGEAFTER
        (UTC times); its mailboxes can be brought back one by one with
        O(ispmail.mailserver.ispmail_user#module:restore_mail); the role C(ispmail.mailserver.server) installs a daily systemd timer
        (C(ispmail-purge-retained.timer)) that deletes what has passed its time.
        M(ispmail.mailserver.ispmail_info) lists the retained mail (RV(ispmail.mailserver.ispmail_info#module:retained_mail)).
      - Unset or V(0), O(remove_mail=true) deletes at once, as before.
    type: str
    version_added: 3.0.0
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

- name: A hosting plan - 10 mailboxes of 2 GiB each by default, 20 GiB in all, 50 aliases
  ispmail.mailserver.ispmail_domain:
    name: customer.example
    max_users: 10
    max_aliases: 50
    max_quota: 20G
    default_quota: 2G
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
mail_retained:
  description:
    - With O(mail_retention), the mail directories that were (in check mode, would be) moved into
      the retention area instead of being deleted, each with its C(address), where it was
      (C(from)), where it is kept (C(to)) and when the role's daily timer removes it (C(purge_after), UTC).
  returned: always
  type: list
  elements: dict
  sample: [{address: old.example, from: /var/vmail/old.example,
            to: /var/vmail/.retained/old.example/20261208T101500Z_20270107T101500Z,
            purge_after: "2027-01-07T10:15:00Z"}]
  version_added: 3.0.0
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
        max_users=dict(type='int'),
        max_aliases=dict(type='int'),
        max_quota=dict(type='raw'),
        default_quota=dict(type='raw'),
        force=dict(type='bool', default=False),
        exclusive=dict(type='bool', default=False),
        remove_mail=dict(type='bool', default=False),
        mail_retention=dict(type='str'),
        mail_root=dict(type='path', default='/var/vmail'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[('name', 'domains')], required_one_of=[('name', 'domains')])
    run_entity(module, Domains())


if __name__ == '__main__':
    main()
