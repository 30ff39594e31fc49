#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ispmail_dkim
short_description: Put a domain's DKIM key in place for rspamd to sign with
version_added: 3.0.0
description:
  - Keeps the DKIM key of a mail domain and selector in the key directory rspamd signs from
    (O(key_dir), as the role ispmail.mailserver.server sets it up), and makes the selector the
    domain's active one in C(selectors.map). rspamd signs with it within a second, with no reload
    and no role run needed.
  - Returns the DNS record to publish (RV(dns_record)); never the private key.
  - Without O(private_key) a key is generated once and kept, and later runs change nothing. A fleet
    gives every node the same O(private_key) (from a vault).
  - The domain must be a mail domain in the database; the module reads the database over the
    same connection options as the other modules, and writes only files on the host it runs on
    (the mail host).
  - Needs the Python library cryptography on that host (Debian C(python3-cryptography), which the
    role installs).
author:
  - ISPmail collection maintainers (@ispmail)
extends_documentation_fragment:
  - ispmail.mailserver.connection
  - ispmail.mailserver.attributes
  - ispmail.mailserver.attributes.action_group
attributes:
  diff_mode:
    support: full
    details: The diff shows the DNS record and the active selector, never the key.
options:
  domain:
    description:
      - The mail domain. An internationalized name is used in its ASCII (C(xn--)) form.
    type: str
    required: true
  selector:
    description:
      - The selector (the C(s=) tag of the signature, the DNS name C(<selector>._domainkey.<domain>)).
        Letters, digits, C(-) and C(_).
      - Two selectors of a domain may exist at once, for rotation; see O(active).
    type: str
    required: true
  state:
    description:
      - V(absent) deletes the key file; when the selector was the domain's active one, the domain
        is no longer signed.
    type: str
    choices: [present, absent]
    default: present
  active:
    description:
      - Make this the selector rspamd signs the domain's mail with. V(false) keeps the key beside
        the active one, so that its DNS record can be published before the switch.
    type: bool
    default: true
  key_type:
    description:
      - The kind of key to generate (ignored with O(private_key), whose kind is its own).
      - V(ed25519) (RFC 8463) is not yet verified by every receiver; sign with an RSA key too
        (another selector) if you use it.
      - An existing key of another kind is never replaced; use a new selector.
    type: str
    choices: [rsa, ed25519]
    default: rsa
  key_size:
    description:
      - Bits of a generated RSA key; at least 1024 (DKIM verifiers ignore smaller keys).
    type: int
    default: 2048
  private_key:
    description:
      - The private key to install instead of generating one, as PEM (RSA or ed25519, not
        encrypted) or, for ed25519, the base64 form C(rspamadm dkim_keygen) writes.
      - When the file holds another key, it is replaced by this one.
      - Never shown in the output.
    type: str
  key_dir:
    description: The directory rspamd reads the keys and C(selectors.map) from.
    type: path
    default: /var/lib/rspamd/dkim
  owner:
    description: The user who owns the key files (rspamd's user); the files get mode 0600.
    type: str
    default: _rspamd
seealso:
  - module: ispmail.mailserver.ispmail_info
  - module: ispmail.mailserver.ispmail_domain
'''

EXAMPLES = r'''
- name: Sign example.org's mail
  ispmail.mailserver.ispmail_dkim:
    domain: example.org
    selector: "2026"
  register: dkim

- name: Show what to publish
  ansible.builtin.debug:
    msg: "{{ dkim.dns_record.name }} TXT {{ dkim.dns_record.value }}"

- name: The same key on every node of a fleet, from a vault
  ispmail.mailserver.ispmail_dkim:
    domain: example.org
    selector: "2026"
    private_key: "{{ vault_dkim_example_org_2026 }}"

- name: Rotation, step 1 - a new key beside the active one; publish its record
  ispmail.mailserver.ispmail_dkim:
    domain: example.org
    selector: "2027"
    active: false

- name: Rotation, step 2 - once the record is in DNS, sign with it
  ispmail.mailserver.ispmail_dkim:
    domain: example.org
    selector: "2027"

- name: Rotation, step 3 - some days later, remove the old key (and then its record)
  ispmail.mailserver.ispmail_dkim:
    domain: example.org
    selector: "2026"
    state: absent
'''

RETURN = r'''
dns_record:
  description:
    - The TXT record of the key's public half, to publish in the domain's zone; null when the key
      is absent, and in check mode when a key would be generated.
  returned: always
  type: dict
  contains:
    name:
      description: The record's name, C(<selector>._domainkey.<domain>).
      type: str
      sample: 2026._domainkey.example.org
    type:
      description: Always C(TXT).
      type: str
    value:
      description: The record's value; long RSA values need splitting into 255-character strings in a zone file.
      type: str
      sample: "v=DKIM1; k=rsa; p=MIIBIjANBgkqh..."
domain:
  description: The domain, in ASCII form.
  returned: always
  type: str
selector:
  description: The selector.
  returned: always
  type: str
key_type:
  description: The kind of the key (C(rsa) or C(ed25519)); null when absent.
  returned: always
  type: str
key_file:
  description: The key file's path (the file itself is readable by rspamd only).
  returned: always
  type: str
active_selector:
  description: The selector rspamd signs the domain's mail with after the run; null for none.
  returned: always
  type: str
queries:
  description: The SQL the module ran (templates, never values).
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
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.dkim_task import Dkim
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.run import run_task


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        domain=dict(type='str', required=True),
        selector=dict(type='str', required=True),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        active=dict(type='bool', default=True),
        key_type=dict(type='str', choices=['rsa', 'ed25519'], default='rsa'),
        key_size=dict(type='int', default=2048),
        private_key=dict(type='str', no_log=True),
        key_dir=dict(type='path', default='/var/lib/rspamd/dkim'),
        owner=dict(type='str', default='_rspamd'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_task(module, Dkim())


if __name__ == '__main__':
    main()
