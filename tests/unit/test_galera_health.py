"""The Galera node checks of db/galera.py that need no server: reading wsrep_on and the health
of a node from the status values SHOW GLOBAL STATUS gives."""
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.db import galera

HEALTHY = {'wsrep_ready': 'ON', 'wsrep_cluster_status': 'Primary', 'wsrep_local_state_comment': 'Synced',
           'wsrep_cluster_size': '3'}


@pytest.mark.parametrize('rows, expected', [
    ([('wsrep_on', 'ON')], True),
    ([('WSREP_ON', 'on')], True),
    ([('wsrep_on', 'OFF')], False),   # MariaDB without a cluster
    ([], False),                      # MySQL: no such variable
])
def test_is_on(rows, expected):
    assert galera.is_on(rows) is expected


def test_a_synced_primary_ready_node_is_healthy():
    assert galera.health_problem(HEALTHY) is None
    assert galera.health_problem(dict((k.upper(), v) for k, v in HEALTHY.items())) is None


@pytest.mark.parametrize('change, named', [
    ({'wsrep_local_state_comment': 'Donor/Desynced'}, 'wsrep_local_state_comment is Donor/Desynced'),
    ({'wsrep_local_state_comment': 'Joining: receiving State Transfer'}, 'Joining: receiving State Transfer'),
    ({'wsrep_cluster_status': 'non-Primary', 'wsrep_ready': 'OFF'}, 'wsrep_ready is OFF, wsrep_cluster_status is non-Primary'),
    ({'wsrep_cluster_status': 'Disconnected'}, 'wsrep_cluster_status is Disconnected'),
])
def test_an_unhealthy_node_is_named_by_its_state(change, named):
    problem = galera.health_problem(dict(HEALTHY, **change))
    assert named in problem and 'Primary component' in problem


def test_missing_status_values_are_a_problem():
    status = {'wsrep_cluster_status': 'Primary', 'wsrep_local_state_comment': 'Synced'}
    assert 'wsrep_ready is missing' in galera.health_problem(status)


def test_a_node_outside_the_primary_component_is_its_own_kind_of_error():
    pymysql = pytest.importorskip('pymysql')
    from ansible_collections.ispmail.mailserver.plugins.module_utils.db import engine
    from ansible_collections.ispmail.mailserver.plugins.module_utils.db.mariadb import MariaDB
    exc = pymysql.err.OperationalError(1047, 'WSREP has not yet prepared node for application use')
    assert MariaDB().error_kind(exc) == engine.NOT_READY
