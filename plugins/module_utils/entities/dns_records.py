# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DNS records each mail domain needs (ispmail_info dns_records): MX, SPF, DMARC, the DKIM
keys on the host, and the SRV records of RFC 6186 / RFC 8314 for mail clients."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt import dkim as keys
from ansible_collections.ispmail.mailserver.plugins.module_utils.host import dkim_keys as files
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import normalize_domain

# (service label, port): RFC 6186 (submission, imap, imaps), RFC 8314 (submissions on 465).
_SRV = (('_submission._tcp', 587), ('_submissions._tcp', 465), ('_imap._tcp', 143), ('_imaps._tcp', 993))


def _record(name, kind, value):
    return dict(name=name, type=kind, value=value)


def _dkim_records(key_dir, domain):
    found = []
    for key_domain, selector, path in files.list_keys(key_dir):
        if key_domain == domain:
            key = keys.parse(files.read_text(path))
            found.append(_record('%s._domainkey.%s' % (selector, domain), 'TXT', key.record_value()))
    return found


def domain_records(domain, mail_host, dmarc_policy, key_dir):
    """The records of one domain (ASCII names; values as a zone file takes them)."""
    domain = normalize_domain(domain)
    target = normalize_domain(mail_host, 'mail_host') + '.'
    records = [
        _record(domain, 'MX', '10 %s' % target),
        _record(domain, 'TXT', 'v=spf1 mx ~all'),
        _record('_dmarc.%s' % domain, 'TXT', 'v=DMARC1; p=%s' % dmarc_policy),
    ]
    records.extend(_dkim_records(key_dir, domain))
    records.extend(_record('%s.%s' % (label, domain), 'SRV', '0 1 %d %s' % (port, target)) for label, port in _SRV)
    return records


def dns_records(domains, mail_host, dmarc_policy, key_dir):
    """The records of every domain in domains, in order; mail_host None: this host's FQDN."""
    mail_host = mail_host or socket.getfqdn()
    if files.list_keys(key_dir):
        keys.require_library()
    records = []
    for domain in domains:
        records.extend(domain_records(domain, mail_host, dmarc_policy, key_dir))
    return records
