# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every module shares: defaults, ~/.my.cnf, TCP, and failures without tracebacks."""

from tests.integration.helpers import alias, assert_clean_failure, assert_ok, domain, user
from tests.integration.db_server import (ADMIN_PASSWORD, ADMIN_USER, LOOKUP_PASSWORD, LOOKUP_USER, TLS_PASSWORD,
                                         TLS_USER, X509_USER)
from tests.integration.mariadb_server import free_port

DEFAULT_SOCKET = '/run/mysqld/mysqld.sock'


def _one_task_per_module(domain_name='example.org', **connection):
    """A task of each module that writes when the database holds only the domain example.org."""
    return [
        domain(task_name='domain', name=domain_name, ignore_errors=True, **connection),
        user(task_name='user', email='john@example.org', password='Secret-123', ignore_errors=True, **connection),
        alias(task_name='alias', source='jack@example.org', destinations=['john@example.org'], ignore_errors=True,
              **connection),
    ]


def test_no_options_without_default_socket_names_it(db, run_tasks):
    """No options at all, as root, where /run/mysqld/mysqld.sock does not exist."""
    run = run_tasks(_one_task_per_module(), module_defaults=None, run_mysqld='')
    for name in ('domain', 'user', 'alias'):
        assert_clean_failure(run, run.task(name), DEFAULT_SOCKET, 'root')
    assert db.domains() == []


def test_no_options_connect_over_the_default_socket(mariadb, make_db, run_tasks):
    """As `mariadb` on the shell does: root over /run/mysqld/mysqld.sock, database mailserver."""
    mailserver = make_db('bookworm', name='mailserver')
    run = run_tasks([domain(name='example.org'), domain(name='example.org')], module_defaults=None,
                    run_mysqld=mariadb.run_dir)
    assert run.rc == 0, run.describe()
    assert_ok(run, run[0], True)
    assert_ok(run, run[1], False)
    assert mailserver.domains() == ['example.org']


def test_config_file_default_is_read(mariadb, db, run_tasks, tmp_path):
    home = tmp_path / 'home'
    home.mkdir()
    (home / '.my.cnf').write_text('[client]\nuser = %s\npassword = "%s"\nsocket = %s\n'
                                  % (ADMIN_USER, ADMIN_PASSWORD, mariadb.socket))
    run = run_tasks([domain(name='example.org', login_db=db.name)], module_defaults=None, home=str(home))
    assert run.rc == 0, run.describe()
    assert_ok(run, run[0], True)
    assert db.domains() == ['example.org']


def test_config_file_option_with_tcp(mariadb, db, run_tasks, tmp_path):
    cnf = tmp_path / 'admin.cnf'
    cnf.write_text('[client]\nuser=%s\npassword=%s\nhost=127.0.0.1\nport=%d\n'
                   % (ADMIN_USER, ADMIN_PASSWORD, mariadb.port))
    run = run_tasks([
        domain(task_name='from file', name='example.org', login_db=db.name, config_file=str(cnf)),
        # explicit options win over the file
        domain(task_name='explicit user', name='example.net', login_db=db.name, config_file=str(cnf),
               login_user=LOOKUP_USER, login_password=LOOKUP_PASSWORD, ignore_errors=True),
    ], module_defaults=None)
    assert_ok(run, run.task('from file'), True)
    assert_clean_failure(run, run.task('explicit user'))
    assert db.domains() == ['example.org']


def test_tcp_connection(mariadb, db, run_tasks):
    run = run_tasks([domain(name='example.org', login_host='127.0.0.1', login_port=mariadb.port,
                            login_user=ADMIN_USER, login_password=ADMIN_PASSWORD, login_db=db.name,
                            config_file='')], module_defaults=None)
    assert_ok(run, run[0], True)
    assert db.domains() == ['example.org']


def test_nothing_listening_names_host_port_and_user(db, run_tasks):
    port = free_port()
    run = run_tasks(_one_task_per_module(login_host='127.0.0.1', login_port=port, login_user=ADMIN_USER,
                                         login_password=ADMIN_PASSWORD, login_db=db.name, connect_timeout=5),
                    module_defaults=None)
    for name in ('domain', 'user', 'alias'):
        assert_clean_failure(run, run.task(name), '127.0.0.1', str(port), ADMIN_USER)
    assert ADMIN_PASSWORD not in run.text


def test_missing_socket_is_named(db, run_tasks, tmp_path):
    socket = str(tmp_path / 'no' / 'such.sock')
    run = run_tasks(_one_task_per_module(login_unix_socket=socket, login_user='someone', login_db=db.name),
                    module_defaults=None)
    for name in ('domain', 'user', 'alias'):
        assert_clean_failure(run, run.task(name), socket, 'someone')


def test_wrong_password_names_socket_and_user(mariadb, db, run_tasks):
    wrong = 'Wrong-Pass-9876'
    run = run_tasks(_one_task_per_module(login_unix_socket=mariadb.socket, login_user=ADMIN_USER,
                                         login_password=wrong, login_db=db.name), module_defaults=None)
    for name in ('domain', 'user', 'alias'):
        assert_clean_failure(run, run.task(name), mariadb.socket, ADMIN_USER)
    assert wrong not in run.text
    assert db.domains() == []


def test_unknown_database_is_named(mariadb, run_tasks):
    run = run_tasks(_one_task_per_module(login_unix_socket=mariadb.socket, login_user=ADMIN_USER,
                                         login_password=ADMIN_PASSWORD, login_db='ispt_no_such_db'),
                    module_defaults=None)
    for name in ('domain', 'user', 'alias'):
        assert_clean_failure(run, run.task(name), 'ispt_no_such_db')


