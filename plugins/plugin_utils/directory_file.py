# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a directory file on the controller, fast: JSON directly, YAML with PyYAML's C loader
where there is one. Ansible's own YAML loader costs seconds for 20,000 entries (docs/benchmark.md).

What the module gets is the data as one compact JSON text. For a file that is not
vault-encrypted, that text is kept in a cache keyed by the SHA-256 of the file's bytes
(~/.cache/ispmail.mailserver/directory, the user's alone, mode 0600): a file read before is not
parsed again (10 s of PyYAML at 100,000 users), and a file that changed in any byte is read anew.
A vault-encrypted file is never cached: its decrypted data stays in memory.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import json
import os
import tempfile

import yaml

from ansible.errors import AnsibleError

try:
    SAFE_LOADER = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    SAFE_LOADER = yaml.SafeLoader


def parse(text, path):
    """The data of a directory file; an AnsibleError naming the file and position when it is not valid."""
    if path.endswith('.json') or text.lstrip().startswith('{'):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise AnsibleError('%s is not valid JSON: %s' % (path, exc))
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        where = ' (line %d, column %d)' % (mark.line + 1, mark.column + 1) if mark else ''
        raise AnsibleError('%s is not valid YAML%s: %s' % (path, where, getattr(exc, 'problem', None) or exc))


CACHE_FORMAT = b'ispmail-directory-cache-1\n'
CACHE_KEEP = 8
VAULT_HEADER = b'$ANSIBLE_VAULT'


def compact(data):
    """The data as the module takes it: one compact JSON text (YAML dates become text)."""
    return json.dumps(data, separators=(',', ':'), default=str)


def read_compact(loader, path, cache_dir=None):
    """The data of the directory file at `path`: compact JSON text when it is a mapping (from the
    cache when the same bytes were read before), else the data itself (the module refuses it)."""
    try:
        with open(path, 'rb') as handle:
            raw = handle.read()
    except OSError as exc:
        raise AnsibleError('cannot read %s: %s' % (path, exc))
    if raw.startswith(VAULT_HEADER):
        data = read(loader, path)
        return compact(data) if isinstance(data, dict) else data
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise AnsibleError('cannot read %s: %s' % (path, exc))
    cache = _cache_dir(cache_dir)
    key = hashlib.sha256(CACHE_FORMAT + raw).hexdigest()
    cached = _cached(cache, key)
    if cached is not None:
        return cached
    data = parse(text, path)
    if not isinstance(data, dict):
        return data
    result = compact(data)
    _store(cache, key, result)
    return result


def _cache_dir(cache_dir):
    """The cache directory, made 0700 where missing; None (no cache) where it is not a directory of
    this user's alone."""
    path = cache_dir or os.path.join(os.path.expanduser('~'), '.cache', 'ispmail.mailserver', 'directory')
    try:
        os.makedirs(path, 0o700)
    except OSError:
        pass
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not os.path.isdir(path) or os.path.islink(path) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return path


def _cached(cache, key):
    """The text stored for `key`, checked against the SHA-256 written beside it; None when absent or damaged."""
    if cache is None:
        return None
    try:
        fd = os.open(os.path.join(cache, key + '.json'), os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0))
        with os.fdopen(fd, 'rb') as handle:
            stored = handle.read()
    except OSError:
        return None
    digest, dummy, body = stored.partition(b'\n')
    if hashlib.sha256(body).hexdigest().encode() != digest:
        return None
    try:
        os.utime(os.path.join(cache, key + '.json'))  # the newest are kept
    except OSError:
        pass
    return body.decode('utf-8')


def _store(cache, key, text):
    """Keep `text` for `key` (written whole, then renamed into place), and the newest CACHE_KEEP entries."""
    if cache is None:
        return
    body = text.encode('utf-8')
    try:
        fd, tmp = tempfile.mkstemp(dir=cache, prefix='.tmp-')
        with os.fdopen(fd, 'wb') as handle:
            handle.write(hashlib.sha256(body).hexdigest().encode() + b'\n' + body)
        os.rename(tmp, os.path.join(cache, key + '.json'))
        entries = sorted((os.path.join(cache, name) for name in os.listdir(cache) if name.endswith('.json')),
                         key=os.path.getmtime, reverse=True)
        for old in entries[CACHE_KEEP:]:
            os.unlink(old)
    except OSError:
        pass  # a cache that cannot be written is no cache; the data was read


def read(loader, path):
    """Read (and decrypt, when it is vault-encrypted) the file at `path` with Ansible's DataLoader."""
    real = loader.get_real_file(path, decrypt=True)
    try:
        with open(real, 'rb') as handle:
            text = handle.read().decode('utf-8')
    except (OSError, UnicodeDecodeError) as exc:
        raise AnsibleError('cannot read %s: %s' % (path, exc))
    finally:
        loader.cleanup_tmp_file(real)
    return parse(text, path)
