# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS to MariaDB: ca_cert and check_hostname against a second throwaway server with a test CA.

The test makes a CA and a server certificate for "localhost" with openssl, starts a private mariadbd
with them, and lets the admin account in over TCP only with TLS (REQUIRE SSL), so a run that works
proves the connection was encrypted. A wrong CA, a host name the certificate does not name, and a
missing CA file each fail with a message that says so.
"""

import subprocess

import pymysql
import pytest

from tests.integration.database import Database
from tests.integration.db_server import ADMIN_PASSWORD, ADMIN_USER
from tests.integration.helpers import assert_clean_failure, assert_ok, domain
from tests.integration.reliability_support import record_figures

STRICT_EXTENSIONS = ('basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n'
                     'extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\n'
                     'authorityKeyIdentifier=keyid\nsubjectAltName=DNS:localhost\n')


def openssl(*args, cwd):
    proc = subprocess.run(['openssl'] + list(args), cwd=str(cwd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False)
    assert proc.returncode == 0, 'openssl %s failed:\n%s' % (' '.join(args), proc.stdout)


def make_ca(directory, name):
    key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
    openssl('req', '-x509', *key, '-keyout', name + '.key', '-out', name + '.pem', '-days', '2',
            '-subj', '/CN=ispmail test %s' % name, cwd=directory)
    return directory / (name + '.pem')


def make_server_cert(directory, ca):
    key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
    openssl('req', *key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost', cwd=directory)
    (directory / 'server.ext').write_text(STRICT_EXTENSIONS)
    openssl('x509', '-req', '-in', 'server.csr', '-CA', ca + '.pem', '-CAkey', ca + '.key', '-CAcreateserial',
            '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext', cwd=directory)
    return directory / 'server.pem', directory / 'server.key'


def test_tls_with_ca_and_hostname_check(scratch_server, runner, tmp_path):
    pki = tmp_path / 'pki'
    pki.mkdir()
    ca = make_ca(pki, 'ca')
    wrong_ca = make_ca(pki, 'other-ca')
    cert, key = make_server_cert(pki, 'ca')
    server = scratch_server(['--ssl-ca=%s' % ca, '--ssl-cert=%s' % cert, '--ssl-key=%s' % key])
    # MariaDB may file a TCP client from 127.0.0.1 under either account: both need TLS.
    server.execute("ALTER USER '%s'@'127.0.0.1' REQUIRE SSL" % ADMIN_USER,
                   "ALTER USER '%s'@'localhost' REQUIRE SSL" % ADMIN_USER)
    db = Database(server, 'bookworm')
    defaults = server.admin_params(db.name, host='localhost', ca_cert=str(ca))
    run = runner.run([
        domain(task_name='verified', name='tls.example'),
        domain(task_name='verified, check_hostname explicit', name='tls2.example', check_hostname=True),
        domain(task_name='wrong CA', name='wrong-ca.example', ca_cert=str(wrong_ca), ignore_errors=True),
        domain(task_name='wrong host name', name='wrong-host.example', login_host='127.0.0.1',
               ignore_errors=True),
        domain(task_name='no hostname check', name='by-ip.example', login_host='127.0.0.1', check_hostname=False),
        domain(task_name='missing CA file', name='missing.example', ca_cert=str(pki / 'nope.pem'),
               ignore_errors=True),
    ], module_defaults=defaults)
    assert_ok(run, run.task('verified'), True)
    assert_ok(run, run.task('verified, check_hostname explicit'), True)
    assert_ok(run, run.task('no hostname check'), True)
    assert_clean_failure(run, run.task('wrong CA'), 'cannot connect', 'certificate verify failed')
    assert_clean_failure(run, run.task('wrong host name'), 'cannot connect', '127.0.0.1')
    assert 'mismatch' in run.task('wrong host name').msg or 'hostname' in run.task('wrong host name').msg.lower()
    assert_clean_failure(run, run.task('missing CA file'), 'cannot connect', 'nope.pem')
    # Without TLS the account is refused, so the runs above that worked were encrypted. (Without
    # ca_cert, PyMySQL >= 1.1 still tries TLS, unverified: only ca_cert makes it safe.)
    with pytest.raises(pymysql.err.OperationalError) as refused:
        pymysql.connect(host='127.0.0.1', port=server.port, user=ADMIN_USER, password=ADMIN_PASSWORD,
                        database=db.name, ssl_disabled=True).close()
    assert refused.value.args[0] == 1045, refused.value
    assert ADMIN_PASSWORD not in run.text
    assert db.domains() == ['by-ip.example', 'tls.example', 'tls2.example']
    record_figures('tls', verified_runs=3, refused={name: run.task(name).msg for name in (
        'wrong CA', 'wrong host name', 'missing CA file')}, plain_text_refused=True)
