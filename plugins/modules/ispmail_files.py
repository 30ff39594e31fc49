#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ispmail_files
short_description: Write several files of one owner, group and mode in one task
version_added: 3.0.0
description:
  - Writes the files given in O(files) whose content differs, each replaced atomically (written
    beside it with its final owner, group and mode, then renamed over it), and sets O(owner),
    O(group) and O(mode) on all of them. A file never exists with looser permissions than asked
    for, not even while it is written.
  - One module run for all the files, where a loop of C(ansible.builtin.template) costs two per
    file (a stat, then a copy). The role C(ispmail.mailserver.server) writes its settings with it,
    rendered on the controller with C(lookup('ansible.builtin.template', ...)).
  - The directories must exist. Files not named in O(files) are left alone.
  - For files that hold secrets, set C(no_log) and C(diff) to false on the task.
author:
  - ISPmail collection maintainers (@ispmail)
attributes:
  check_mode:
    description: Reads every file and reports what would change; writes nothing.
    support: full
  diff_mode:
    description: Shows each changed file's content before and after.
    support: full
options:
  files:
    description:
      - The files to write.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description:
          - The file's absolute path.
        type: path
        required: true
      content:
        description:
          - The file's content, text written as UTF-8.
        type: str
        required: true
  owner:
    description:
      - The files' owner, a user name.
    type: str
    default: root
  group:
    description:
      - The files' group, a group name.
    type: str
    default: root
  mode:
    description:
      - The files' permissions, an octal string such as V(0640).
    type: str
    default: '0644'
'''

EXAMPLES = r'''
- name: Write two rspamd settings files in one round trip
  ispmail.mailserver.ispmail_files:
    files:
      - path: /etc/rspamd/local.d/actions.conf
        content: "{{ lookup('ansible.builtin.template', 'actions.conf.j2') }}"
      - path: /etc/rspamd/local.d/redis.conf
        content: "{{ lookup('ansible.builtin.template', 'redis.conf.j2') }}"
    mode: "0644"
  notify: Reload rspamd

- name: Write a file with a password, readable by root and postfix only
  ispmail.mailserver.ispmail_files:
    files:
      - path: /etc/postfix/mysql-virtual-mailbox-domains.cf
        content: "{{ lookup('ansible.builtin.template', 'lookup.cf.j2') }}"
    group: postfix
    mode: "0640"
  diff: false
  no_log: true
'''

RETURN = r'''
paths:
  description: The files whose content or attributes changed (in check mode, would change), sorted.
  type: list
  elements: str
  returned: always
  sample: [/etc/rspamd/local.d/actions.conf]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.files_task import Files
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.run import run_host


def main():
    argument_spec = dict(
        files=dict(type='list', elements='dict', required=True, options=dict(
            path=dict(type='path', required=True),
            content=dict(type='str', required=True),
        )),
        owner=dict(type='str', default='root'),
        group=dict(type='str', default='root'),
        mode=dict(type='str', default='0644'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_host(module, Files())


if __name__ == '__main__':
    main()
