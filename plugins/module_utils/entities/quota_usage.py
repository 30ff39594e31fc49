# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail_info's quota_usage: what each mailbox uses of its quota, as Dovecot counts it, and
problems for the mailboxes at or over a threshold."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.audit import problem


def _percent(used, limit):
    return None if not limit else round(100.0 * used / limit, 1)


def usage_of(counted):
    """A user's `usage` field from doveadm's counts; `percent` is the higher of storage and messages."""
    shares = [share for share in (_percent(counted['bytes'], counted['limit_bytes']),
                                  _percent(counted['messages'], counted['limit_messages'])) if share is not None]
    return {'bytes': counted['bytes'], 'messages': counted['messages'], 'limit_bytes': counted['limit_bytes'],
            'limit_messages': counted['limit_messages'], 'percent': max(shares) if shares else None}


def usage_problems(email, usage, threshold):
    percent = usage['percent']
    if percent is None or percent < threshold:
        return []
    if percent >= 100:
        return [problem('quota_full', email, 'the mailbox %s is full (%s%% of its quota): new mail is refused '
                        'with 452 until mail is deleted or the quota raised' % (email, percent))]
    return [problem('quota_nearly_full', email, 'the mailbox %s uses %s%% of its quota (warning at %s%%)'
                    % (email, percent, threshold))]


def add_quota_usage(result, doveadm, threshold):
    """Add `usage` to each user of an ispmail_info result, and problems at or over `threshold` percent."""
    counted = doveadm.quota_usage([user['email'] for user in result['users']])
    for user in result['users']:
        user['usage'] = usage_of(counted.get(user['email'], {'bytes': 0, 'messages': 0, 'limit_bytes': None,
                                                             'limit_messages': None}))
        result['problems'].extend(usage_problems(user['email'], user['usage'], threshold))
    result['counts']['problems'] = len(result['problems'])
    return result
