"""Property tests of the input checks with hostile values: Unicode, NUL and control characters,
SQL fragments, the LIKE wildcards % and _, overlong values, passwords of every character class.

What is accepted comes out normalized (lowercase ASCII, in the grammar Postfix and Dovecot expect)
and normalizing it again changes nothing; what is refused raises InputError, never another
exception, with a message that shows the value escaped (no raw control characters) and never
shows a password.
"""
import json
import os
import re

from hypothesis import HealthCheck, example, given, settings, strategies as st

from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.hashes import BCRYPT_MAX, make_hash, verify
from ansible_collections.ispmail.mailserver.plugins.module_utils.crypt.schemes import (
    PASSWORD_MAX, check_password, check_password_hash)
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.users import check_quota_fits
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.addresses import (
    check_length, normalize_address, normalize_domain, normalize_mailbox, normalize_source)
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.quota import parse_quota
from tests.unit.schema_builder import schema

MANY = settings(max_examples=500, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
FEW = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
TRIED = {}

DOMAIN_OUT = re.compile(r'^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$')
MAILBOX_LOCAL_OUT = re.compile(r'^[a-z0-9_-]+(\.[a-z0-9_-]+)*$')
ALIAS_LOCAL_OUT = re.compile(r'^[a-z0-9#$&*+=?^_{}~-]+(\.[a-z0-9#$&*+=?^_{}~-]+)*$')
# Characters that quote, escape, comment or match in SQL, or route mail elsewhere.
SQL_AND_ROUTING = "'\"`\\;%!/|<>()[],:@ \t\r\n\x00"
FRAGMENTS = ["' OR '1'='1", "'; DROP TABLE virtual_users; --", '" OR ""="', '%', '_', '%%', '\\', '\x00', '\r\n',
             '\x1b[31m', '\u202e', '\ufeff', '\u200b', 'ǅ', 'İ', '\u212a', 'ß', '𝒳', '😀', '\U000e0001',
             '/*', '*/', '--', '#', '$(id)', '`id`', '{{ 7*7 }}', '{% raw %}', 'UNION SELECT', '0x27', "\\'"]


def examples(*values):
    """@example(value) for each of `values`: the explicit inputs of a one-argument property."""
    def wrap(test):
        for value in reversed(values):
            test = example(value)(test)
        return test
    return wrap


def counted(kind):
    """Make a property a test that also checks and records how many examples of `kind` it tried."""
    def wrap(prop):
        inner = prop.hypothesis.inner_test

        def counting(*args, **kwargs):
            TRIED[kind] = TRIED.get(kind, 0) + 1
            return inner(*args, **kwargs)
        prop.hypothesis.inner_test = counting

        def test():
            before = TRIED.get(kind, 0)
            prop()
            tried = TRIED.get(kind, 0) - before
            assert tried >= 20, 'only %d examples ran' % tried
            _record(prop.__name__[len('test_'):], kind, tried)
        test.__name__, test.__doc__ = prop.__name__, prop.__doc__
        return test
    return wrap


def clear_message(exc, *words):
    """A message for people: says what it is about, holds no raw control character."""
    msg = str(exc)
    assert msg.strip()
    assert not re.search(r'[\x00-\x1f\x7f]', msg), 'raw control character in %r' % msg
    assert 'Traceback' not in msg
    if words:
        assert any(word in msg for word in words), msg
    return msg


def refused(function, value, *words):
    try:
        result = function(value)
    except InputError as exc:
        clear_message(exc, *words)
        return None
    return result


# -- strategies ------------------------------------------------------------------------------------
label = st.from_regex(r'\A[a-zA-Z0-9]([a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?\Z', fullmatch=True).filter(
    lambda s: s[2:4] != '--')
tld = st.from_regex(r'\A[a-zA-Z]{2,8}\Z', fullmatch=True)
valid_domain = st.builds(lambda labels, top: '.'.join(labels + [top]), st.lists(label, min_size=1, max_size=3), tld)
idn_label = st.text(alphabet='äöüéèàçñøåßжδ日本', min_size=1, max_size=8)
hostile_text = st.one_of(
    st.text(min_size=0, max_size=80),                                            # any Unicode
    st.text(alphabet=st.characters(max_codepoint=0x7f), max_size=40),            # any ASCII, controls too
    st.builds(lambda a, f, b: a + f + b, st.text(max_size=10), st.sampled_from(FRAGMENTS), st.text(max_size=10)),
)
hostile_domain = st.one_of(
    hostile_text,
    st.builds(lambda d, f, at: d[:at] + f + d[at:], valid_domain, st.sampled_from(FRAGMENTS + list(SQL_AND_ROUTING)),
              st.integers(0, 30)),
    st.builds(lambda n, d: 'a' * n + '.' + d, st.integers(60, 300), valid_domain),  # overlong
)
local_part = st.from_regex(r'\A[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+){0,2}\Z', fullmatch=True).filter(lambda s: len(s) <= 64)
hostile_address = st.one_of(
    hostile_text,
    st.builds(lambda l, d: l + '@' + d, hostile_text, valid_domain),
    st.builds(lambda l, f, d: l + f + '@' + d, local_part, st.sampled_from(FRAGMENTS + list(SQL_AND_ROUTING)),
              valid_domain),
    st.builds(lambda l, d: l + '@' + d, local_part, hostile_domain),
    st.builds(lambda n, d: 'x' * n + '@' + d, st.integers(60, 200), valid_domain),
)


# -- domains -----------------------------------------------------------------------------------------
@counted('domains')
@MANY
@given(st.one_of(valid_domain, hostile_domain))
@examples('Bücher.Example', "example.org' OR '1'='1", 'exa%mple.org',
          'exa_mple.org', 'a\x00b.example', '\u212a.example')
def test_domains_come_out_normalized_or_are_refused(value):
    result = refused(normalize_domain, value, 'domain')
    if result is None:
        return
    assert DOMAIN_OUT.match(result), result
    assert not result.rsplit('.', maxsplit=1)[-1].isdigit()
    assert normalize_domain(result) == result, 'normalizing is not idempotent'
    if all(ord(c) < 128 for c in value):
        assert result == value.lower().rstrip('.')
        assert not set(value) & set(SQL_AND_ROUTING + '_'), 'accepted a special character: %r' % value


@counted('domains')
@MANY
@given(valid_domain)
def test_valid_ascii_domains_are_accepted_in_lowercase(value):
    assert normalize_domain(value) == value.lower()
    assert normalize_domain(value.upper()) == value.lower()


@counted('domains')
@FEW
@given(st.lists(idn_label, min_size=1, max_size=2), tld)
def test_idn_labels_become_punycode(labels, top):
    value = '.'.join(labels + [top])
    expected = '.'.join(['xn--' + lab.encode('punycode').decode('ascii') for lab in labels] + [top.lower()])
    # IDNA 2008: ß is a letter of its own (IDNA 2003, Python's codec, made it ss).
    assert normalize_domain(value) == expected


# -- addresses ---------------------------------------------------------------------------------------
@counted('mailboxes')
@MANY
@given(st.one_of(st.builds(lambda l, d: l + '@' + d, local_part, valid_domain), hostile_address))
@examples("o'neil@example.org", 'a%b@example.org', 'a_b@example.org',
          "x'--@example.org", '\u212a@example.org', 'john@example.org\x00')
def test_mailboxes_come_out_normalized_or_are_refused(value):
    result = refused(normalize_mailbox, value, 'email')
    if result is None:
        return
    local, domain = result.split('@')
    assert MAILBOX_LOCAL_OUT.match(local) and len(local) <= 64, result
    assert DOMAIN_OUT.match(domain), result
    assert normalize_mailbox(result) == result
    assert all(ord(c) < 128 for c in value.split('@')[0]), 'a non-ASCII local part was accepted: %r' % value
    assert value.split('@')[0].lower() == local


@counted('alias addresses')
@MANY
@given(st.one_of(st.builds(lambda l, d: l + '@' + d, local_part, valid_domain), hostile_address,
                 st.builds(lambda d: '@' + d, st.one_of(valid_domain, hostile_domain))))
@examples('sales+eu@example.org', 'a%b@example.org', 'a!b@example.org', '@example.org', '@')
def test_alias_addresses_come_out_normalized_or_are_refused(value):
    source = refused(normalize_source, value, 'source')
    destination = refused(normalize_address, value, 'address')
    if value.startswith('@'):
        assert destination is None, 'a catch-all is not a destination'
        if source is not None:
            assert DOMAIN_OUT.match(source[1:])
        return
    assert source == destination
    if source is None:
        return
    local, domain = source.split('@')
    assert ALIAS_LOCAL_OUT.match(local) and len(local) <= 64, source
    assert not set(local) & set("%!/|\\'\"` "), source
    assert DOMAIN_OUT.match(domain)
    assert normalize_source(source) == source


@counted('lengths')
@MANY
@given(st.text(max_size=120), st.integers(1, 100))
def test_length_limits(value, limit):
    try:
        check_length(value, limit, 'email')
    except InputError as exc:
        assert len(value) > limit and str(limit) in str(exc)
    else:
        assert len(value) <= limit


# -- passwords ---------------------------------------------------------------------------------------
every_class = st.one_of(
    st.text(min_size=1, max_size=100),                                               # any Unicode
    st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0x1f), min_size=1, max_size=20),  # controls
    st.text(alphabet=st.characters(codec='latin-1'), min_size=1, max_size=80),
    st.text(alphabet=st.characters(min_codepoint=0x10000), min_size=1, max_size=40),  # 4-byte UTF-8
    st.builds(lambda n: 'x' * n, st.integers(PASSWORD_MAX - 3, PASSWORD_MAX + 3)),
)


