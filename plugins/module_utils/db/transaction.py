# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One transaction for a whole module run, run again from its first read when the server gives
it up for a concurrent one (a deadlock, or a Galera certification conflict)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random
import time

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import DatabaseError, RetryTransaction

# On a Galera cluster every writing run conflicts with every concurrent one on another node
# (db/galera.py), so with a writer on each node a run may lose several rounds in a row: more
# attempts and a capped back-off than one server needs (retries measured in docs/consistency.md).
ATTEMPTS = 10
BACKOFF = 0.05     # seconds; doubles with each attempt, with jitter so that competitors spread out
MAX_BACKOFF = 2.0  # seconds: the longest wait between two attempts (before jitter)


def in_transaction(session, work, write=True):
    """Return work(session) after committing what it wrote (in check mode: rolling it back).

    `work` must read everything it plans from (it runs again from the start after a retry).
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            session.engine.begin(session, write and (session.rehearse or not session.check_mode))
            result = work(session)
            session.commit()
            return result
        except RetryTransaction as exc:
            session.rollback()
            session.retries += 1
            if attempt == ATTEMPTS:
                raise DatabaseError('%s; gave up after %d attempts, each given up for a concurrent transaction '
                                    '(another run, on this server or on another node of its cluster); nothing '
                                    'was changed: run it again, or run fewer writers at once' % (exc, ATTEMPTS))
            time.sleep(random.uniform(0.5, 1.5) * min(MAX_BACKOFF, BACKOFF * 2 ** attempt))
    return None  # not reached
