"""The role's writer of rspamd's domain list (roles/server/files/ispmail-rspamd-domains.py).

Its database read is proven in Molecule (test_security_spoofing.py, both engines); here: no name
from a database row reaches the map unchecked, the map is written atomically with its mode and
only when it changes, and a failing database leaves the last list in place.
"""
import grp
import importlib.util
import json
import os

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), '..', '..', 'roles', 'server', 'files', 'ispmail-rspamd-domains.py')


@pytest.fixture(scope='module')
def writer():
    spec = importlib.util.spec_from_file_location('ispmail_rspamd_domains', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def group():
    return grp.getgrgid(os.getgid()).gr_name


def test_only_domain_names_reach_the_map(writer, capsys):
    rows = ['example.org', 'Example.NET', 'example.org', 'xn--fa-hia.example', None, '', '..', '.', 'a/b.example',
            'evil.example\nother.example', "x'; DROP TABLE virtual_domains; --", '-lead.example', 'trail-.example',
            'localhost', 'a..b.example', 'x' * 64 + '.example', ' spaced.example ']
    assert writer.map_text(rows) == 'example.net\nexample.org\nspaced.example\nxn--fa-hia.example\n'
    err = capsys.readouterr().err
    assert "'..'" in err and "'a/b.example'" in err and "'localhost'" in err
    assert 'example.org' not in err


def test_map_is_written_with_its_mode_and_only_when_it_changes(writer, tmp_path, group):
    path = str(tmp_path / 'domains.map')
    assert writer.write_if_changed(path, 'example.org\n', group) is True
    assert open(path, encoding='utf-8').read() == 'example.org\n'
    assert os.stat(path).st_mode & 0o777 == 0o640
    os.utime(path, (1, 1))
    assert writer.write_if_changed(path, 'example.org\n', group) is False
    assert os.stat(path).st_mtime == 1
    assert writer.write_if_changed(path, 'example.net\nexample.org\n', group) is True
    assert open(path, encoding='utf-8').read() == 'example.net\nexample.org\n'
    assert sorted(os.listdir(tmp_path)) == ['domains.map']  # no temporary file left behind


def _config(tmp_path, group):
    path = tmp_path / 'settings.json'
    path.write_text(json.dumps({'engine': 'mariadb', 'host': '127.0.0.1', 'port': '3306', 'dbname': 'mailserver',
                                'user': 'mailserver', 'password': 'secret', 'map': str(tmp_path / 'domains.map'),
                                'group': group}))
    return str(path)


def test_a_failing_database_keeps_the_last_list(writer, tmp_path, group, monkeypatch, capsys):
    (tmp_path / 'domains.map').write_text('example.org\n')

    def refuse(config):
        raise OSError('connection refused')
    monkeypatch.setattr(writer, 'fetch_domains', refuse)
    assert writer.main([_config(tmp_path, group)]) == 1
    assert (tmp_path / 'domains.map').read_text() == 'example.org\n'
    captured = capsys.readouterr()
    assert 'connection refused' in captured.err and 'secret' not in captured.err + captured.out


def test_changed_is_printed_when_the_list_changes(writer, tmp_path, group, monkeypatch, capsys):
    monkeypatch.setattr(writer, 'fetch_domains', lambda config: ['example.org'])
    config = _config(tmp_path, group)
    assert writer.main([config]) == 0
    assert capsys.readouterr().out == 'changed\n'
    assert writer.main([config]) == 0
    assert capsys.readouterr().out == ''
    assert writer.main([]) == 2


def test_unreadable_settings_are_named_not_a_traceback(writer, tmp_path, capsys):
    assert writer.main([str(tmp_path / 'missing.json')]) == 2
    (tmp_path / 'broken.json').write_text('{not json')
    assert writer.main([str(tmp_path / 'broken.json')]) == 2
    err = capsys.readouterr().err
    assert 'cannot read the settings %s' % (tmp_path / 'missing.json') in err
    assert 'cannot read the settings %s' % (tmp_path / 'broken.json') in err
