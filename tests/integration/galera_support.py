# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What test_galera.py needs beside the cluster: one job, databases on it and runs at once.

Provides (no fixtures):
  cluster_database(cluster, schema)   a fresh database on the cluster, made on node 1 (DDL
                                      replicates to all): a guide schema name, or 'role'
  node_params(node, database)         the modules' options for mailadmin over TCP to one node
  run_at_once(jobs)                   [(runner, tasks, module_defaults)] run at the same moment
  task_retries(results)               the retries all module tasks of those runs reported
"""

import os
import threading

from tests.integration.database import Database, schema_sql
from tests.integration.playbook_runner import REPO_ROOT

ROLE_SCHEMA = os.path.join(REPO_ROOT, 'roles', 'server', 'templates', 'sql', 'schema.sql.j2')
PIPELINING = {'ANSIBLE_PIPELINING': 'True'}


def role_statements():
    with open(ROLE_SCHEMA, encoding='utf-8') as handle:
        text = handle.read()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith('--')]
    return [stmt.strip() for stmt in '\n'.join(lines).split(';') if stmt.strip()]


def cluster_database(cluster, schema):
    """A Database on node 1 whose root connection reads causally (it checks what other nodes wrote)."""
    first = cluster.nodes[0]
    if schema == 'role':
        database = Database(first, None, 'galera', name=None)
        database.schema = 'role'
        statements = role_statements()
    else:
        database = Database(first, None, 'galera')
        database.schema = schema
        statements = schema_sql(schema)
    with database.conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
        cur.execute('SET SESSION wsrep_sync_wait = 1')
    return database


def node_params(node, database):
    return node.admin_params(database.name, host='127.0.0.1')


def run_at_once(jobs):
    """Run each (runner, tasks, module_defaults) in its own thread from one barrier; the results in order."""
    results = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def go(index):
        runner, tasks, defaults = jobs[index]
        barrier.wait()
        results[index] = runner.run(tasks, module_defaults=defaults, extra_env=PIPELINING)

    threads = [threading.Thread(target=go, args=(index,)) for index in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def task_retries(results):
    return sum(int(task.get('retries') or 0) for run in results for task in run.tasks)
