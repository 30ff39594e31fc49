# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispmail.mailserver.ispmail_dkim through real playbook runs: the key files and selectors.map
it leaves for rspamd, the DNS record it returns (checked against the key file), idempotence,
check mode, rotation, bad input, and no private key in any output at -vvvv."""

import base64
import os
import pwd
import stat
import subprocess

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

import pytest

from tests.integration.helpers import assert_clean_failure, assert_ok, diff_of, domain, task

OWNER = pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture
def key_dir(tmp_path):
    path = tmp_path / 'dkim'
    path.mkdir()
    return str(path)


def dkim(key_dir, **kwargs):
    kwargs.setdefault('owner', OWNER)
    return task('ispmail_dkim', key_dir=key_dir, **kwargs)


def listing(key_dir):
    return dict((name, open(os.path.join(key_dir, name)).read()) for name in sorted(os.listdir(key_dir)))


def selectors(key_dir):
    return open(os.path.join(key_dir, 'selectors.map')).read()


def public_of_file(path):
    """The p= value the key file's private key gives (rspamd's forms: PEM RSA, base64 ed25519)."""
    text = open(path).read()
    if text.startswith('-----BEGIN'):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        der = key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(der).decode()
    raw = base64.b64decode(text.strip())
    assert len(raw) == 64
    return base64.b64encode(raw[32:]).decode()


def rsa_pem(bits=2048):
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


def small_rsa_pem():
    """A 512-bit key: cryptography refuses to make one, openssl does."""
    return subprocess.run(['openssl', 'genrsa', '512'], check=True, capture_output=True, text=True).stdout


def assert_private_file(path):
    status = os.stat(path)
    assert stat.S_IMODE(status.st_mode) == 0o600
    assert status.st_uid == os.getuid()


def test_generate_once_check_mode_and_idempotence(db, run_tasks, key_dir):
    run = run_tasks([
        domain(name='example.org'),
        dkim(key_dir, task_name='check', domain='example.org', selector='s1', check=True, diff=True),
        dkim(key_dir, task_name='create', domain='example.org', selector='s1', diff=True),
        dkim(key_dir, task_name='again', domain='example.org', selector='s1', diff=True),
        dkim(key_dir, task_name='check again', domain='example.org', selector='s1', check=True),
    ])
    assert run.rc == 0, run.describe()
    check, create, again, check_again = (run.task(n) for n in ('check', 'create', 'again', 'check again'))
    assert_ok(run, check, True)
    assert check['dns_record'] is None  # a key that would be generated has no record yet
    assert_ok(run, create, True)
    assert_ok(run, again, False)
    assert_ok(run, check_again, False)
    record = create['dns_record']
    assert record['name'] == 's1._domainkey.example.org' and record['type'] == 'TXT'
    key_file = os.path.join(key_dir, 'example.org.s1.key')
    assert record['value'] == 'v=DKIM1; k=rsa; p=%s' % public_of_file(key_file)
    assert again['dns_record'] == record and check_again['dns_record'] == record
    assert create['active_selector'] == 's1' and create['key_file'] == key_file
    assert_private_file(key_file)
    assert selectors(key_dir) == 'example.org s1\n'
    key = serialization.load_pem_private_key(open(key_file, 'rb').read(), password=None)
    assert key.key_size == 2048
    before, after = diff_of(create)
    assert 's1._domainkey.example.org' in after and 's1._domainkey' not in before
    before, after = diff_of(again)
    assert before == after


def test_check_mode_writes_nothing(db, run_tasks, key_dir):
    run = run_tasks([
        domain(name='example.org'),
        dkim(key_dir, task_name='check', domain='example.org', selector='s1', check=True),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('check'), True)
    assert listing(key_dir) == {}


def test_rotation_two_selectors(db, run_tasks, key_dir):
    run = run_tasks([
        domain(name='example.org'),
        dkim(key_dir, task_name='s1', domain='example.org', selector='s1'),
        dkim(key_dir, task_name='s2 inactive', domain='example.org', selector='s2', active=False),
    ])
    assert run.rc == 0, run.describe()
    assert selectors(key_dir) == 'example.org s1\n'
    assert run.task('s2 inactive')['active_selector'] == 's1'
    assert sorted(listing(key_dir)) == ['example.org.s1.key', 'example.org.s2.key', 'selectors.map']
    assert run.task('s1')['dns_record'] != run.task('s2 inactive')['dns_record']

    run = run_tasks([
        dkim(key_dir, task_name='switch', domain='example.org', selector='s2'),
        dkim(key_dir, task_name='remove s1', domain='example.org', selector='s1', state='absent'),
        dkim(key_dir, task_name='remove s1 again', domain='example.org', selector='s1', state='absent'),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('switch'), True)
    assert_ok(run, run.task('remove s1'), True)
    assert_ok(run, run.task('remove s1 again'), False)
    assert sorted(listing(key_dir)) == ['example.org.s2.key', 'selectors.map']
    assert selectors(key_dir) == 'example.org s2\n'

    run = run_tasks([dkim(key_dir, task_name='remove active', domain='example.org', selector='s2',
                          state='absent')])
    assert run.rc == 0, run.describe()
    assert run.task('remove active')['active_selector'] is None
    assert selectors(key_dir) == ''


def test_given_key_replaces_and_stays(db, run_tasks, key_dir):
    first, second = rsa_pem(), rsa_pem(1024)
    run = run_tasks([
        domain(name='example.org'),
        dkim(key_dir, task_name='generated', domain='example.org', selector='s1'),
        dkim(key_dir, task_name='given', domain='example.org', selector='s1', private_key=first),
        dkim(key_dir, task_name='given again', domain='example.org', selector='s1', private_key=first),
        dkim(key_dir, task_name='another', domain='example.org', selector='s1', private_key=second),
    ])
    assert run.rc == 0, run.describe()
    assert_ok(run, run.task('given'), True)
    assert_ok(run, run.task('given again'), False)
    assert_ok(run, run.task('another'), True)
    key_file = os.path.join(key_dir, 'example.org.s1.key')
    assert run.task('another')['dns_record']['value'].endswith(public_of_file(key_file))
    assert public_of_file(key_file) != run.task('given')['dns_record']['value'].split('p=')[1]


def test_ed25519_generated_and_given(db, run_tasks, key_dir):
    given = ed25519.Ed25519PrivateKey.generate()
    pem = given.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode()
    public = base64.b64encode(given.public_key().public_bytes(serialization.Encoding.Raw,
                                                              serialization.PublicFormat.Raw)).decode()
    run = run_tasks([
        domain(name='example.org'),
        dkim(key_dir, task_name='generated', domain='example.org', selector='ed1', key_type='ed25519'),
        dkim(key_dir, task_name='given', domain='example.org', selector='ed2', private_key=pem),
        dkim(key_dir, task_name='type change', domain='example.org', selector='ed1', key_type='rsa',
             ignore_errors=True),
    ])
    assert run.rc == 0, run.describe()
    generated = run.task('generated')['dns_record']['value']
    assert generated == 'v=DKIM1; k=ed25519; p=%s' % public_of_file(os.path.join(key_dir, 'example.org.ed1.key'))
    assert run.task('given')['dns_record']['value'] == 'v=DKIM1; k=ed25519; p=%s' % public
    # rspamd's form, not PEM: base64 of seed and public key.
    assert public_of_file(os.path.join(key_dir, 'example.org.ed2.key')) == public
    assert_clean_failure(run, run.task('type change'), 'ed25519', 'new selector')


def test_idn_domain(db, run_tasks, key_dir):
    run = run_tasks([
        domain(name='Bücher.Example'),
        dkim(key_dir, task_name='idn', domain='bücher.example', selector='s1', key_size=1024),
    ])
    assert run.rc == 0, run.describe()
    assert run.task('idn')['dns_record']['name'] == 's1._domainkey.xn--bcher-kva.example'
    assert 'xn--bcher-kva.example.s1.key' in listing(key_dir)


@pytest.mark.parametrize('args,fragments', [
    (dict(domain='unknown.example', selector='s1'), ('unknown.example', 'not a mail domain')),
    (dict(domain='example.org', selector='../s1'), ('selector',)),
    (dict(domain='example.org', selector='s1', private_key='not a key'), ('private_key',)),
    (dict(domain='example.org', selector='s1',
          private_key='-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), ('does not parse',)),
    (dict(domain='example.org', selector='s1', key_size=512), ('key_size', '1024')),
])
def test_bad_input_fails_cleanly_and_changes_nothing(db, run_tasks, key_dir, args, fragments):
    run = run_tasks([
        domain(name='example.org'),
        dkim(key_dir, task_name='bad', ignore_errors=True, **args),
    ])
    assert_clean_failure(run, run.task('bad'), *fragments)
    assert listing(key_dir) == {}


def test_small_given_rsa_key_is_refused(db, run_tasks, key_dir):
    run = run_tasks([
        domain(name='example.org'),
        dkim(key_dir, task_name='small', domain='example.org', selector='s1', private_key=small_rsa_pem(),
             ignore_errors=True),
    ])
    assert_clean_failure(run, run.task('small'), '512 bits')
    assert listing(key_dir) == {}


def _key_lines(text):
    return [line for line in text.splitlines() if line and not line.startswith('-----')]


def test_no_private_key_in_any_output(db, run_tasks, key_dir):
    given = rsa_pem()
    run = run_tasks([
        domain(name='example.org'),
        dkim(key_dir, task_name='generated', domain='example.org', selector='gen', key_type='ed25519'),
        dkim(key_dir, task_name='generated rsa', domain='example.org', selector='genrsa'),
        dkim(key_dir, task_name='given check', domain='example.org', selector='s1', private_key=given,
             check=True),
        dkim(key_dir, task_name='given', domain='example.org', selector='s1', private_key=given),
        dkim(key_dir, task_name='given again', domain='example.org', selector='s1', private_key=given),
        dkim(key_dir, task_name='given bad domain', domain='unknown.example', selector='s1',
             private_key=given, ignore_errors=True),
    ], verbosity=4, diff=True)
    assert run.rc == 0, run.describe()
    secrets = _key_lines(given)
    for name in ('example.org.gen.key', 'example.org.genrsa.key'):
        secrets += _key_lines(open(os.path.join(key_dir, name)).read())
    # A line of an RSA key's PEM that encodes only the modulus may be in the public record too.
    public = ' '.join(record['dns_record']['value'] for record in run.tasks if record.get('dns_record'))
    secrets = [line for line in secrets if line not in public]
    assert len(secrets) > 40
    for line in secrets:
        assert line not in run.text
    # The seed of the generated ed25519 key alone (its first 32 bytes) does not show either.
    seed = base64.b64decode(open(os.path.join(key_dir, 'example.org.gen.key')).read())[:32]
    assert base64.b64encode(seed).decode()[:40] not in run.text


def test_damaged_key_file_fails_unless_a_key_is_given(db, run_tasks, key_dir):
    key_file = os.path.join(key_dir, 'example.org.s1.key')
    with open(key_file, 'w') as handle:
        handle.write('garbage\n')
    given = rsa_pem()
    run = run_tasks([
        domain(name='example.org'),
        dkim(key_dir, task_name='damaged', domain='example.org', selector='s1', ignore_errors=True),
        dkim(key_dir, task_name='replaced', domain='example.org', selector='s1', private_key=given),
    ])
    assert_clean_failure(run, run.task('damaged'), key_file, 'private_key')
    assert_ok(run, run.task('replaced'), True)
    assert public_of_file(key_file) in run.task('replaced')['dns_record']['value']
