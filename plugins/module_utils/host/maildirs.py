# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Removing a domain's or a user's mail directory under the mail root, and nothing outside it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import HostError, InputError


def mail_dir(mail_root, address_or_domain):
    """/var/vmail/DOMAIN for a domain, /var/vmail/DOMAIN/USER for an address (the guide's layout)."""
    if '@' in address_or_domain:
        local, domain = address_or_domain.rsplit('@', 1)
        return os.path.join(mail_root, domain, local)
    return os.path.join(mail_root, address_or_domain)


def check_mail_root(mail_root):
    root = os.path.realpath(mail_root or '')
    if not mail_root or not os.path.isabs(mail_root) or root == '/':
        raise InputError("mail_root must be an absolute path other than '/', not %r" % mail_root)
    return root


def contained_mail_dir(mail_root, name):
    """mail_dir(), refused when a symlinked domain directory would lead it out of the mail root."""
    root = check_mail_root(mail_root)
    path = mail_dir(mail_root, name)
    expected = os.path.join(root, os.path.relpath(path, mail_root))
    # Names are validated addresses, but a symlinked domain directory could still lead out.
    # A symlink at the last step is only unlinked or renamed, so its parent is what must stay inside.
    if os.path.realpath(os.path.dirname(path)) != os.path.dirname(expected):
        raise HostError('refusing to touch %s: it leads outside %s' % (path, mail_root))
    return path


def remove_mail_dirs(mail_root, names, check_mode):
    """Remove each name's directory; returns the paths that existed (and were, or would be, removed)."""
    removed = []
    for name in names:
        path = contained_mail_dir(mail_root, name)
        if not os.path.lexists(path):
            continue
        removed.append(path)
        if not check_mode:
            if os.path.islink(path) or not os.path.isdir(path):
                os.unlink(path)
            else:
                shutil.rmtree(path)
    return removed
