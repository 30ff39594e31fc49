"""What a run says when the connection breaks under it (the crash tests meet these for real)."""
import pymysql
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.db.mariadb import MariaDB
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.session import Session
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import DatabaseError, RetryTransaction


class DeadCursor(object):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        raise pymysql.err.InterfaceError(0, '')


class Connection(object):
    def __init__(self, commit_error=None):
        self.commit_error = commit_error
        self.closed = False

    def cursor(self):
        return DeadCursor()

    def commit(self):
        if self.commit_error:
            raise self.commit_error

    def rollback(self):
        raise pymysql.err.InterfaceError(0, '')

    def close(self):
        raise pymysql.err.Error('Already closed')


class BrokenMariaDB(MariaDB):
    """The MariaDB engine over a connection that fails as a lost one does."""

    def __init__(self, conn):
        self.conn = conn

    def where(self, params):
        return 'socket /nowhere'

    def connect(self, params):
        return self.conn


def session(conn, locked=True):
    opened = Session(BrokenMariaDB(conn), {}, check_mode=False)
    opened.locked = locked
    return opened


def test_close_on_a_dead_connection_keeps_quiet():
    """Releasing the lock on a lost connection must not replace the error that ended the run."""
    session(Connection()).close()


@pytest.mark.parametrize('error', [pymysql.err.OperationalError(2013, 'Lost connection to server during query'),
                                   pymysql.err.OperationalError(2006, 'Server has gone away'),
                                   pymysql.err.InterfaceError(0, '')])
def test_commit_on_a_lost_connection_does_not_claim_nothing_changed(error):
    with pytest.raises(DatabaseError) as caught:
        session(Connection(error)).commit()
    assert 'nothing was changed' not in str(caught.value)
    assert 'not known whether' in str(caught.value) and 'run again' in str(caught.value)


def test_commit_refused_by_the_server_changed_nothing():
    with pytest.raises(DatabaseError, match='nothing was changed: \\(1062\\) Duplicate'):
        session(Connection(pymysql.err.IntegrityError(1062, 'Duplicate entry'))).commit()


def test_a_deadlock_at_commit_asks_for_the_transaction_again():
    """Galera reports certification conflicts as 1213 at COMMIT: the whole transaction is retried."""
    with pytest.raises(RetryTransaction, match='\\(1213\\) Deadlock'):
        session(Connection(pymysql.err.OperationalError(1213, 'Deadlock found'))).commit()
