"""The directory file read on the controller (plugin_utils/directory_file.py): compact JSON for the
module, a cache keyed by the file's bytes (never by time), never for a vault-encrypted file."""
import json
import os
import stat

import pytest
from ansible.errors import AnsibleError

from ansible_collections.ispmail.mailserver.plugins.plugin_utils import directory_file

YAML = 'domains: [example.org]\nusers:\n  - {email: john@example.org, password_hash: "{PLAIN}x-Secret-1"}\naliases: []\n'


class NoLoader:
    """A DataLoader that must not be asked (plain files are read directly)."""

    def get_real_file(self, path, decrypt=True):
        raise AssertionError('the loader was asked for %s' % path)


def entries(cache):
    return sorted(name for name in os.listdir(cache) if name.endswith('.json'))


def test_a_file_is_parsed_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    src, cache = tmp_path / 'directory.yml', tmp_path / 'cache'
    src.write_text(YAML)
    first = directory_file.read_compact(NoLoader(), str(src), str(cache))
    assert json.loads(first) == {'domains': ['example.org'], 'aliases': [],
                                 'users': [{'email': 'john@example.org', 'password_hash': '{PLAIN}x-Secret-1'}]}
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700
    name, = entries(cache)
    assert stat.S_IMODE(os.stat(cache / name).st_mode) == 0o600

    def no_parse(text, path):
        raise AssertionError('parsed again')
    monkeypatch.setattr(directory_file, 'parse', no_parse)
    assert directory_file.read_compact(NoLoader(), str(src), str(cache)) == first


def test_a_changed_byte_is_read_anew_whatever_the_times(tmp_path):
    src, cache = tmp_path / 'directory.yml', tmp_path / 'cache'
    src.write_text(YAML)
    directory_file.read_compact(NoLoader(), str(src), str(cache))
    times = os.stat(src).st_atime, os.stat(src).st_mtime
    src.write_text(YAML.replace('example.org]', 'example.net]'))
    os.utime(src, times)  # same size, same time: only the content says it changed
    assert json.loads(directory_file.read_compact(NoLoader(), str(src), str(cache)))['domains'] == ['example.net']
    assert len(entries(cache)) == 2


def test_a_damaged_entry_is_not_used(tmp_path):
    src, cache = tmp_path / 'directory.yml', tmp_path / 'cache'
    src.write_text(YAML)
    directory_file.read_compact(NoLoader(), str(src), str(cache))
    name, = entries(cache)
    text = (cache / name).read_bytes()
    (cache / name).write_bytes(text.replace(b'example.org', b'evil.example'))
    assert json.loads(directory_file.read_compact(NoLoader(), str(src), str(cache)))['domains'] == ['example.org']


def test_only_the_newest_entries_are_kept(tmp_path):
    cache = tmp_path / 'cache'
    for number in range(directory_file.CACHE_KEEP + 3):
        src = tmp_path / ('d%d.yml' % number)
        src.write_text('domains: [d%d.example]\n' % number)
        directory_file.read_compact(NoLoader(), str(src), str(cache))
    assert len(entries(cache)) == directory_file.CACHE_KEEP


def test_a_cache_directory_open_to_others_is_not_used(tmp_path):
    src, cache = tmp_path / 'directory.yml', tmp_path / 'cache'
    src.write_text(YAML)
    cache.mkdir(mode=0o777)
    os.chmod(cache, 0o777)
    directory_file.read_compact(NoLoader(), str(src), str(cache))
    assert entries(cache) == []


class VaultLoader:
    def __init__(self, plain):
        self.plain = plain
        self.asked = []

    def get_real_file(self, path, decrypt=True):
        self.asked.append(path)
        return str(self.plain)

    def cleanup_tmp_file(self, path):
        pass


def test_a_vault_file_is_decrypted_by_the_loader_and_never_cached(tmp_path):
    src, plain, cache = tmp_path / 'vault.yml', tmp_path / 'plain.yml', tmp_path / 'cache'
    src.write_text('$ANSIBLE_VAULT;1.1;AES256\n6162\n')
    plain.write_text(YAML)
    loader = VaultLoader(plain)
    data = directory_file.read_compact(loader, str(src), str(cache))
    assert json.loads(data)['domains'] == ['example.org'] and loader.asked == [str(src)]
    assert not cache.exists() or entries(cache) == []


def test_errors_name_the_file(tmp_path):
    with pytest.raises(AnsibleError, match='cannot read .*missing.yml'):
        directory_file.read_compact(NoLoader(), str(tmp_path / 'missing.yml'), str(tmp_path / 'cache'))
    bad = tmp_path / 'bad.yml'
    bad.write_text('domains: [unclosed\n')
    with pytest.raises(AnsibleError, match='bad.yml is not valid YAML'):
        directory_file.read_compact(NoLoader(), str(bad), str(tmp_path / 'cache'))
    listed = tmp_path / 'list.yml'
    listed.write_text('- a\n- b\n')
    assert directory_file.read_compact(NoLoader(), str(listed), str(tmp_path / 'cache')) == ['a', 'b']
