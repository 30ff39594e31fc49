# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A domain's DKIM key on the mail host (module ispmail_dkim): check the options, read what is
there, plan (pure), apply, and the DNS record to publish. The private key stays in DkimKey and
the key file; nothing returned holds it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt import dkim as keys
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.domains import domain_ids
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError
from ansible_collections.ispmail.mailserver.plugins.module_utils.host import dkim_keys as files
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import normalize_domain

# A selector is one or more DNS labels (RFC 6376 3.1); dots are left out because they would
# make the key file's name ambiguous.
_SELECTOR = re.compile(r'^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$')


def check_options(params):
    """(domain in ASCII form, selector); InputError for bad input, before anything is read."""
    domain = normalize_domain(params['domain'])
    selector = params['selector']
    if not _SELECTOR.match(selector or ''):
        raise InputError("selector '%s' must be 1 to 63 letters, digits, '-' or '_', starting and ending "
                         "with a letter or digit" % selector)
    if params['key_type'] == 'rsa' and params['key_size'] < keys.MIN_RSA_BITS:
        raise InputError('key_size %d is too small: DKIM verifiers ignore RSA keys under %d bits'
                         % (params['key_size'], keys.MIN_RSA_BITS))
    if params['state'] == 'present':
        keys.require_library()
    return domain, selector


def check_domain(session, domain):
    """The domain must be a mail domain in the database."""
    if not domain_ids(session, [domain]):
        raise InputError("domain '%s' is not a mail domain in the database: add it with "
                         "ispmail.mailserver.ispmail_domain first" % domain)


def record(domain, selector, key):
    return dict(name='%s._domainkey.%s' % (selector, domain), type='TXT', value=key.record_value())


class DkimPlan(object):
    """What to write: the key (None: keep/remove), the map's pairs, and the DNS record."""

    def __init__(self, key, write_key, remove_key, pairs):
        self.key = key
        self.write_key = write_key
        self.remove_key = remove_key
        self.pairs = pairs


def current_key(current_text, key_file, replaceable):
    """The key in the file (None without one); a file that does not parse fails the run unless
    replaceable (a private_key is given to replace it)."""
    if not current_text:
        return None
    try:
        return keys.parse(current_text)
    except InputError:
        if replaceable:
            return None
        raise InputError('the key file %s does not hold a key rspamd can sign with: give private_key to '
                         'replace it, or remove the file' % key_file)


def _wanted_key(current, params):
    """(key, write): the key the file should hold, and whether it must be written."""
    given = params['private_key']
    if given:
        key = keys.parse(given)
        return key, current is None or current.public != key.public
    if current is not None:
        if current.key_type != params['key_type']:
            raise InputError("selector '%s' has an %s key; key_type %s needs a new selector (rotate to it)"
                             % (params['selector'], current.key_type, params['key_type']))
        return current, False
    return keys.generate(params['key_type'], params['key_size']), True


def plan(domain, selector, current, pairs, params):
    """The DkimPlan for the options, from the key file's state (current: DkimKey, None, or
    True for a file of any content when removing) and the map's pairs."""
    others = [pair for pair in pairs if pair[0] != domain]
    active = [pair for pair in pairs if pair[0] == domain]
    if params['state'] == 'absent':
        keep = [pair for pair in active if pair[1] != selector]
        return DkimPlan(None, False, current is not None, others + keep)
    key, write = _wanted_key(current, params)
    if params['active']:
        active = [(domain, selector)]
    return DkimPlan(key, write, False, others + active)


def apply(plan_, paths, owner, check_mode):
    """Write what plan_ says; True when anything changed (would change in check mode)."""
    key_file, map_file = paths
    changed = False
    if plan_.key is not None:
        ids = files.owner_ids(owner)
        changed = files.write_owned(key_file, plan_.key.file_text, ids, check_mode) or changed
    if plan_.remove_key:
        changed = files.remove(key_file, check_mode) or changed
    map_text = files.selectors_text(plan_.pairs)
    if (files.read_text(map_file) or '') != map_text:
        changed = files.write_owned(map_file, map_text, files.owner_ids(owner), check_mode) or changed
    return changed
