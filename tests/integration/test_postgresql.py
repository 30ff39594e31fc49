# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What only the PostgreSQL engine has: the psycopg2 fallback, the message without any driver,
roles with SCRAM verifiers, and lowercase storage. Runs with ``--engine postgresql`` only (the
whole module suite runs on both engines).

Fixtures of this file: none beyond conftest.py's (``db``, ``db_server``, ``run_tasks``).
"""

import subprocess

import psycopg
import pytest

from tests.integration import dovecot_pw
from tests.integration.helpers import assert_clean_failure, assert_ok, task

pytestmark = pytest.mark.postgresql_only
DEBIAN_PYTHON = '/usr/bin/python3'  # Debian's python3-psycopg2 and python3-pymysql, no psycopg 3
PASSWORD = 'Pg-Secret-4711'


def with_interpreter(entry, interpreter):
    return dict(entry, vars={'ansible_python_interpreter': interpreter})


def test_psycopg2_when_psycopg_3_is_missing(db, run_tasks):
    assert subprocess.run([DEBIAN_PYTHON, '-c', 'import psycopg'], capture_output=True, check=False).returncode != 0
    tasks = [with_interpreter(task('ispmail_domain', task_name='domain', name='Example.ORG'), DEBIAN_PYTHON),
             with_interpreter(task('ispmail_user', task_name='user', email='John@example.org',
                                   password_hash=dovecot_pw.make_hash('SHA512-CRYPT', PASSWORD)), DEBIAN_PYTHON),
             with_interpreter(task('ispmail_info', task_name='info'), DEBIAN_PYTHON)]
    run = run_tasks(tasks)
    assert_ok(run, run.task('domain'), True)
    assert_ok(run, run.task('user'), True)
    assert run.task('info')['users'][0]['email'] == 'john@example.org'
    # Stored lowercase, as Postfix looks keys up.
    assert db.domains() == ['example.org'] and list(db.users()) == ['john@example.org']


def test_no_driver_at_all_names_both_and_writes_nothing(db, run_tasks, tmp_path):
    bare = tmp_path / 'bare'
    subprocess.run([DEBIAN_PYTHON, '-m', 'venv', '--without-pip', str(bare)], check=True)
    run = run_tasks([with_interpreter(task('ispmail_domain', task_name='domain', name='example.org'),
                                      str(bare / 'bin' / 'python'))])
    assert_clean_failure(run, run.task('domain'), 'psycopg', 'python3-psycopg', 'python3-psycopg2')
    assert db.domains() == []


def test_roles_get_scram_verifiers_and_only_their_privileges(db, db_server, run_tasks):
    superuser = db_server.superuser_params(db.name)
    account = dict(name='ispt_lookup', password=PASSWORD, privileges=['SELECT'])
    run = run_tasks([task('ispmail_db_account', task_name='create', **account),
                     task('ispmail_db_account', task_name='again', **account)], module_defaults=superuser, verbosity=4)
    assert_ok(run, run.task('create'), True)
    assert_ok(run, run.task('again'), False)
    assert PASSWORD not in run.text
    with db_server.connect() as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'ispt_lookup'").fetchone()[0]
    assert stored.startswith('SCRAM-SHA-256$')
    with psycopg.connect(host='127.0.0.1', port=db_server.port, user='ispt_lookup', password=PASSWORD,
                         dbname=db.name) as conn:
        assert conn.execute('SELECT COUNT(*) FROM virtual_users').fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO virtual_domains (name) VALUES ('x.example')")
    run = run_tasks([task('ispmail_db_account', task_name='drop', name='ispt_lookup', state='absent')],
                    module_defaults=superuser)
    assert_ok(run, run.task('drop'), True)
