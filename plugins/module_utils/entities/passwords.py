# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checking given passwords against stored hashes, and hashing new ones, in parallel across the
cores: bcrypt and Argon2 release the GIL, and 10,000 checks are most of a no-change run."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.hashes import make_hash, verify
from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.schemes import split_scheme
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.renames import row_for


class NewPassword(object):
    """A password the plan decided to store; apply() hashes it (check mode never does)."""

    __slots__ = ('password', 'scheme')

    def __init__(self, password, scheme):
        self.password = password
        self.scheme = scheme


def _pool():
    return ThreadPoolExecutor(max_workers=min(32, os.cpu_count() or 1))


def check_passwords(items, users, checker=verify):
    """The emails whose stored hash is a hash of the item's password, in the item's scheme.

    Checked only where it decides something: existing users with update_password=always. A
    stored hash in another scheme than asked for does not match (it is to be replaced).
    `checker(password, stored)` is crypt's verify.
    """
    checks = []
    for item in items:
        row = row_for(item, users)
        if (item['state'] == 'present' and item.get('password') is not None and row is not None
                and item['update_password'] == 'always'
                and split_scheme(row.password)[0] == item['password_scheme']):
            checks.append((item['email'], item['password'], row.password))
    if not checks:
        return frozenset()
    with _pool() as pool:
        results = list(pool.map(lambda check: checker(check[1], check[2]), checks))
    return frozenset(check[0] for check, same in zip(checks, results) if same)


def hash_new_passwords(passwords):
    """{NewPassword: '{SCHEME}hash'} for the NewPassword objects among `passwords`."""
    new = [password for password in passwords if isinstance(password, NewPassword)]
    if not new:
        return {}
    with _pool() as pool:
        made = list(pool.map(lambda p: make_hash(p.password, p.scheme), new))
    return dict(zip(new, made))


def placeholder_hashes(passwords):
    """{NewPassword: stand-in} for check mode, which never hashes (see apply)."""
    return dict((password, '{CHECK-MODE}') for password in passwords if isinstance(password, NewPassword))
