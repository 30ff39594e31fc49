"""What a run says when the connection breaks under it (the crash tests meet these for real)."""
import pymysql
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.session import DatabaseError, Session


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


def session(conn, locked=True):
    bare = Session.__new__(Session)
    bare.check_mode, bare.queries, bare.conn, bare.locked = False, [], conn, locked
    return bare


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
    with pytest.raises(DatabaseError, match='nothing was changed: \\(1213\\) Deadlock'):
        session(Connection(pymysql.err.OperationalError(1213, 'Deadlock found'))).commit()
