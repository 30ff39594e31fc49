"""The frame every writing module shares (frame/, db/session.py, db/transaction.py), without a
server: one transaction run again after a conflict and counted, clean failures with the queries,
check mode that writes nothing, secrets kept out of the result, and the caps on what a result
echoes."""
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.db import engine as base
from ansible_collections.ispmail.mailserver.plugins.module_utils.db import transaction
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.session import Session
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.report import DIFF_ENTRIES_MAX, Report
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import LibraryMissing
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame import entries, secrets
from ansible_collections.ispmail.mailserver.plugins.module_utils.frame.run import ModuleRun

from tests.unit.fake_engine import DriverError, FakeEngine
from tests.unit.module_runner import run_module

INSERT = 'INSERT INTO virtual_domains (name) VALUES (%s)'
MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def raising(error):
    """A stand-in for a connection method that fails with `error`."""
    def method():
        raise error
    return method


def create_domain(engine, check_mode=False):
    return run_module('ispmail_domain', {'name': 'example.org'}, engine, check_mode)


# -- the transaction -----------------------------------------------------------------------------
def test_a_transaction_given_up_for_a_concurrent_one_runs_again_and_is_counted():
    engine = FakeEngine(failures={'INSERT': [base.RETRY, base.RETRY]})
    failed, result = create_domain(engine)
    assert not failed and result['retries'] == 2 and result['changed'] is True
    steps = [s for s, dummy in engine.statements if s in ('BEGIN', 'ROLLBACK', 'COMMIT')]
    assert [s for n, s in enumerate(steps) if s != steps[n - 1]] == \
        ['BEGIN', 'ROLLBACK', 'BEGIN', 'ROLLBACK', 'BEGIN', 'COMMIT']
    assert engine.rows('SELECT name FROM virtual_domains') == [('example.org',)]
    assert result['queries'].count(INSERT) == 1  # each template once


def test_a_transaction_gives_up_after_the_last_attempt():
    engine = FakeEngine(failures={'INSERT': [base.RETRY] * transaction.ATTEMPTS})
    failed, result = create_domain(engine)
    assert failed and result['retries'] == transaction.ATTEMPTS == 10
    assert result['msg'] == ('INSERT was given up for a concurrent transaction: fake retry error; gave up after 10 '
                             'attempts, each given up for a concurrent transaction (another run, on this server or on '
                             'another node of its cluster); nothing was changed: run it again, or run fewer writers '
                             'at once')
    assert ('COMMIT', None) not in engine.statements and engine.rows('SELECT * FROM virtual_domains') == []


def test_the_back_off_grows_and_is_capped(monkeypatch):
    waits = []
    monkeypatch.setattr(transaction.time, 'sleep', waits.append)
    monkeypatch.setattr(transaction.random, 'uniform', lambda low, high: (low, high)[1])
    engine = FakeEngine(failures={'SELECT': [base.RETRY] * 9})
    session = Session(engine, {}, False)
    assert transaction.in_transaction(session, lambda s: s.select('SELECT 1')) == [(1,)]
    assert session.retries == 9
    assert waits == [1.5 * min(2.0, 0.05 * 2 ** attempt) for attempt in range(1, 10)]
    assert waits[-1] == 3.0 and waits[0] == pytest.approx(0.15)


@pytest.mark.parametrize('kind, message', [
    (base.FAILED, 'INSERT failed, nothing was changed: fake failed error'),
    (base.READ_ONLY, 'the FakeDB server at fake refuses writes (read-only), nothing was changed: fake read_only error'),
    (base.NOT_READY, 'the FakeDB node at fake serves no clients now (a cluster node outside the primary component, '
                     'or not synced), nothing was changed: fake not_ready error'),
])
def test_a_failed_statement_ends_the_run_with_its_message_and_the_queries(kind, message):
    engine = FakeEngine(failures={'INSERT': [kind]})
    failed, result = create_domain(engine)
    assert failed and result['msg'] == message and result['retries'] == 0
    assert result['queries'][-1] == INSERT and 'changed' not in result
    assert engine.rows('SELECT * FROM virtual_domains') == [] and engine.statements[-1] == ('CLOSE', None)
    assert ('ROLLBACK', None) in engine.statements


def test_a_commit_that_loses_the_connection_does_not_claim_nothing_changed():
    engine = FakeEngine()
    session = Session(engine, {}, False)
    session.conn.commit = raising(DriverError(base.LOST))
    with pytest.raises(Exception, match='not known whether the change was saved'):
        session.commit()


def test_a_missing_driver_is_named_with_its_debian_package():
    class NoDriver(FakeEngine):
        def require_driver(self):
            raise LibraryMissing('PyFake (Debian: python3-fake)', 'the import error')

    failed, result = create_domain(NoDriver())
    assert failed and 'PyFake (Debian: python3-fake)' in result['msg'] and result['queries'] == []
    assert result['retries'] == 0