@counted('passwords')
@MANY
@given(every_class)
@examples('\x00', 'pass\x00word', '', 'é' * (PASSWORD_MAX // 2), 'é' * (PASSWORD_MAX // 2 + 1))
def test_passwords_are_accepted_or_refused_without_being_shown(password):
    try:
        check_password(password)
    except InputError as exc:
        msg = clear_message(exc, 'password')
        assert password == '' or '\x00' in password or len(password.encode('utf-8')) > PASSWORD_MAX
        if len(password) >= 4:
            assert password not in msg
    else:
        assert password and '\x00' not in password and len(password.encode('utf-8')) <= PASSWORD_MAX


@counted('hashed passwords')
@FEW
@given(every_class.filter(lambda p: '\x00' not in p and len(p.encode('utf-8')) <= PASSWORD_MAX),
       st.sampled_from(['BLF-CRYPT', 'SHA256-CRYPT']))
@example(''.join(chr(c) for c in range(1, 128)), 'BLF-CRYPT')
@example(''.join(chr(c) for c in range(128, 256)), 'SHA256-CRYPT')
def test_hashes_verify_their_password_only(password, scheme):
    stored = make_hash(password, scheme)
    assert stored.startswith('{%s}$' % scheme)
    # Not in the hash itself (the {SCHEME} prefix before it is no secret: 'SHA256-C' is in it).
    assert len(password) < 8 or password not in stored.split('}', 1)[1]
    assert verify(password, stored)
    other = password + 'x'
    if scheme == 'BLF-CRYPT' and len(password.encode('utf-8')) >= BCRYPT_MAX:
        assert verify(other, stored), 'bcrypt reads 72 bytes, as Dovecot does'
    else:
        assert not verify(other, stored)
    check_password_hash(stored, 150)


# The fixed text of check_password_hash's messages (crypt/schemes.py).
MESSAGE_WORDS = ('must start with its', 'prefix, for example', ': the server sets no default scheme',
                 ' has the scheme', ', which Dovecot does not know; known:', ' must be followed by the hash in '
                 'printable ASCII', ' characters long; the  column holds at most', ' is empty')


@counted('password hashes')
@MANY
@given(st.one_of(hostile_text, st.builds(lambda s, r: '{%s}%s' % (s, r), st.text(max_size=12), hostile_text)))
@examples('{BLF-CRYPT}', '{blf-crypt}$2y$05$abc', '$2y$05$noprefix', '{PLAIN}secret with space', '{NOPE}x')
def test_password_hashes_are_checked_without_being_shown(value):
    try:
        check_password_hash(value, 150)
    except InputError as exc:
        msg = clear_message(exc, 'password_hash')
        body = value.split('}', 1)[-1]
        # The scheme may be named, and the list of known ones; nothing else of the value.
        said = re.sub(r'\{[^}]*\}', '', msg.split('known:', maxsplit=1)[0])
        # The message's own words ('password_hash', 'the server sets no default scheme') are not
        # the value: a value such as 'sche' is in them by chance.
        said = said.replace('password_hash', '').replace('password', '')
        for words in MESSAGE_WORDS:
            said = said.replace(words, ' ')
        if len(body) >= 4:
            assert body not in said, 'the hash is shown in %r' % msg
    else:
        assert value.startswith('{') and len(value) <= 150
        assert all(33 <= ord(c) <= 126 for c in value.split('}', 1)[1])


# -- quotas ------------------------------------------------------------------------------------------
UNITS = {'': 0, 'B': 0, 'K': 1, 'KB': 1, 'M': 2, 'MB': 2, 'G': 3, 'GB': 3, 'T': 4, 'TB': 4}


@counted('quotas')
@MANY
@given(st.integers(0, 10 ** 6), st.sampled_from(sorted(UNITS)), st.sampled_from(['', ' ']))
def test_sizes_are_read_as_powers_of_1024(number, unit, space):
    assert parse_quota('%d%s%s' % (number, space, unit)) == number * 1024 ** UNITS[unit]


@counted('quotas')
@MANY
@given(st.one_of(st.integers(-2 ** 70, 2 ** 70), st.floats(allow_nan=True), st.booleans(), st.none(),
                 hostile_text, st.builds(lambda n, u: n + u, st.text('0123456789.-+e', max_size=400),
                                         st.sampled_from(['', 'K', 'G', 'Y', 'q']))))
@examples('9' * 400 + 'G', '\x1b[2J', '1e999', '-0', '١٢٣')
def test_quotas_are_numbers_of_bytes_or_refused(value):
    try:
        quota = parse_quota(value)
    except InputError as exc:
        clear_message(exc, 'quota')
        return
    if value is None:
        assert quota is None
        return
    assert isinstance(quota, int) and not isinstance(quota, bool) and quota >= 0
    for column_type, limit in (('int(11)', 2 ** 31 - 1), ('bigint(11)', 2 ** 63 - 1)):
        try:
            check_quota_fits(quota, schema(column_type))
        except InputError as exc:
            assert quota > limit and str(limit) in clear_message(exc)
        else:
            assert quota <= limit


def _record(name, kind, tried):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = os.path.join(root, 'tests', 'output', 'reliability')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'unit_%s.json' % name), 'w', encoding='utf-8') as handle:
        json.dump({'test': 'unit_' + name, 'figures': {'kind': kind, 'inputs_tried': tried}}, handle, indent=2)
