# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Problems in a mail directory that Postfix and Dovecot only show as lost or deferred mail."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.schemes import DOVECOT_SCHEMES, split_scheme
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildirs import name_problem
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import domain_of, printable
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.alias_graph import AliasGraph, describe
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.quota import INT11_QUOTA_MAX


def problem(kind, subject, message):
    return {'type': kind, 'subject': subject, 'message': message}


def audit(directory, domains=None):
    """[{type, subject, message}, ...] about the given domains (all when None)."""
    def wanted(address):
        return not domains or domain_of(address) in domains

    problems = []
    graph = AliasGraph(directory.aliases, directory.mailboxes)
    for cycle in graph.all_cycles():
        if any(wanted(node) for node in cycle):
            problems.append(problem('alias_loop', cycle[0], 'forwarding loop %s: Postfix defers this mail'
                                    % describe(cycle)))
    local_domains = set(directory.domains)
    for source, destinations in sorted(directory.aliases.items()):
        if not wanted(source):
            continue
        for destination in sorted(destinations):
            if _bounces(graph, local_domains, destination):
                problems.append(problem('alias_no_mailbox', source, "alias %s forwards to %s, a local address "
                                        "with no mailbox, alias or catch-all: that mail bounces"
                                        % (source, destination)))
    problems.extend(_unsafe_names(directory, wanted))
    problems.extend(_duplicate_aliases(directory, wanted))
    problems.extend(_user_problems(directory, wanted))
    problems.extend(_over_limits(directory, wanted))
    return problems


# What each limit counts in a domain's usage (entities/directory.py), and its words.
LIMIT_USAGE = (('max_users', 'users', 'mailboxes'), ('max_aliases', 'aliases', 'alias sources'),
               ('max_quota', 'quota', 'bytes of mailbox quotas'))


def _over_limits(directory, wanted):
    """Domains holding more than a limit allows (it was lowered below what exists: nothing is
    deleted for it, the domain may only not grow), and unlimited mailboxes under a max_quota."""
    for name, limits in sorted(directory.domain_limits.items()):
        if not wanted('@' + name):
            continue
        usage = directory.usage.get(name, {})
        for limit, counted, words in LIMIT_USAGE:
            if limits[limit] and usage.get(counted, 0) > limits[limit]:
                yield problem('over_limit', name, 'domain %s has %d %s, over its %s %d: it may not grow until '
                              'it is back within it' % (name, usage[counted], words, limit, limits[limit]))
    for email, dummy, dummy2, quota in directory.user_rows:
        email = email.lower()
        limits = directory.domain_limits.get(domain_of(email))
        if limits and limits['max_quota'] and not quota and wanted(email):
            yield problem('quota_unlimited', email, 'mailbox %s has no quota (unlimited) in a domain with max_quota '
                          '%d: its mail is not counted against the plan' % (email, limits['max_quota']))


def _bounces(graph, local_domains, destination):
    if domain_of(destination) not in local_domains or destination in graph.mailboxes:
        return False
    return not graph.next_hops(destination)


def _unsafe_names(directory, wanted):
    """Rows whose name is no valid domain or mailbox: the modules refuse to build a mail directory
    path from them (a domain named '..' would be the directory above the mail root)."""
    for row_id, name in directory.domain_rows:
        reason = name_problem(name.lower())
        if reason and wanted('@' + name.lower()):
            yield problem('unsafe_name', name, "the virtual_domains row '%s' (id %s) is not a valid domain name: %s. "
                          "Removing its mail with remove_mail fails until it is corrected" % (printable(name), row_id, reason))
    for email, dummy, dummy, dummy in directory.user_rows:
        reason = name_problem(email.lower())
        if reason and wanted(email.lower()):
            yield problem('unsafe_name', email, "the virtual_users row '%s' is not a valid mailbox address: %s. "
                          "Removing or renaming its mail fails until it is corrected" % (printable(email), reason))


def _duplicate_aliases(directory, wanted):
    seen, reported = set(), set()
    for source, destination, dummy in directory.alias_rows:
        key = (source.lower(), destination.lower())
        if key in seen and key not in reported and wanted(key[0]):
            reported.add(key)
            yield problem('duplicate_alias', key[0], 'alias row %s -> %s is stored more than once' % key)
        seen.add(key)


def _user_problems(directory, wanted):
    for email, domain, password, quota in directory.user_rows:
        email = email.lower()
        if not wanted(email):
            continue
        scheme, dummy = split_scheme(password)
        if scheme is None:
            yield problem('hash_no_scheme', email, 'the password of %s has no {SCHEME} prefix; with no '
                          'default_pass_scheme set, Dovecot cannot check it and the user cannot log in' % email)
        elif scheme not in DOVECOT_SCHEMES:
            yield problem('hash_unknown_scheme', email, 'the password of %s has the scheme {%s}, which Dovecot '
                          'does not know: the user cannot log in' % (email, scheme))
        if quota is not None and quota > INT11_QUOTA_MAX:
            yield problem('quota_overflow', email, 'the quota of %s (%d bytes) does not fit an int(11) quota '
                          'column (at most %d): moving it to a server with the older schema fails'
                          % (email, quota, INT11_QUOTA_MAX))
        if domain is None or domain.lower() != domain_of(email):
            yield problem('user_domain_mismatch', email, 'user %s is filed under the domain %s, not its own'
                          % (email, domain))
