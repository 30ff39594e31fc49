# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A throwaway three-node MariaDB Galera cluster on this host: one job, start it, break it, stop it.

Provides (no fixtures; test_galera.py and the benchmark make their own):
  GaleraNode      one mariadbd of the cluster: MariaDBServer's command line plus the wsrep options
  GaleraCluster   GaleraCluster(base_dir, size=3).start(): node 1 bootstraps (--wsrep-new-cluster)
                  and gets the accounts of db_server.py, the others join one by one (rsync SST);
                  status(node), wait_synced(), kill(node), isolate(node)/rejoin(node), stop()

Each node is ``mariadbd --no-defaults`` with its own data directory, client port, group port
(gcomm), IST port and SST port, all on 127.0.0.1. Short EVS timeouts make a killed node leave
the component in seconds instead of the default 15 or so.
"""

import os
import pwd
import signal
import time

from tests.integration.mariadb_server import MariaDBServer, free_port

PROVIDER = '/usr/lib/galera/libgalera_smm.so'
CLUSTER_NAME = 'ispt_cluster'
EVS = 'evs.suspect_timeout=PT3S;evs.inactive_timeout=PT5S;evs.install_timeout=PT5S;evs.join_retrans_period=PT0.5S'


class GaleraNode(MariaDBServer):
    """A node; `bootstrap` starts a new cluster. tls off: the tests of TLS run on the single server."""

    def __init__(self, base_dir, index, ports, bootstrap=False):
        super().__init__(base_dir, durable=False, tls=False)
        self.index, self.ports, self.bootstrap = index, ports, bootstrap

    def command(self):
        gcomm = self.ports[self.index]['gcomm']
        members = ','.join('127.0.0.1:%d' % node['gcomm'] for node in self.ports)
        options = 'gmcast.listen_addr=tcp://127.0.0.1:%d;ist.recv_addr=127.0.0.1:%d;gcache.size=64M;%s' % (
            gcomm, self.ports[self.index]['ist'], EVS)
        cmd = super().command() + [
            '--wsrep-on=ON', '--wsrep-provider=%s' % PROVIDER, '--wsrep-cluster-name=%s' % CLUSTER_NAME,
            '--wsrep-cluster-address=gcomm://%s' % members, '--wsrep-node-name=node%d' % (self.index + 1),
            '--wsrep-node-address=127.0.0.1:%d' % gcomm, '--wsrep-provider-options=%s' % options,
            '--wsrep-sst-method=rsync', '--wsrep-sst-receive-address=127.0.0.1:%d' % self.ports[self.index]['sst'],
            '--wsrep-node-incoming-address=127.0.0.1:%d' % self.port,
            '--binlog-format=ROW', '--innodb-autoinc-lock-mode=2', '--default-storage-engine=InnoDB',
        ]
        return cmd + (['--wsrep-new-cluster'] if self.bootstrap else [])

    def start(self, timeout=120):
        os.makedirs(self.run_dir, exist_ok=True)
        os.makedirs(self.tmpdir, exist_ok=True)
        self.port = self.ports[self.index]['client']
        self._run_until_up(self.command(), timeout)
        return self

    def status(self):
        """{wsrep status name: value} of this node."""
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SHOW GLOBAL STATUS LIKE 'wsrep%'")
                return dict(cur.fetchall())
        finally:
            conn.close()

    def kill(self):
        """SIGKILL: the node vanishes from the group without a goodbye."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None


def _open_to_rsync(node):
    # wsrep_sst_rsync's daemon on the joiner runs as nobody when started by root: it must reach
    # and write the joiner's data directory. (mariadbd, as root, reads what it writes.)
    path = node.datadir
    os.makedirs(path, exist_ok=True)
    user = pwd.getpwnam('nobody')
    os.chown(path, user.pw_uid, user.pw_gid)
    while path != '/':
        path = os.path.dirname(path)
        os.chmod(path, os.stat(path).st_mode | 0o011)


class GaleraCluster:
    def __init__(self, base_dir, size=3):
        ports = [dict((name, free_port()) for name in ('client', 'gcomm', 'ist', 'sst')) for dummy in range(size)]
        self.nodes = [GaleraNode(os.path.join(str(base_dir), 'node%d' % (i + 1)), i, ports, bootstrap=i == 0)
                      for i in range(size)]

    def start(self):
        first = self.nodes[0]
        os.makedirs(first.tmpdir, exist_ok=True)
        first._install()
        first.start()
        first._create_accounts()
        for node in self.nodes[1:]:
            _open_to_rsync(node)
            node.start()
            self.wait_synced(self.nodes[:node.index + 1])
        return self

    def wait_synced(self, nodes=None, timeout=120):
        """Wait until every node (of `nodes`) is Synced in a Primary component of them all."""
        nodes = self.nodes if nodes is None else nodes
        deadline = time.monotonic() + timeout
        while True:
            states = [node.status() for node in nodes]
            if all(s.get('wsrep_local_state_comment') == 'Synced' and s.get('wsrep_cluster_status') == 'Primary'
                   and int(s.get('wsrep_cluster_size', 0)) == len(nodes) for s in states):
                return
            if time.monotonic() > deadline:
                raise RuntimeError('the cluster did not sync: %r' % [
                    dict((k, s.get(k)) for k in ('wsrep_local_state_comment', 'wsrep_cluster_status',
                                                 'wsrep_cluster_size')) for s in states])
            time.sleep(0.2)

    def stop(self):
        for node in reversed(self.nodes):
            node.stop()
