# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Task of ispmail_info: the directory read in one transaction, then what is not in the
database: the dest file, the quota usage (doveadm) and the DNS records (the DKIM key files)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.base import Task
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.directory import read_directory
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.directory_format import format_directory
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.dns_records import dns_records
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.quota_usage import add_quota_usage
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.doveadm import Doveadm
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.files import write_private
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildirs import check_mail_root
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.retention import list_retained
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import normalize_domain


class Info(Task):
    write = False
    doveadm = None  # from check_options

    def check_options(self, params):
        self.doveadm = Doveadm(params['dovecot_config'])
        check_mail_root(params['mail_root'])
        if params['quota_usage'] and not 0 < params['quota_threshold'] <= 100:
            raise InputError('quota_threshold must be a percentage from 1 to 100, not %d' % params['quota_threshold'])
        if params['quota_usage'] and not self.doveadm.available:
            raise InputError('quota_usage needs Dovecot on the host the module runs on, and doveadm was not found '
                             'here: run the task on the mail host (delegate_to) or leave quota_usage unset')

    def work(self, session, schema, params):
        return read_directory(session, schema, params['domains'], params['return_password_hashes'])

    def finish(self, outcome, params, check_mode, diff):
        result = outcome
        changed = False
        if params['dest']:
            text = format_directory(result, params['return_password_hashes'])
            changed = write_private(params['dest'], text, check_mode)
            result['dest'] = params['dest']
        if params['quota_usage']:
            add_quota_usage(result, self.doveadm, params['quota_threshold'])
        result['retained_mail'] = retained_mail(params['mail_root'], params['domains'])
        if params['dns_records']:
            result['dns_records'] = dns_records(result['domains'], params['mail_host'], params['dmarc_policy'],
                                                params['dkim_key_dir'])
        return dict(result, changed=changed)


def retained_mail(mail_root, domains):
    """The retention area's entries (none where the mail root is not on this host), of the given
    domains (all when none are given)."""
    wanted = set(normalize_domain(d) for d in domains or [])
    return [item for item in list_retained(mail_root)
            if not wanted or item['address'].rsplit('@', 1)[-1] in wanted]
