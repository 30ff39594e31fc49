# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Task of ispmail_dkim: options, the domain check in the database (read only), then the key
files on the host. The result holds the DNS record and paths, never the private key."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt import dkim as keys
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities import dkim
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.base import Task
from ansible_collections.ispmail.mailserver.plugins.module_utils.host import dkim_keys as files


def _diff_text(record, active):
    lines = ['%s. IN TXT "%s"' % (record['name'], record['value'])] if record else []
    lines.append('active selector: %s' % (active or '(none)'))
    return '\n'.join(lines) + '\n'


def _active(pairs, domain):
    return next((selector for name, selector in pairs if name == domain), None)


def _host_change(params, names, check_mode, diff):
    """Plan and apply the key directory's change; the result without `queries`."""
    domain, selector = names
    key_dir = params['key_dir']
    paths = (files.key_path(key_dir, domain, selector), files.map_path(key_dir))
    pairs = files.read_selectors(key_dir)
    current_text = files.read_text(paths[0])
    if params['state'] == 'absent':
        current = True if current_text is not None else None
    else:
        current = dkim.current_key(current_text, paths[0], bool(params['private_key']))
    plan = dkim.plan(domain, selector, current, pairs, params)
    changed = dkim.apply(plan, paths, params['owner'], check_mode)
    generated = plan.write_key and not params['private_key']
    record = None
    if plan.key is not None and not (check_mode and generated):
        record = dkim.record(domain, selector, plan.key)
    result = dict(changed=changed, domain=domain, selector=selector, dns_record=record, key_file=paths[0],
                  key_type=plan.key.key_type if plan.key is not None else None,
                  active_selector=_active(plan.pairs, domain))
    if diff:
        before = dkim.record(domain, selector, current) if isinstance(current, keys.DkimKey) else None
        after = record if plan.key is not None else None
        if generated and after is None:
            after = dict(name='%s._domainkey.%s' % (selector, domain), value='(a new key)')
        result['diff'] = dict(before=_diff_text(before, _active(pairs, domain)),
                              after=_diff_text(after, result['active_selector']))
    return result


class Dkim(Task):
    write = False
    needs_schema = False
    names = None  # (domain in ASCII form, selector), from check_options

    def check_options(self, params):
        self.names = dkim.check_options(params)

    def work(self, session, schema, params):
        if params['state'] == 'present':
            dkim.check_domain(session, self.names[0])

    def finish(self, outcome, params, check_mode, diff):
        return _host_change(params, self.names, check_mode, diff)
