#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ispmail_directory
short_description: Apply a whole ISPmail mail directory (domains, users, aliases) from one file
version_added: 3.0.0
description:
  - Makes the database hold the domains, mailboxes and forwardings of one YAML or JSON file (or
    of O(directory) given inline), in one connection and one transaction.
  - "The format (docs/directory-file.md): C(domains) (names, or items of M(ispmail.mailserver.ispmail_domain)'s
    O(ispmail.mailserver.ispmail_domain#module:domains) - C({name, state, enabled}) and a hosting plan's
    limits C(max_users), C(max_aliases), C(max_quota), C(default_quota)), C(users)
    (items of M(ispmail.mailserver.ispmail_user)'s O(ispmail.mailserver.ispmail_user#module:users)),
    C(aliases) (items of M(ispmail.mailserver.ispmail_alias)'s O(ispmail.mailserver.ispmail_alias#module:aliases)).
    Entries take the same keys and follow the same rules as those list forms."
  - Order is taken care of, in one transaction - new domains, then users, then aliases; removed
    aliases and users before the domains that go. Any bad entry fails the whole run with a
    message naming it, and nothing is written.
  - M(ispmail.mailserver.ispmail_info) with O(ispmail.mailserver.ispmail_info#module:dest) writes
    a server's directory in this format, so a server can be exported, kept in git and applied.
  - The file is read on the controller by the action plugin (vault-encrypted files work), with
    the C loader of PyYAML where there is one; only the data is sent to the managed node.
  - A file that is not vault-encrypted is parsed once - its data is kept on the controller in
    C(~/.cache/ispmail.mailserver/directory) (mode 0600, the newest 8 files), keyed by the SHA-256
    of the file's bytes, so a run that finds the same file again skips parsing it and a file
    changed in any byte is read anew. A vault-encrypted file is never cached.
    Passwords and hashes never appear in the output, at any verbosity.
author:
  - ISPmail collection maintainers (@ispmail)
extends_documentation_fragment:
  - ispmail.mailserver.connection
  - ispmail.mailserver.attributes.directory_module
  - ispmail.mailserver.attributes.action_group
options:
  src:
    description:
      - The directory file on the controller, YAML or JSON (by the extension C(.json), or content
        starting with C({)). Relative paths are looked up as for M(ansible.builtin.copy) (the
        role's or playbook's C(files/)).
      - Mutually exclusive with O(directory); one of the two is required.
    type: path
  directory:
    description:
      - The same data inline, a dictionary with the keys C(domains), C(users) and C(aliases).
    type: dict
  exclusive:
    description:
      - The file is the whole truth. Domains, users and aliases it lacks are removed; a domain
        that still holds users or aliases (of its own, not removed by this run) only with O(force).
    type: bool
    default: false
  force:
    description:
      - With O(exclusive) or a domain with C(state=absent), remove a domain with its users and
        aliases, as M(ispmail.mailserver.ispmail_domain)'s O(ispmail.mailserver.ispmail_domain#module:force).
    type: bool
    default: false
  update_password:
    description:
      - The default of every user entry; as M(ispmail.mailserver.ispmail_user)'s O(ispmail.mailserver.ispmail_user#module:update_password).
    type: str
    choices: [always, on_create]
    default: always
  password_scheme:
    description:
      - The default of every user entry; the Dovecot scheme new passwords are hashed with.
    type: str
    choices: [BLF-CRYPT, SHA512-CRYPT, SHA256-CRYPT, ARGON2ID, ARGON2I]
    default: BLF-CRYPT
  password_min_length:
    description:
      - The default of every user entry; as M(ispmail.mailserver.ispmail_user)'s
        O(ispmail.mailserver.ispmail_user#module:password_min_length). The fewest characters a
        password that is set or changed may have; V(0) turns the check off.
    type: int
    default: 8
    version_added: 3.0.0
  mail_root:
    description:
      - Where the mail directories are, for user entries with C(rename_from).
    type: path
    default: /var/vmail
  dovecot_config:
    description:
      - The Dovecot configuration file C(doveadm) reads, for user entries with C(rename_from).
    type: path
requirements:
  - as M(ispmail.mailserver.ispmail_user) for the password schemes
seealso:
  - module: ispmail.mailserver.ispmail_info
  - module: ispmail.mailserver.ispmail_user
  - module: ispmail.mailserver.ispmail_alias
  - module: ispmail.mailserver.ispmail_domain
'''

EXAMPLES = r'''
- name: Apply the directory kept in git (passwords in a vault-encrypted file)
  ispmail.mailserver.ispmail_directory:
    src: directory.yml
    update_password: on_create

- name: The file is the whole truth; review with --check --diff first
  ispmail.mailserver.ispmail_directory:
    src: directory.yml
    exclusive: true

- name: Inline
  ispmail.mailserver.ispmail_directory:
    directory:
      domains: [example.org]
      users:
        - {email: john@example.org, password: "{{ vault_john }}", quota: 1G}
      aliases:
        - {source: postmaster@example.org, destinations: [john@example.org]}
'''

RETURN = r'''
counts:
  description: Per table, how many entries were created, updated, removed and left unchanged.
  returned: always
  type: dict
  sample: {domains: {created: 1, updated: 0, removed: 0, unchanged: 99},
           users: {created: 10, updated: 0, removed: 2, unchanged: 9990},
           aliases: {created: 0, updated: 1, removed: 0, unchanged: 9999}}
changes:
  description: Per table, the entries that changed (in check mode, would change) and how; unchanged ones are left out.
  returned: always
  type: dict
  sample: {domains: {example.org: created}, users: {john@example.org: updated}, aliases: {}}
password_changed:
  description: How many stored hashes were (would be) written.
  returned: always
  type: int
  sample: 10
mail_moved:
  description: Mail directories moved for user entries with C(rename_from).
  returned: always
  type: list
  elements: dict
sessions_ended:
  description: Old addresses of renamed users whose IMAP/POP3 sessions were ended.
  returned: always
  type: list
  elements: str
queries:
  description: The SQL statements run (in check mode, that ran and were rolled back), without their values.
  returned: always
  type: list
  elements: str
retries:
  description:
    - How many times the transaction was given up for a concurrent one (a deadlock, or a
      certification conflict with a run on another node of a Galera cluster) and run again.
  returned: always
  type: int
  sample: 0
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.schemes import SCHEMES
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.options import connection_argument_spec
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.directory_task import Directory
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.users import UPDATE_PASSWORD
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.run import run_task


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        src=dict(type='path'),
        directory=dict(type='dict', no_log=True),
        exclusive=dict(type='bool', default=False),
        force=dict(type='bool', default=False),
        update_password=dict(type='str', choices=list(UPDATE_PASSWORD), default='always', no_log=False),
        password_scheme=dict(type='str', default='BLF-CRYPT', no_log=False, choices=list(SCHEMES)),
        password_min_length=dict(type='int', default=8, no_log=False),
        mail_root=dict(type='path', default='/var/vmail'),
        dovecot_config=dict(type='path'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[('src', 'directory')], required_one_of=[('src', 'directory')])
    run_task(module, Directory())


if __name__ == '__main__':
    main()