def test_a_host_error_after_the_commit_says_the_database_changed():
    class Module(object):
        params = {}
        check_mode = False

        def fail_json(self, **result):
            self.result = result
            raise SystemExit(1)

    module = Module()

    def finish(outcome):
        raise OSError('disk full')

    run = ModuleRun(module, invocation={'module_args': {'a': 1}})
    run._transaction = lambda work: work(None)
    with pytest.raises(SystemExit):
        run.execute(lambda session: 'done', finish)
    assert module.result == {'msg': 'the database was changed, but changing the files on the host failed: disk full',
                             'queries': [], 'retries': 0, 'invocation': {'module_args': {'a': 1}}}


# -- the session: check mode and the record of queries ------------------------------------------
@pytest.mark.parametrize('check_mode, rehearse, written', [(False, False, True), (True, False, False),
                                                           (True, True, True), (False, True, True)])
def test_write_many_writes_outside_check_mode_or_in_a_rehearsal(check_mode, rehearse, written):
    engine = FakeEngine()
    session = Session(engine, {}, check_mode, rehearse)
    count = session.write_many(INSERT, [('a.example',), ('b.example',)])
    assert count == (2 if written else 0)
    assert session.queries == [INSERT] and bool(engine.writes()) is written
    assert session.rehearse is (check_mode and rehearse)
    session.commit()
    assert engine.statements[-1] == (('COMMIT', None) if not check_mode else ('ROLLBACK', None))
    assert engine.rows('SELECT COUNT(*) FROM virtual_domains') == [(2 if written and not check_mode else 0,)]


def test_nothing_to_write_is_no_query():
    engine = FakeEngine()
    session = Session(engine, {}, False)
    assert session.write_many(INSERT, iter([])) == 0 and session.queries == [] and engine.writes() == []


def test_each_query_is_recorded_once_in_the_order_first_run_and_never_its_values():
    session = Session(FakeEngine(), {}, False)
    assert session.select_one('SELECT id FROM virtual_domains WHERE name = %s', ('x',)) is None
    session.write_many(INSERT, [('secret.example',)])
    assert session.select_one('SELECT name FROM virtual_domains WHERE name = %s', ('secret.example',)) == \
        ('secret.example',)
    session.select('SELECT id FROM virtual_domains WHERE name = %s', ('y',))
    assert session.queries == ['SELECT id FROM virtual_domains WHERE name = %s', INSERT,
                               'SELECT name FROM virtual_domains WHERE name = %s']
    assert session.placeholders(3) == '%s, %s, %s' and session.fold('name') == 'LOWER(name)'


def test_the_writers_lock_is_asked_for_only_when_the_run_writes():
    for check_mode, rehearse, write, wanted in [(False, False, True, True), (True, False, True, False),
                                                (True, True, True, True), (False, False, False, False)]:
        engine = FakeEngine()
        transaction.in_transaction(Session(engine, {}, check_mode, rehearse), lambda s: None, write)
        assert engine.statements[1] == ('BEGIN', wanted)


def test_closing_keeps_quiet_when_the_connection_is_gone():
    engine = FakeEngine()
    session = Session(engine, {}, False)
    session.conn.close = raising(DriverError(base.FAILED))
    session.close()


# -- secrets, items and the caps on a result ----------------------------------------------------
class FakeModule(object):
    argument_spec = {'login_password': {'no_log': True}, 'password': {'no_log': True},
                     'users': {'no_log': True}, 'name': {}}

    def __init__(self, **params):
        self.params = params
        self.no_log_values = set()


def test_list_secrets_are_masked_in_the_params_and_kept_for_the_run():
    users = [{'email': 'a@example.org', 'password': 'p1', 'password_hash': None}, 'b@example.org']
    module = FakeModule(users=users, login_password='db', password='top', name=None)
    params = secrets.hide_list_secrets(module, 'users', ('password', 'password_hash'))
    assert params['users'] == users
    assert module.params['users'] == [{'email': 'a@example.org', 'password': MASK, 'password_hash': None},
                                      'b@example.org']
    assert module.no_log_values == {'db', 'top'}


def test_without_a_list_or_secrets_nothing_is_masked():
    module = FakeModule(users=None, login_password='db')
    assert secrets.hide_list_secrets(module, 'users', ('password',)) == module.params
    module = FakeModule(users=[{'email': 'a', 'password': 'p'}], login_password='db')
    assert secrets.hide_list_secrets(module, 'users', ())['users'] == [{'email': 'a', 'password': 'p'}]
    assert module.params['users'] == [{'email': 'a', 'password': 'p'}] and module.no_log_values == set()


