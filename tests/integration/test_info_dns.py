# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail_info dns_records: MX, SPF, DMARC, the DKIM keys ispmail_dkim put on the host and the
SRV records, for every domain, with IDN domains in ASCII form."""

import os
import pwd

from tests.integration.helpers import domain, task

OWNER = pwd.getpwuid(os.getuid()).pw_name


def _by(records, name, kind):
    return [record['value'] for record in records if record['name'] == name and record['type'] == kind]


def test_dns_records_of_every_domain(db, run_tasks, tmp_path):
    key_dir = str(tmp_path)
    run = run_tasks([
        domain(domains=['example.org', 'Bücher.Example']),
        task('ispmail_dkim', task_name='dkim', domain='example.org', selector='s1', key_dir=key_dir, owner=OWNER),
        task('ispmail_info', task_name='info', dns_records=True, mail_host='mail.example.net',
             dmarc_policy='quarantine', dkim_key_dir=key_dir),
        task('ispmail_info', task_name='plain'),
    ])
    assert run.rc == 0, run.describe()
    records = run.task('info')['dns_records']
    assert 'dns_records' not in run.task('plain').result
    assert _by(records, 'example.org', 'MX') == ['10 mail.example.net.']
    assert _by(records, 'example.org', 'TXT') == ['v=spf1 mx ~all']
    assert _by(records, '_dmarc.example.org', 'TXT') == ['v=DMARC1; p=quarantine']
    assert _by(records, 's1._domainkey.example.org', 'TXT') == [run.task('dkim')['dns_record']['value']]
    assert _by(records, '_submission._tcp.example.org', 'SRV') == ['0 1 587 mail.example.net.']
    assert _by(records, '_submissions._tcp.example.org', 'SRV') == ['0 1 465 mail.example.net.']
    assert _by(records, '_imaps._tcp.example.org', 'SRV') == ['0 1 993 mail.example.net.']
    assert _by(records, 'xn--bcher-kva.example', 'MX') == ['10 mail.example.net.']
    assert not [record for record in records if '_domainkey.xn--bcher-kva' in record['name']]
    assert all(record['name'].isascii() for record in records)
    assert run.task('info')['changed'] is False
