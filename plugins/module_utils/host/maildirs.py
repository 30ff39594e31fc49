# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Removing a domain's or a user's mail directory under the mail root, and nothing outside it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import HostError, InputError, LibraryMissing
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import normalize_domain, normalize_mailbox, printable


def mail_dir(mail_root, address_or_domain):
    """/var/vmail/DOMAIN for a domain, /var/vmail/DOMAIN/USER for an address (the guide's layout).
    Only for names already checked (safe_mail_dir) or for showing a path."""
    if '@' in address_or_domain:
        local, domain = address_or_domain.rsplit('@', 1)
        return os.path.join(mail_root, domain, local)
    return os.path.join(mail_root, address_or_domain)


def check_mail_root(mail_root):
    root = os.path.realpath(mail_root or '')
    if not mail_root or not os.path.isabs(mail_root) or root == '/':
        raise InputError("mail_root must be an absolute path other than '/', not %r" % mail_root)
    return root


def name_problem(name):
    """Why a stored domain or mailbox name must not become a path ('' when it may): it must be a
    valid domain or mailbox address in the form the modules store (lowercase, ASCII)."""
    if not isinstance(name, str):
        return 'it is not text'
    try:
        canonical = normalize_mailbox(name) if '@' in name else normalize_domain(name)
    except (InputError, LibraryMissing) as exc:
        return str(exc)
    if canonical != name:
        return "it is not in the stored form '%s'" % canonical
    return ''


def _strictly_below(parent, path, name, mail_root):
    """path's real location must lie strictly below parent (a real path); returns it resolved."""
    real = os.path.realpath(path)
    if not real.startswith(parent + os.sep):
        raise HostError("refusing to touch %s for '%s': with symlinks resolved it is %s, not below %s "
                        "(the mail root is %s)" % (path, name, real, parent, mail_root))
    return real


def safe_mail_dir(mail_root, name, what=None):
    """mail_dir() of a name that was checked first: a valid domain or mailbox address in stored
    form, whose directory, symlinks resolved, lies strictly below the mail root (a mailbox's
    strictly below its domain's). `what` names where the name came from (a row) in the message."""
    problem = name_problem(name)
    if problem:
        raise HostError("refusing to build a mail directory path from %s: it is not a valid domain or mailbox "
                        "address (%s). Nothing was changed; "
                        "correct or remove it by hand (ispmail_info lists it among its problems)"
                        % (what or "'%s'" % printable(name), problem))
    root = check_mail_root(mail_root)
    domain = name.rsplit('@', 1)[-1]
    domain_real = _strictly_below(root, os.path.join(root, domain), name, mail_root)
    if '@' in name:
        _strictly_below(domain_real, os.path.join(domain_real, name.rsplit('@', 1)[0]), name, mail_root)
    # Acted on as named, not as resolved: a symlink at the last step is unlinked or renamed itself.
    return mail_dir(root, name)


def check_mail_dirs(mail_root, named):
    """Check every (name, what) before anything is written; returns the paths."""
    return [safe_mail_dir(mail_root, name, what) for name, what in named]


def remove_mail_dirs(mail_root, names, check_mode):
    """Remove each name's directory; returns the paths that existed (and were, or would be, removed)."""
    removed = []
    for name in names:
        path = safe_mail_dir(mail_root, name)
        if not os.path.lexists(path):
            continue
        removed.append(path)
        if not check_mode:
            if os.path.islink(path) or not os.path.isdir(path):
                os.unlink(path)
            else:
                shutil.rmtree(path)
    return removed