def test_hide_option_shows_a_summary_in_place_of_the_secret():
    module = FakeModule(password='top', login_password='db', users=None)
    assert secrets.hide_option(module, 'password', '(set)') == 'top'
    assert module.params['password'] == '(set)' and module.no_log_values == {'db'}


def test_items_take_the_top_level_options_as_defaults():
    params = {'users': ['a@x', {'email': 'b@x', 'quota': None, 'state': 'absent'}], 'quota': 5, 'state': 'present',
              'email': None}
    items = entries.gather_items(params, 'users', 'email', ('email', 'quota', 'state'))
    assert items == [{'email': 'a@x', 'quota': 5, 'state': 'present'}, {'email': 'b@x', 'quota': 5, 'state': 'absent'}]
    single = entries.gather_items({'email': 'c@x', 'quota': 1, 'users': None}, 'users', 'email', ('email', 'quota'))
    assert single == [{'email': 'c@x', 'quota': 1}]


@pytest.mark.parametrize('entry, given, dropped', [({'email': 'a@x', 'password': 'p'}, 'password', 'password_hash'),
                                                   ({'email': 'a@x', 'password_hash': 'h'}, 'password_hash', 'password'),
                                                   ({'email': 'a@x', 'password': None}, None, None)])
def test_an_item_password_or_hash_replaces_both_defaults(entry, given, dropped):
    params = {'users': [entry], 'password': 'default', 'password_hash': '{X}default'}
    item, = entries.gather_items(params, 'users', 'email', ('email', 'password', 'password_hash'))
    if given is None:
        assert (item['password'], item['password_hash']) == ('default', '{X}default')
    else:
        assert item[given] == entry[given] and item[dropped] is None


@pytest.mark.parametrize('entry, message', [(3, 'users[0] must be a string (the email) or a dictionary, not int'),
                                            ({'email': 'a', 'x': 1, 'b': 2}, 'users[0] has unknown key(s) b, x; '
                                             'an item takes email, state'),
                                            ({'email': ''}, 'users[0] has no email'),
                                            ({'state': 'absent'}, 'users[0] has no email')])
def test_a_bad_item_is_refused_by_its_index(entry, message):
    with pytest.raises(Exception) as caught:
        entries.gather_items({'users': [entry]}, 'users', 'email', ('email', 'state'))
    assert str(caught.value) == message


def test_echoed_arguments_tell_a_long_list_by_its_length():
    short = {'users': ['x'] * DIFF_ENTRIES_MAX, 'state': 'present'}
    assert entries.echoed_arguments(short, 'users') == {'module_args': short}
    assert entries.echoed_arguments({'users': None}, 'users') == {'module_args': {'users': None}}
    long = dict(short, users=['x'] * (DIFF_ENTRIES_MAX + 1))
    assert entries.echoed_arguments(long, 'users') == {'module_args': {
        'users': '(201 entries, not echoed: see outcomes, counts and diff)', 'state': 'present'}}
    assert len(long['users']) == 201  # the module's own params are left alone


def test_the_report_counts_every_entry_and_shows_the_changed_ones():
    report = Report('name')
    for number in range(DIFF_ENTRIES_MAX + 1):
        report.add('n%d' % number, 'created', None, {'name': 'n%d' % number})
    report.add('same', 'unchanged', {'name': 'same'}, {'name': 'same'})
    report.add('gone', 'removed', {'name': 'gone'}, None)
    diff = report.list_diff()
    assert len(diff['after']['changes']) == DIFF_ENTRIES_MAX and 'same' not in diff['after']['changes']
    assert diff['after']['summary'] == 'created 201, updated 0, removed 1, unchanged 1 (the first 200 changes shown)'
    assert report.changed and not Report('name').changed
    result = report.shape({}, True)
    assert result['counts'] == {'created': 201, 'updated': 0, 'removed': 1, 'unchanged': 1}
    assert list(result['outcomes'])[-2:] == ['same', 'gone']


def test_annotate_adds_to_entries_that_exist_after_the_run_only():
    report = Report('email')
    report.add('a', 'updated', {'email': 'a'}, {'email': 'b'})
    report.add('c', 'created', None, {'email': 'c'})
    report.add('d', 'removed', {'email': 'd'}, None)
    report.annotate('a', {'dir': '/old'}, {'dir': '/new'})
    report.annotate('c', {'dir': '/x'}, {'dir': '/y'})
    report.annotate('d', {'dir': '/x'}, {'dir': '/y'})
    assert report.entries == [('a', 'updated', {'email': 'a', 'dir': '/old'}, {'email': 'b', 'dir': '/new'}),
                              ('c', 'created', None, {'email': 'c', 'dir': '/y'}),
                              ('d', 'removed', {'email': 'd'}, None)]
    assert report.single_diff() == {'before': {'email': 'a', 'dir': '/old'}, 'after': {'email': 'b', 'dir': '/new'}}
