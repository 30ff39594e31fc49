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

ATTEMPTS = 6
BACKOFF = 0.05   # seconds; doubles with each attempt, with jitter so that competitors spread out


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
                raise DatabaseError('%s; gave up after %d attempts, nothing was changed' % (exc, ATTEMPTS))
            time.sleep(random.uniform(0.5, 1.5) * BACKOFF * 2 ** attempt)
    return None  # not reached
