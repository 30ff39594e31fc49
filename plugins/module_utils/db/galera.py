# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""MariaDB Galera Cluster: what a run does on a node of one (called from db/mariadb.py).

Once per session: detect the cluster (wsrep_on), refuse a node that is not healthy, and make
reads causal (wsrep_sync_wait). Each attempt of a writing run: the cluster-wide lock row.

GET_LOCK() and LOCK TABLES are node-local in Galera: runs on two nodes never wait for each
other. What does serialize them is certification: two transactions that write the same row
conflict, and the later one is given up (error 1213) and run again from its first read. So a
writing run inserts and deletes one row with a fixed negative id in virtual_domains first,
before any read: every two writing runs then touch one same row, and the loser reads again
what the winner committed. The row never commits (it is deleted in the same transaction), so
Postfix and Dovecot never see it, and a negative id leaves AUTO_INCREMENT alone. A no-op
UPDATE or SELECT ... FOR UPDATE would not do: Galera certifies only rows that change.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import ConnectionFailure, SchemaError

LOCK_ID = -1
LOCK_NAME = 'ispmail-lock.invalid'   # .invalid (RFC 2606): never a real mail domain
# 1: reads (SELECT, SHOW, BEGIN) wait until the node has applied everything the cluster had
# committed when they were sent: a run sees every commit made anywhere before it.
SYNC_WAIT = 1
# What a node must report to be used: wsrep status variable -> the healthy value.
HEALTHY = (('wsrep_ready', 'ON'), ('wsrep_cluster_status', 'Primary'),
           ('wsrep_local_state_comment', 'Synced'))


class ClusterState(object):
    """What a session learned of its server once: Galera or not, and the lock row's fitness."""

    __slots__ = ('galera', 'lock_table')

    def __init__(self, galera):
        self.galera = galera
        self.lock_table = None   # True/False once looked at (the mail tables may be absent)


def is_on(rows):
    """Whether SHOW GLOBAL VARIABLES LIKE 'wsrep_on' says Galera replication is on (no row: MySQL)."""
    return any(str(name).lower() == 'wsrep_on' and str(value).upper() == 'ON' for name, value in rows)


def health_problem(status):
    """None when a node with these wsrep status values may be used, else what is wrong with it.

    `status` maps wsrep_* status names (any case) to their values, as SHOW GLOBAL STATUS gives them.
    """
    status = dict((str(name).lower(), str(value)) for name, value in status.items())
    wrong = ['%s is %s' % (name, status.get(name, 'missing')) for name, healthy in HEALTHY
             if status.get(name, '').lower() != healthy.lower()]
    if not wrong:
        return None
    return '%s (a node must be ready, Synced and in the Primary component)' % ', '.join(wrong)


def prepare(session):
    """Once per session: detect Galera; on a cluster node, refuse it unless healthy, then make reads causal."""
    state = session.cluster
    if state is None:
        state = ClusterState(is_on(session.select('SHOW GLOBAL VARIABLES LIKE %s', ('wsrep_on',))))
        session.cluster = state
        if state.galera:
            _check_health(session)
            session.select('SET SESSION wsrep_sync_wait = %s', (SYNC_WAIT,))
    return state


def _check_health(session):
    rows = session.select('SHOW GLOBAL STATUS LIKE %s', ('wsrep\\_%',))
    problem = health_problem(dict(rows))
    if problem:
        raise ConnectionFailure('the Galera node at %s is not usable, nothing was read or changed: %s'
                                % (session.where, problem))


def take_lock_row(session):
    """Insert and delete the lock row in this attempt's transaction, before any read of it."""
    state = session.cluster
    if state.lock_table is None:
        state.lock_table = _lock_table_fits(session)
    if state.lock_table:
        session.write_many('INSERT INTO virtual_domains (id, name) VALUES (%s, %s)', [(LOCK_ID, LOCK_NAME)])
        session.write_many('DELETE FROM virtual_domains WHERE id = %s', [(LOCK_ID,)])


def _lock_table_fits(session):
    """Whether virtual_domains takes the lock row; False where there are no mail tables (accounts)."""
    row = session.select_one(
        'SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() '
        'AND TABLE_NAME = %s AND COLUMN_NAME = %s', ('virtual_domains', 'id'))
    if row is None:
        return False
    if 'unsigned' in str(row[0]).lower():
        raise SchemaError('virtual_domains.id is %s: on a Galera cluster the modules serialize writers '
                          'with a row of id %d that never commits, which an unsigned column cannot hold; '
                          'make the column signed (the guide\'s int(11) is)' % (row[0], LOCK_ID))
    return True
