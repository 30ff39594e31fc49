#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ispmail_info
short_description: Read and audit the mail directory of an ISPmail server
version_added: 1.0.0
description:
  - Returns the domains, users and aliases of the server in the shape the list forms of
    M(ispmail.mailserver.ispmail_domain), M(ispmail.mailserver.ispmail_user) and
    M(ispmail.mailserver.ispmail_alias) take, so a server can be adopted into git, or a domain
    moved to another server with its users' hashes.
  - Reports problems no other tool reports; see RV(problems).
  - Reads the database only; never changes it. With O(dest) it also writes the directory to a file.
author:
  - ISPmail collection maintainers (@ispmail)
extends_documentation_fragment:
  - ispmail.mailserver.connection
  - ispmail.mailserver.attributes.info_module
  - ispmail.mailserver.attributes.action_group
options:
  domains:
    description:
      - Only these domains (and the users and aliases of these domains). All when unset.
    type: list
    elements: str
    aliases: [domain]
  return_password_hashes:
    description:
      - Also return each user's password hash (RV(users[].password_hash)).
      - B(Sensitive.) A hash lets anyone with the output try passwords offline. Use it to move
        users between servers, register the result with C(no_log=true), and keep it out of
        plain-text files.
    type: bool
    default: false
  quota_usage:
    description:
      - Also return what each user uses of their quota (RV(users[].usage)), as Dovecot counts it
        (C(doveadm quota get), one run for all users), and report the users at or over
        O(quota_threshold) in RV(problems).
      - Needs Dovecot on the host the module runs on (the mail host; use C(delegate_to) when the
        database is elsewhere). Without it the task fails with a message saying so.
    type: bool
    default: false
    version_added: 3.0.0
  quota_threshold:
    description:
      - With O(quota_usage), the percentage of a quota (storage or message count) at which a
        mailbox is reported as a C(quota_nearly_full) problem; at 100% it is C(quota_full).
    type: int
    default: 90
    version_added: 3.0.0
  dovecot_config:
    description:
      - The Dovecot configuration file C(doveadm) reads (C(doveadm -c)), when it is not Dovecot's default.
    type: path
    version_added: 3.0.0
  mail_root:
    description:
      - Where the mail directories are (the guide's C(/var/vmail)); RV(retained_mail) is read from its
        retention area.
    type: path
    default: /var/vmail
    version_added: 3.0.0
  dest:
    description:
      - Also write the directory (of O(domains), or all) to this file on the host the module runs
        on, as the YAML file M(ispmail.mailserver.ispmail_directory) applies, one entry per line,
        sorted. With O(return_password_hashes=true) each user has its C(password_hash), so that
        applying the file to an empty database gives the same rows, hashes and quotas.
      - The file gets mode 0600. The task reports C(changed) only when the file's content (or
        mode) changes; in check mode the file is not written.
    type: path
    version_added: 3.0.0
  dns_records:
    description:
      - Also return the DNS records every domain (of O(domains), or all) needs, in
        RV(dns_records), read on the host the module runs on (the mail host) for the DKIM keys.
    type: bool
    default: false
    version_added: 3.0.0
  mail_host:
    description:
      - With O(dns_records), the name of the mail host the MX and SRV records point at.
        Defaults to the fully qualified name of the host the module runs on.
    type: str
    version_added: 3.0.0
  dmarc_policy:
    description:
      - With O(dns_records), the policy (C(p=)) of the DMARC record. Start with V(none) and
        tighten it once reports show every sender of the domain passes.
    type: str
    choices: [none, quarantine, reject]
    default: none
    version_added: 3.0.0
  dkim_key_dir:
    description:
      - With O(dns_records), the directory of the DKIM keys
        (M(ispmail.mailserver.ispmail_dkim)'s O(ispmail.mailserver.ispmail_dkim#module:key_dir)).
    type: path
    default: /var/lib/rspamd/dkim
    version_added: 3.0.0
seealso:
  - module: ispmail.mailserver.ispmail_dkim
  - module: ispmail.mailserver.ispmail_user
  - module: ispmail.mailserver.ispmail_alias
  - module: ispmail.mailserver.ispmail_domain
'''

EXAMPLES = r'''
- name: Read the whole directory and fail on problems
  ispmail.mailserver.ispmail_info:
  register: mail
  failed_when: mail.problems | length > 0

- name: Who is near their quota (on the mail host)
  ispmail.mailserver.ispmail_info:
    quota_usage: true
    quota_threshold: 80
  register: mail

- name: Show them
  ansible.builtin.debug:
    msg: "{{ mail.problems | selectattr('type', 'in', ['quota_nearly_full', 'quota_full']) | map(attribute='message') }}"

- name: Export the directory for git (hashes included; keep the file private or vault it)
  ispmail.mailserver.ispmail_info:
    dest: /root/directory.yml
    return_password_hashes: true
  no_log: true

- name: Move example.org to another server, hashes included
  ispmail.mailserver.ispmail_info:
    domains: [example.org]
    return_password_hashes: true
  register: old
  no_log: true

- name: Recreate it on the new server in three tasks
  delegate_to: new-mail.example.net
  block:
    - name: Domain (suspended or not)
      ispmail.mailserver.ispmail_domain:
        domains: "{{ old.domain_details }}"
    - name: Users with their hashes
      ispmail.mailserver.ispmail_user:
        users: "{{ old.users }}"
      no_log: true
    - name: Aliases
      ispmail.mailserver.ispmail_alias:
        aliases: "{{ old.aliases }}"
'''

RETURN = r'''
domains:
  description: The domain names, sorted.
  returned: always
  type: list
  elements: str
  sample: [example.org, xn--bcher-kva.example]
domain_details:
  description:
    - The domains, sorted, with what the list of names leaves out; items of
      O(ispmail.mailserver.ispmail_domain#module:domains).
    - Each domain's limits (its hosting plan) beside what it uses (C(usage)), where the schema has the
      limits' columns (the role's); a domain over a limit is also in RV(problems).
  returned: always
  type: list
  elements: dict
  version_added: 3.0.0
  contains:
    name:
      description: The domain.
      type: str
    enabled:
      description: False when the domain is suspended; null where the schema has no C(enabled) column.
      type: bool
    max_users:
      description: The most mailboxes it may have, 0 for no limit; only where the schema has the limits.
      type: int
    max_aliases:
      description: The most alias sources it may have, 0 for no limit; only where the schema has the limits.
      type: int
    max_quota:
      description: The most its mailbox quotas may add up to, in bytes, 0 for no limit; only where the schema has the limits.
      type: int
    default_quota:
      description: The quota of a new mailbox given none, in bytes; only where the schema has the limits.
      type: int
    usage:
      description: What the domain has - C(users) (mailboxes), C(aliases) (alias sources) and C(quota) (the sum
        of its mailbox quotas in bytes), under the names the limits count.
      type: dict
  sample: [{name: example.org, enabled: true, max_users: 10, max_aliases: 0, max_quota: 21474836480,
            default_quota: 2147483648, usage: {users: 3, aliases: 5, quota: 6442450944}}]
users:
  description: The mailboxes, sorted by address; items of O(ispmail.mailserver.ispmail_user#module:users).
  returned: always
  type: list
  elements: dict
  contains:
    email:
      description: The address.
      type: str
    domain:
      description: Its domain.
      type: str
    quota:
      description: Quota in bytes, 0 unlimited; null without a quota column.
      type: int
    password_scheme:
      description: The scheme of the stored hash (null when it has no prefix).
      type: str
    enabled:
      description: False when the mailbox is suspended; only where the schema has the C(enabled) column.
      type: bool
      version_added: 3.0.0
    password_hash:
      description: The stored hash, only with O(return_password_hashes).
      type: str
    usage:
      description:
        - Only with O(quota_usage). What Dovecot counts for the mailbox; C(bytes) and
          C(limit_bytes) are Dovecot's KiB figures times 1024. A limit of null is unlimited.
        - C(percent) is the higher of the storage and the message share (null when unlimited).
      type: dict
      sample: {bytes: 10240, messages: 3, limit_bytes: 1073741824, limit_messages: null, percent: 0.0}
      version_added: 3.0.0
  sample: [{email: john@example.org, domain: example.org, quota: 0, password_scheme: BLF-CRYPT}]
aliases:
  description: The forwardings, one item per source; items of O(ispmail.mailserver.ispmail_alias#module:aliases).
  returned: always
  type: list
  elements: dict
  sample: [{source: postmaster@example.org, destinations: [john@example.org]}]
problems:
  description:
    - What would lose or delay mail, each with a C(type), the C(subject) address and a C(message).
    - Types are C(alias_loop), C(alias_no_mailbox), C(duplicate_alias), C(hash_no_scheme),
      C(hash_unknown_scheme), C(quota_overflow), C(unsafe_name) (a domain or user row whose name
      is no valid domain or mailbox address, such as C(..), whose mail the modules refuse to
      remove or move), C(user_domain_mismatch), C(over_limit) (a domain holding more than a limit of its
      plan allows, after the limit was lowered; it may not grow until it is back within it) and
      C(quota_unlimited) (a mailbox with quota 0 in a domain with a C(max_quota)); with O(quota_usage)
      also C(quota_nearly_full) and C(quota_full).
  returned: always
  type: list
  elements: dict
  sample: [{type: alias_loop, subject: a@example.org, message: "forwarding loop a@example.org -> b@example.org -> a@example.org"}]
retained_mail:
  description:
    - The mail kept after a removal with O(ispmail.mailserver.ispmail_user#module:mail_retention) (of the
      O(domains) given, or all), oldest first - each with the C(address) (a mailbox, or a domain
      removed whole), when it was deleted (C(deleted_at)), when the role's daily timer removes it
      (C(purge_after)), both UTC, and where it is (C(path)).
    - Read from O(mail_root) on the host the module runs on; empty where that is not the mail host.
  returned: always
  type: list
  elements: dict
  sample: [{address: left@example.org, deleted_at: "2026-12-08T10:15:00Z", purge_after: "2027-01-07T10:15:00Z",
            path: /var/vmail/.retained/left@example.org/20261208T101500Z_20270107T101500Z}]
  version_added: 3.0.0
dest:
  description: The file written (or, in check mode, that would be written), with O(dest).
  returned: when O(dest) is given
  type: str
  sample: /root/directory.yml
counts:
  description: How many domains, users, alias sources and problems were returned.
  returned: always
  type: dict
  sample: {domains: 2, users: 10, aliases: 4, problems: 0}
dns_records:
  description:
    - With O(dns_records), for each domain in ASCII form, in this order - MX (C(10 <mail_host>.)), SPF
      TXT (C(v=spf1 mx ~all)), DMARC TXT at C(_dmarc.<domain>), one DKIM TXT per key on the host,
      and the SRV records C(_submission._tcp) (587), C(_submissions._tcp) (465), C(_imap._tcp) (143)
      and C(_imaps._tcp) (993).
  returned: when O(dns_records=true)
  type: list
  elements: dict
  contains:
    name:
      description: The record's owner name, without the final dot.
      type: str
      sample: _dmarc.example.org
    type:
      description: MX, TXT or SRV.
      type: str
    value:
      description: The record's data as a zone file takes it (names end with a dot).
      type: str
      sample: "10 mail.example.org."
  version_added: 3.0.0
queries:
  description: The SQL statements run.
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

from ansible_collections.ispmail.mailserver.plugins.module_utils.db.options import connection_argument_spec
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.info_task import Info
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.run import run_task


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        domains=dict(type='list', elements='str', aliases=['domain']),
        return_password_hashes=dict(type='bool', default=False, no_log=False),
        quota_usage=dict(type='bool', default=False),
        quota_threshold=dict(type='int', default=90),
        dovecot_config=dict(type='path'),
        dest=dict(type='path'),
        mail_root=dict(type='path', default='/var/vmail'),
        dns_records=dict(type='bool', default=False),
        mail_host=dict(type='str'),
        dmarc_policy=dict(type='str', choices=['none', 'quarantine', 'reject'], default='none'),
        dkim_key_dir=dict(type='path', default='/var/lib/rspamd/dkim'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_task(module, Info())


if __name__ == '__main__':
    main()