def test_database_without_ispmail_tables(mariadb, make_db, run_tasks):
    empty = make_db(None)
    run = run_tasks(_one_task_per_module(login_unix_socket=mariadb.socket, login_user=ADMIN_USER,
                                         login_password=ADMIN_PASSWORD, login_db=empty.name),
                    module_defaults=None)
    for name in ('domain', 'user', 'alias'):
        assert_clean_failure(run, run.task(name), 'virtual_')


def test_read_only_account_cannot_write(mariadb, db, run_tasks):
    db.add_domain('example.org')
    before = db.snapshot()
    run = run_tasks(_one_task_per_module(domain_name='example.net', login_host='127.0.0.1', login_port=mariadb.port,
                                         login_user=LOOKUP_USER, login_password=LOOKUP_PASSWORD, login_db=db.name),
                    module_defaults=None)
    for name in ('domain', 'user', 'alias'):
        assert_clean_failure(run, run.task(name), 'denied')
    assert db.snapshot() == before


def test_read_only_account_can_check(mariadb, db, run_tasks):
    """Check mode only reads: the lookup account is enough to preview a change."""
    run = run_tasks([domain(name='example.org', check=True, login_host='127.0.0.1', login_port=mariadb.port,
                            login_user=LOOKUP_USER, login_password=LOOKUP_PASSWORD, login_db=db.name)],
                    module_defaults=None)
    assert_ok(run, run[0], True)
    assert db.domains() == []


def test_unreadable_tls_files_fail_cleanly(mariadb, db, run_tasks, tmp_path):
    run = run_tasks(_one_task_per_module(login_host='127.0.0.1', login_port=mariadb.port, login_user=ADMIN_USER,
                                         login_password=ADMIN_PASSWORD, login_db=db.name,
                                         ca_cert=str(tmp_path / 'missing-ca.pem')),
                    module_defaults=None)
    for name in ('domain', 'user', 'alias'):
        assert_clean_failure(run, run.task(name), '127.0.0.1', ADMIN_USER)
    assert db.domains() == []


def test_action_group_defaults_reach_every_module(db, run_tasks):
    """module_defaults on group/ispmail.mailserver.all reach each module (here: a socket that is not there)."""
    run = run_tasks(_one_task_per_module(),
                    module_defaults={'login_unix_socket': '/nonexistent/ispt.sock', 'login_user': 'grouped'})
    for name in ('domain', 'user', 'alias'):
        assert_clean_failure(run, run.task(name), '/nonexistent/ispt.sock', 'grouped')


def test_tls_connections(mariadb, db, run_tasks):
    """ca_cert verifies the server; check_hostname; client_cert/client_key.

    (PyMySQL uses TLS without verification whenever the server offers it, so a plain
    connection is not a test of anything here.)
    """
    tls = mariadb.tls

    def tcp(host='127.0.0.1', login_user=TLS_USER, **options):
        return dict(login_host=host, login_port=mariadb.port, login_user=login_user, login_password=TLS_PASSWORD,
                    login_db=db.name, config_file='', connect_timeout=10, **options)

    run = run_tasks([
        # the certificate names localhost, not 127.0.0.1: checked by default, so refused
        domain(task_name='name mismatch', name='b.example', ignore_errors=True, **tcp(ca_cert=tls.ca_cert)),
        domain(task_name='hostname check off', name='c.example',
               **tcp(ca_cert=tls.ca_cert, check_hostname=False)),
        domain(task_name='matching name', name='d.example', **tcp(host='localhost', ca_cert=tls.ca_cert)),
        domain(task_name='matching name, explicit check', name='e.example',
               **tcp(host='localhost', ca_cert=tls.ca_cert, check_hostname=True)),
        domain(task_name='unrelated ca', name='f.example', ignore_errors=True,
               **tcp(host='localhost', ca_cert=tls.other_ca_cert)),
        domain(task_name='x509 without client cert', name='g.example', ignore_errors=True,
               **tcp(host='localhost', login_user=X509_USER, ca_cert=tls.ca_cert)),
        domain(task_name='x509 with client cert', name='h.example',
               **tcp(host='localhost', login_user=X509_USER, ca_cert=tls.ca_cert, client_cert=tls.client_cert,
                     client_key=tls.client_key)),
        domain(task_name='ssl aliases', name='i.example',
               **tcp(host='localhost', login_user=X509_USER, ssl_ca=tls.ca_cert, ssl_cert=tls.client_cert,
                     ssl_key=tls.client_key)),
    ], module_defaults=None)
    assert_clean_failure(run, run.task('name mismatch'), '127.0.0.1', TLS_USER)
    assert_clean_failure(run, run.task('unrelated ca'), 'localhost', TLS_USER)
    assert_clean_failure(run, run.task('x509 without client cert'), X509_USER)
    for name in ('hostname check off', 'matching name', 'matching name, explicit check', 'x509 with client cert',
                 'ssl aliases'):
        assert_ok(run, run.task(name), True)
    assert db.domains() == ['c.example', 'd.example', 'e.example', 'h.example', 'i.example']
    assert TLS_PASSWORD not in run.text


def test_client_cert_without_ca_cert(mariadb, db, run_tasks):
    """A client certificate alone must not be dropped silently: it connects, or the message says what is missing."""
    tls = mariadb.tls
    run = run_tasks([domain(name='example.org', login_host='localhost', login_port=mariadb.port, login_user=X509_USER,
                            login_password=TLS_PASSWORD, login_db=db.name, config_file='',
                            client_cert=tls.client_cert, client_key=tls.client_key, ignore_errors=True)],
                    module_defaults=None)
    record = run[0]
    if record.failed:
        assert_clean_failure(run, record, 'ca_cert')
    else:
        assert_ok(run, record, True)
        assert db.domains() == ['example.org']
