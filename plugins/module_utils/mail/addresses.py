# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalizing and checking mail domains and addresses before they reach the database.

Everything is stored lowercase and in ASCII: IDN domains in their xn-- form, which is
what Postfix looks up. Postfix lowercases keys, and MariaDB's utf8 columns compare without
case, so mixed case would only make duplicates that look different.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import traceback
import unicodedata

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, LibraryMissing

try:
    import idna
    IDNA_IMPORT_ERROR = None
except ImportError:
    idna = None
    IDNA_IMPORT_ERROR = traceback.format_exc()

_LABEL = re.compile(r'^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$')
# Mailbox names must also be Dovecot login names: its default auth_username_chars.
_MAILBOX_LOCAL = re.compile(r'^[a-z0-9._-]+$')
# Alias and forwarding addresses: RFC 5322 atext without the characters that quote, route
# or expand somewhere (' " ` % ! / | \) and so are refused rather than passed on.
_ALIAS_LOCAL = re.compile(r'^[a-z0-9.#$&*+=?^_{}~-]+$')
_CONTROL = re.compile(r'[\x00-\x20\x7f]')
# Domains already normalized in this run, raw form -> ASCII form: a list of 10,000 addresses
# names a hundred domains, and IDNA encoding each of them again costs more than all the rest.
_KNOWN_DOMAINS = {}


def printable(value):
    """The value as it can be quoted safely in a message."""
    return repr(value)[1:-1] if isinstance(value, str) else repr(value)


def _check_text(value, what):
    """The checks every domain and address passes first; returns the value as messages show it."""
    if not isinstance(value, str):
        raise InputError('%s must be a string, got %s' % (what, type(value).__name__))
    shown = printable(value)
    if not value:
        raise InputError('%s is empty' % what)
    if _CONTROL.search(value):
        raise InputError("%s '%s' contains a space or a control character" % (what, shown))
    return shown


def normalize_domain(value, what='domain'):
    """'Bücher.Example' -> 'xn--bcher-kva.example'; raises InputError naming the problem."""
    known = _KNOWN_DOMAINS.get(value) if isinstance(value, str) else None
    if known is None:
        known = _KNOWN_DOMAINS[value] = _normalize_domain(value, what)
    return known


def _address_domain(value, domain, what):
    """The domain part of an address, normalized; the message (built only on failure) names the address."""
    known = _KNOWN_DOMAINS.get(domain)
    if known is None:
        known = normalize_domain(domain, '%s %s: domain' % (what, printable(value)))
    return known


def _normalize_domain(value, what):
    shown = _check_text(value, what)
    name = value.lower().rstrip('.') if value.endswith('.') and not value.endswith('..') else value.lower()
    if '..' in name or name.startswith('.'):
        raise InputError("%s '%s' has an empty label (a leading dot or two dots in a row)" % (what, shown))
    labels = [_ascii_label(label, what, shown) for label in name.split('.')]
    ascii_name = '.'.join(labels).lower()
    if len(labels) < 2:
        raise InputError("%s '%s' needs at least two labels, such as example.org" % (what, shown))
    if len(ascii_name) > 253:
        raise InputError("%s '%s' is longer than 253 characters" % (what, shown))
    for label in labels:
        if not _LABEL.match(label):
            raise InputError("%s '%s': label '%s' must be 1 to 63 letters, digits or '-', and must not "
                             "start or end with '-'" % (what, shown, printable(label)))
    if labels[-1].isdigit():
        raise InputError("%s '%s' ends in a number: an IP address is not a mail domain" % (what, shown))
    return ascii_name


def _ascii_label(label, what, shown):
    """A label in ASCII by IDNA 2008 (not Python's IDNA 2003 codec, which maps 'ß' to 'ss' and
    drops invisible characters such as U+200B): a U-label is encoded after NFC, an A-label
    (xn--) must decode to a valid U-label and encode back to itself; other ASCII is left to the
    LDH check."""
    if label.isascii() and not label.startswith('xn--'):
        return label
    if idna is None:
        raise LibraryMissing('idna (Debian: python3-idna)', IDNA_IMPORT_ERROR,
                             "to check the internationalized domain name '%s'" % shown)
    try:
        if label.isascii():
            ascii_label = idna.encode(idna.decode(label)).decode('ascii')
            if ascii_label != label:
                raise idna.IDNAError('the A-label does not encode back to itself (%s)' % ascii_label)
            return label
        return idna.encode(unicodedata.normalize('NFC', label)).decode('ascii')
    except (idna.IDNAError, UnicodeError) as exc:
        raise InputError("%s '%s' is not a valid internationalized domain name (IDNA 2008): %s"
                         % (what, shown, printable(str(exc))))


def split_address(value, what='address'):
    shown = _check_text(value, what)
    if value.count('@') != 1:
        raise InputError("%s '%s' must have exactly one '@'" % (what, shown))
    return value.split('@')


def _check_local(local, pattern, value, what, kind):
    shown = printable(value)
    if not local:
        raise InputError("%s '%s' has an empty local part before '@'" % (what, shown))
    if len(local) > 64:
        raise InputError("%s '%s': the local part is longer than 64 characters" % (what, shown))
    if local.startswith('.') or local.endswith('.') or '..' in local:
        raise InputError("%s '%s': the local part must not start or end with a dot or hold two dots "
                         "in a row" % (what, shown))
    # Checked before lowercasing: str.lower() turns some non-ASCII letters (the Kelvin sign) into ASCII.
    if not local.isascii():
        raise InputError("%s '%s': the local part must be ASCII (the server does not speak SMTPUTF8)"
                         % (what, shown))
    if not pattern.match(local.lower()):
        raise InputError("%s '%s': the local part may hold only %s" % (what, shown, kind))


def normalize_mailbox(value, what='email'):
    """A mailbox address (also the Dovecot login name), lowercased, domain in ASCII."""
    local, domain = split_address(value, what)
    _check_local(local, _MAILBOX_LOCAL, value, what,
                 "letters, digits, '.', '_' and '-' (the characters Dovecot accepts in a login)")
    return '%s@%s' % (local.lower(), _address_domain(value, domain, what))


def normalize_address(value, what='address'):
    """Any forwarding address, local or external."""
    local, domain = split_address(value, what)
    _check_local(local, _ALIAS_LOCAL, value, what,
                 "letters, digits and . # $ & * + = ? ^ _ { } ~ -")
    return '%s@%s' % (local.lower(), _address_domain(value, domain, what))


def normalize_source(value, what='source'):
    """An alias source: an address, or '@domain' for a catch-all."""
    if isinstance(value, str) and value.startswith('@'):
        return '@' + normalize_domain(value[1:], "%s '%s': domain" % (what, printable(value)))
    return normalize_address(value, what)


def domain_of(address):
    """The part after the last '@' ('' when there is none: a hand-edited row)."""
    return address.rsplit('@', 1)[-1] if '@' in address else ''


def check_length(value, limit, what):
    """Refuse what the column would cut or reject."""
    if limit and len(value) > limit:
        raise InputError("%s '%s' is %d characters long; the database column holds at most %d"
                         % (what, value, len(value), limit))
