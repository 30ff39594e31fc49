#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ispmail_alias
short_description: Manage the forwardings (aliases) of an ISPmail server
version_added: 1.0.0
description:
  - Adds and removes rows of C(virtual_aliases). Postfix forwards mail for a source to every
    destination it has a row for.
  - A source of C(@example.org) is a catch-all for the domain; mailboxes next to it still get
    their own mail through the guide's C(email2email) lookup.
  - A source forwarded to itself as well keeps a copy in its own mailbox.
  - Refuses to create a forwarding loop (C(a -> b -> a), longer cycles, or a catch-all forwarding
    to a name of its own domain that has no mailbox), naming the cycle.
  - Takes one source (O(source)) or a whole list (O(aliases)) in one connection and one transaction.
author:
  - ISPmail collection maintainers (@ispmail)
extends_documentation_fragment:
  - ispmail.mailserver.connection
  - ispmail.mailserver.attributes
  - ispmail.mailserver.attributes.action_group
options:
  source:
    description:
      - The address mail is sent to, or C(@domain) for a catch-all. Its domain must exist.
      - Mutually exclusive with O(aliases); one of the two is required.
    type: str
    aliases: [name]
  destinations:
    description:
      - Where the mail goes, local or external addresses.
      - Required with O(state=present). With O(state=absent), only these are removed; without
        them, every row of the source is removed.
    type: list
    elements: str
    aliases: [destination]
  aliases:
    description:
      - Many sources in one task. Each item is a dictionary with the keys C(source),
        C(destinations) and C(state); O(state) is the default of every item.
    type: list
    elements: dict
  exclusive:
    description:
      - Single form, V(false) adds the listed destinations and keeps the others; V(true) removes
        the source's other destinations.
      - List form, the list is the whole truth for the domains it mentions. Each source keeps only
        its listed destinations, and sources of those domains that are not listed are removed.
        Other domains are never touched.
    type: bool
    default: false
  state:
    description:
      - Whether the forwardings should exist.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: ispmail.mailserver.ispmail_domain
  - module: ispmail.mailserver.ispmail_user
  - module: ispmail.mailserver.ispmail_info
'''

EXAMPLES = r'''
- name: Forward postmaster to two admins
  ispmail.mailserver.ispmail_alias:
    source: postmaster@example.org
    destinations:
      - john@example.org
      - admin@example.net

- name: Keep a copy in the mailbox while forwarding
  ispmail.mailserver.ispmail_alias:
    source: john@example.org
    destinations: [john@example.org, john.private@example.net]
    exclusive: true

- name: Catch-all for every unknown name of example.org
  ispmail.mailserver.ispmail_alias:
    source: "@example.org"
    destinations: [john@example.org]

- name: Stop forwarding to one destination
  ispmail.mailserver.ispmail_alias:
    source: postmaster@example.org
    destinations: [admin@example.net]
    state: absent

- name: All forwardings of example.org; others of that domain are removed
  ispmail.mailserver.ispmail_alias:
    aliases:
      - source: postmaster@example.org
        destinations: [john@example.org]
      - source: abuse@example.org
        destinations: [john@example.org]
    exclusive: true
'''

RETURN = r'''
source:
  description: The source as stored (lowercase, ASCII domain). Single form only.
  returned: when O(source) is given
  type: str
  sample: postmaster@example.org
destinations:
  description: All destinations of the source after the run, sorted.
  returned: when O(source) is given
  type: list
  elements: str
  sample: [admin@example.net, john@example.org]
added:
  description: The destinations that were (in check mode, would be) added.
  returned: when O(source) is given
  type: list
  elements: str
  sample: [admin@example.net]
removed:
  description: The destinations that were (in check mode, would be) removed.
  returned: when O(source) is given
  type: list
  elements: str
  sample: []
outcomes:
  description:
    - Each source of O(aliases) (and each removed by O(exclusive)), in list order, mapped to what
      happened to it (in check mode, would happen) - V(created), V(updated), V(removed) or V(unchanged).
  returned: when O(aliases) is given
  type: dict
  sample: {postmaster@example.org: updated, abuse@example.org: unchanged}
counts:
  description: How many sources were created, updated, removed and left unchanged.
  returned: when O(aliases) is given
  type: dict
  sample: {created: 0, updated: 1, removed: 0, unchanged: 1}
queries:
  description: The SQL statements run (in check mode, that would run), without their values.
  returned: always
  type: list
  elements: str
  sample: ["INSERT INTO virtual_aliases (domain_id, source, destination) VALUES (%s, %s, %s)"]
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
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.aliases import Aliases
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.run import run_entity


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        source=dict(type='str', aliases=['name']),
        destinations=dict(type='list', elements='str', aliases=['destination']),
        aliases=dict(type='list', elements='dict'),
        exclusive=dict(type='bool', default=False),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[('source', 'aliases')], required_one_of=[('source', 'aliases')])
    run_entity(module, Aliases())


if __name__ == '__main__':
    main()
