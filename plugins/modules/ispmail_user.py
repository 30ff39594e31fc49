#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ispmail_user
short_description: Manage the mailboxes of an ISPmail server
version_added: 1.0.0
description:
  - Adds, updates and removes rows of C(virtual_users), the mailboxes Postfix delivers to and
    the logins Dovecot checks.
  - Passwords are stored as Dovecot hashes with their C({SCHEME}) prefix, which
    C(doveadm pw -t) verifies. The password and the hash are never returned or shown in a diff.
  - With O(update_password=always), an unchanged password is found by checking it against the
    stored hash, so a second run reports no change.
  - Takes one user (O(email)) or a whole list (O(users)) in one connection and one transaction;
    password checks and hashing run in parallel on all cores.
author:
  - ISPmail collection maintainers (@ispmail)
extends_documentation_fragment:
  - ispmail.mailserver.connection
  - ispmail.mailserver.attributes
  - ispmail.mailserver.attributes.action_group
options:
  email:
    description:
      - The mailbox address, also the IMAP login. Its domain must exist (see M(ispmail.mailserver.ispmail_domain)).
      - The local part may hold letters, digits, C(.), C(_) and C(-), the characters Dovecot accepts in a login.
      - Mutually exclusive with O(users); one of the two is required.
    type: str
    aliases: [user, name]
  users:
    description:
      - Many users in one task. Each item is an address, or a dictionary with the keys C(email),
        C(password), C(password_hash), C(password_scheme), C(password_min_length), C(update_password),
        C(quota), C(enabled), C(state) and C(rename_from).
        The module's own options are the defaults of every item.
      - The output of M(ispmail.mailserver.ispmail_info) with O(ispmail.mailserver.ispmail_info#module:return_password_hashes=true)
        can be fed here as it is.
    type: list
    elements: raw
  password:
    description:
      - The password in clear text; it is hashed with O(password_scheme).
      - Mutually exclusive with O(password_hash). A new user needs one of the two.
      - BLF-CRYPT reads at most 72 bytes, as Dovecot does; longer than 512 bytes or holding a NUL is refused.
    type: str
  password_hash:
    description:
      - A ready hash with its scheme prefix, such as C({BLF-CRYPT}$2y$05$...), stored as it is.
      - Useful for moving users between servers. Refused without a prefix, or with a scheme
        Dovecot does not know, since that locks the user out.
    type: str
  password_scheme:
    description:
      - The Dovecot scheme to hash O(password) with. C(BLF-CRYPT) (bcrypt, cost 5 as
        C(doveadm pw) writes) is the guide's.
      - A stored hash in another scheme is replaced when O(update_password=always).
    type: str
    choices: [BLF-CRYPT, SHA512-CRYPT, SHA256-CRYPT, ARGON2ID, ARGON2I]
    default: BLF-CRYPT
  password_min_length:
    description:
      - The fewest characters a new O(password) may have. Checked whenever a password is set or
        changed (a new user, or O(update_password=always) with a password that differs from the
        stored one); never for O(password_hash), which is taken as it is, and never for a kept
        password.
      - A password that is too short fails the run before anything is written, with a message
        that names the user and the rule, never the password.
      - V(0) turns the check off.
    type: int
    default: 8
    version_added: 3.0.0
  update_password:
    description:
      - V(always) makes the stored hash match O(password) (or O(password_hash)) on every run;
        V(on_create) sets it only for new users.
    type: str
    choices: [always, on_create]
    default: always
  enabled:
    description:
      - V(false) suspends the mailbox - it cannot log in (IMAP, POP3, ManageSieve, SMTP submission)
        and its open IMAP and POP3 sessions are ended; mail to it is still accepted and stored.
        V(true) lifts the suspension, with the same password.
      - A mailbox of a suspended domain (O(ispmail.mailserver.ispmail_domain#module:enabled=false))
        cannot log in whatever this says.
      - Left out, a new mailbox is enabled and an existing one keeps what it has.
      - Needs the C(enabled) column of C(virtual_users), which the role C(ispmail.mailserver.server)
        adds (with the Dovecot password query that reads it). On the guide's plain schema the module
        fails naming what is missing.
    type: bool
    version_added: 3.0.0
  quota:
    description:
      - Mailbox size limit in bytes, or a size such as C(2G) or C(500MB) (read as Ansible's
        C(human_to_bytes) reads it, so C(2G) is 2147483648). V(0) means unlimited.
      - Unset leaves it as it is (0 for a new user).
      - Databases from before Debian Buster have no quota column; giving a quota there fails.
        An C(int(11)) column holds at most 2147483647.
    type: raw
  state:
    description:
      - Whether the mailbox should exist.
    type: str
    choices: [present, absent]
    default: present
  rename_from:
    description:
      - Rename the mailbox O(email) had until now. The row is moved, so the hash and the quota
        stay and the user logs in with the same password; aliases that forwarded to the old
        address forward to the new one; the old address's IMAP and POP3 sessions are ended
        (C(doveadm kick)); and, when the module runs on the mail host (O(mail_root) exists
        there), the mail directory O(mail_root)/OLDDOMAIN/OLDUSER moves to the new address's.
      - The database change commits before the directory moves, so new mail already goes to the
        new address. The move waits (up to 30 seconds) for a delivery under way into the old
        directory, then renames it in one step; if mail for the new address arrived in between,
        the two directories are merged and no message is lost.
      - Idempotent. When the old address no longer exists, the item is an ordinary item of
        O(email) (a rename that already ran changes nothing). When both exist, the run fails and
        changes nothing. The new address's domain must exist.
      - In the list form, a key of the item it renames; not a top-level option there.
    type: str
    version_added: 3.0.0
  dovecot_config:
    description:
      - The Dovecot configuration file C(doveadm) reads (C(doveadm -c)), when it is not Dovecot's
        default. Used to end sessions (O(rename_from), O(enabled=false)).
    type: path
    version_added: 3.0.0
  exclusive:
    description:
      - With O(users), the list is the whole truth for the domains it mentions. Their users that
        are not listed are removed. Other domains are never touched.
    type: bool
    default: false
  remove_mail:
    description:
      - When a user is removed, also delete its mail directory O(mail_root)/DOMAIN/USER on the
        host the module runs on (or keep it for a while, see O(mail_retention)).
    type: bool
    default: false
  mail_retention:
    description:
      - With O(remove_mail=true), keep the mail of what is removed for this long instead of deleting
        it at once - a time such as V(30d), V(12h) or V(2w) (a bare number is days).
      - The mail directory moves, in one rename, to O(mail_root)/.retained/NAME/DELETEDAT_PURGEAFTER
        (UTC times); the role C(ispmail.mailserver.server) installs a daily systemd timer
        (C(ispmail-purge-retained.timer)) that deletes what has passed its time.
        M(ispmail.mailserver.ispmail_info) lists the retained mail (RV(ispmail.mailserver.ispmail_info#module:retained_mail)).
      - Unset or V(0), O(remove_mail=true) deletes at once, as before.
    type: str
    version_added: 3.0.0
  restore_mail:
    description:
      - When this run creates the mailbox (a mailbox removed with O(mail_retention) and made again),
        move the newest retained copy of its mail back to O(mail_root)/DOMAIN/USER - its own, or its
        directory in a retained domain - merged with anything already there.
      - Check mode and diff show it (C(mail_restored_from)); RV(mail_restored) lists it. Nothing
        retained, nothing is restored; a mailbox that already exists is left alone.
      - Also a key of the items of O(users).
    type: bool
    default: false
    version_added: 3.0.0
  mail_root:
    description:
      - Where the mail directories are (the guide's C(/var/vmail)).
    type: path
    default: /var/vmail
requirements:
  - for BLF-CRYPT, the system's libxcrypt (Debian's C(libcrypt1), always installed) or else
    bcrypt (Debian package C(python3-bcrypt))
  - argon2-cffi (Debian package C(python3-argon2)) for ARGON2ID and ARGON2I
seealso:
  - module: ispmail.mailserver.ispmail_domain
  - module: ispmail.mailserver.ispmail_alias
  - module: ispmail.mailserver.ispmail_info
'''

EXAMPLES = r'''
- name: A mailbox with a 2 GiB quota
  ispmail.mailserver.ispmail_user:
    email: john@example.org
    password: "{{ vault_john_password }}"
    quota: 2G

- name: Set the password only when the mailbox is new (users change it in Roundcube later)
  ispmail.mailserver.ispmail_user:
    email: jane@example.org
    password: "{{ initial_password }}"
    update_password: on_create

- name: Move a user from another server with its hash
  ispmail.mailserver.ispmail_user:
    email: moved@example.org
    password_hash: "{BLF-CRYPT}$2y$05$abcdefghijklmnopqrstuuYj0dQ6cgO8Pm8lMtS0gM2wRgu5e3pXa"

- name: Remove a user and the mail on disk
  ispmail.mailserver.ispmail_user:
    email: left@example.org
    state: absent
    remove_mail: true

- name: Remove a mailbox, keeping its mail 30 days in case it was a mistake
  ispmail.mailserver.ispmail_user:
    email: left@example.org
    state: absent
    remove_mail: true
    mail_retention: 30d

- name: It was a mistake - the mailbox comes back with its mail
  ispmail.mailserver.ispmail_user:
    email: left@example.org
    password: "{{ vault_left_password }}"
    restore_mail: true

- name: Rename a mailbox, keeping its password, its mail and the aliases that point at it
  ispmail.mailserver.ispmail_user:
    email: john.doe@example.org
    rename_from: john@example.org

- name: All mailboxes of example.org in one task; unlisted ones are removed
  ispmail.mailserver.ispmail_user:
    users:
      - email: john@example.org
        password: "{{ vault_john_password }}"
      - email: jane@example.org
        password: "{{ vault_jane_password }}"
        quota: 1G
    update_password: on_create
    exclusive: true
'''

RETURN = r'''
user:
  description: The user after the run (null when it does not exist). Never the password or hash.
  returned: when O(email) is given
  type: dict
  contains:
    email:
      description: The address as stored.
      type: str
      sample: john@example.org
    domain:
      description: Its domain.
      type: str
      sample: example.org
    quota:
      description: Quota in bytes (0 unlimited); null where the schema has no quota column.
      type: int
      sample: 2147483648
password_changed:
  description: Whether the stored hash was (in check mode, would be) written.
  returned: when O(email) is given
  type: bool
  sample: false
mail_removed:
  description: The mail directories that were (in check mode, would be) deleted.
  returned: always
  type: list
  elements: str
  sample: [/var/vmail/example.org/left]
mail_retained:
  description:
    - With O(mail_retention), the mail directories that were (in check mode, would be) moved into
      the retention area instead of being deleted, each with its C(address), where it was
      (C(from)), where it is kept (C(to)) and when the role's daily timer removes it (C(purge_after), UTC).
  returned: always
  type: list
  elements: dict
  sample: [{address: left@example.org, from: /var/vmail/example.org/left,
            to: /var/vmail/.retained/left@example.org/20261208T101500Z_20270107T101500Z,
            purge_after: "2027-01-07T10:15:00Z"}]
  version_added: 3.0.0
mail_restored:
  description: With O(restore_mail), the retained mail directories that were (in check mode, would be)
    moved back, each with its C(address), C(from) and C(to).
  returned: always
  type: list
  elements: dict
  sample: [{address: back@example.org, from: /var/vmail/.retained/back@example.org/20261208T101500Z_20270107T101500Z,
            to: /var/vmail/example.org/back}]
  version_added: 3.0.0
mail_moved:
  description: The mail directories that were (in check mode, would be) moved by O(rename_from).
  returned: always
  type: list
  elements: dict
  sample: [{from: /var/vmail/example.org/john, to: /var/vmail/example.org/john.doe}]
  version_added: 3.0.0
sessions_ended:
  description:
    - The old addresses of O(rename_from), and the mailboxes suspended by O(enabled=false), whose
      IMAP or POP3 sessions were ended.
  returned: always
  type: list
  elements: str
  sample: [john@example.org]
  version_added: 3.0.0
outcomes:
  description:
    - Each user of O(users) (and each removed by O(exclusive)), in list order, mapped to what
      happened to it (in check mode, would happen) - V(created), V(updated), V(removed) or V(unchanged).
    - "Select by outcome with C(result.outcomes | dict2items | selectattr('value', '==', 'created')
      | map(attribute='key'))."
  returned: when O(users) is given
  type: dict
  sample: {john@example.org: created, old@example.org: removed, jane@example.org: unchanged}
counts:
  description: How many users were created, updated, removed and left unchanged.
  returned: when O(users) is given
  type: dict
  sample: {created: 1, updated: 0, removed: 1, unchanged: 40}
queries:
  description: The SQL statements run (in check mode, that would run), without their values.
  returned: always
  type: list
  elements: str
  sample: ["INSERT INTO virtual_users (domain_id, email, password, quota) VALUES (%s, %s, %s, %s)"]
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
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.users import UPDATE_PASSWORD, Users
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.run import run_entity


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        email=dict(type='str', aliases=['user', 'name']),
        users=dict(type='list', elements='raw', no_log=True),
        password=dict(type='str', no_log=True),
        password_hash=dict(type='str', no_log=True),
        password_scheme=dict(type='str', default='BLF-CRYPT', no_log=False, choices=list(SCHEMES)),
        password_min_length=dict(type='int', default=8, no_log=False),
        update_password=dict(type='str', choices=list(UPDATE_PASSWORD), default='always', no_log=False),
        quota=dict(type='raw'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        exclusive=dict(type='bool', default=False),
        remove_mail=dict(type='bool', default=False),
        mail_retention=dict(type='str'),
        restore_mail=dict(type='bool', default=False),
        mail_root=dict(type='path', default='/var/vmail'),
        rename_from=dict(type='str'),
        dovecot_config=dict(type='path'),
        enabled=dict(type='bool'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[('email', 'users'), ('password', 'password_hash')],
                           required_one_of=[('email', 'users')])
    run_entity(module, Users())


if __name__ == '__main__':
    main()
