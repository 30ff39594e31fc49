# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Postfix's view of a test database: one job, ``postmap -q`` with the guide's four queries.

A private configuration directory (``postmap -c DIR``) keeps the host's
/etc/postfix out of it. The lookup files connect as the read-only
``mailserver`` account over TCP to 127.0.0.1, as the guide's chrooted Postfix does.

Provides (no fixtures; conftest.py makes ``postmap`` and ``postmap_q`` through
DatabaseServer.lookups):
  PostfixLookups(directory, host, port, user, password, dbname)   query(key, table), is_domain(),
                                                                  is_mailbox(), alias_destinations(), resolve()
  PostmapError, QUERIES
"""

import os
import subprocess

# name -> (the guide's Bookworm file name, query)
QUERIES = {
    'domains': ('mysql-virtual-mailbox-domains.cf', "SELECT 1 FROM virtual_domains WHERE name='%s'"),
    'mailboxes': ('mysql-virtual-mailbox-maps.cf', "SELECT 1 FROM virtual_users WHERE email='%s'"),
    'aliases': ('mysql-virtual-alias-maps.cf', "SELECT destination FROM virtual_aliases WHERE source='%s'"),
    'email2email': ('mysql-email2email.cf', "SELECT email FROM virtual_users WHERE email='%s'"),
}

MAIN_CF = """\
compatibility_level = 3.6
# Set explicitly: postmap otherwise asks the resolver for the host name.
myhostname = localhost.localdomain
mydomain = localdomain
"""


class PostmapError(AssertionError):
    pass


class PostfixLookups:
    def __init__(self, directory, host, port, user, password, dbname):
        self.directory = str(directory)
        os.makedirs(self.directory, exist_ok=True)
        with open(os.path.join(self.directory, 'main.cf'), 'w', encoding='utf-8') as handle:
            handle.write(MAIN_CF)
        self.files = {}
        for table, (filename, query) in QUERIES.items():
            path = os.path.join(self.directory, filename)
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write('user = %s\npassword = %s\nhosts = %s:%d\ndbname = %s\nquery = %s\n'
                             % (user, password, host, port, dbname, query))
            os.chmod(path, 0o600)
            self.files[table] = path

    def query(self, key, table):
        """``postmap -q KEY mysql:FILE``: the value found, or None when the key is not found."""
        proc = subprocess.run(['postmap', '-c', self.directory, '-q', key, 'mysql:' + self.files[table]],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
        if proc.returncode == 0 and not proc.stderr.strip():
            return proc.stdout.strip()
        if proc.returncode == 1 and not proc.stderr.strip() and not proc.stdout.strip():
            return None
        raise PostmapError('postmap -q %r %s failed (rc %d): %s%s'
                           % (key, table, proc.returncode, proc.stdout, proc.stderr))

    def __call__(self, key, table):
        return self.query(key, table)

    def is_domain(self, domain):
        return self.query(domain, 'domains') == '1'

    def is_mailbox(self, email):
        return self.query(email, 'mailboxes') == '1'

    def alias_destinations(self, source):
        """Sorted destinations of one alias source as Postfix sees them ([] when there is none)."""
        value = self.query(source, 'aliases')
        return sorted(part.strip() for part in value.split(',')) if value else []

    def resolve(self, address):
        """One step of virtual_alias_maps = aliases, email2email, as Postfix searches it.

        For each lookup key (the full address, then the catch-all ``@domain``) every
        table is tried in order; the first hit wins. Returns the sorted result, or []
        when no table knows the address.
        """
        domain = address.rsplit('@', 1)[1]
        for key in (address, '@' + domain):
            for table in ('aliases', 'email2email'):
                value = self.query(key, table)
                if value:
                    return sorted(part.strip() for part in value.split(','))
        return []
