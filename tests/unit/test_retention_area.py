"""The retention area of removed mail (host/retention.py) on a directory of the test: what is kept,
listed, restored, and the options' rules. tests/integration/test_retention.py runs the modules."""
import os

import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import HostError, InputError
from ansible_collections.ispmail.mailserver.plugins.module_utils.host import retention

NOW = 1796724000  # 2026-12-08T10:00:00Z
DAY = 86400


@pytest.mark.parametrize('value, seconds', [('30d', 30 * DAY), ('12h', 12 * 3600), ('2w', 14 * DAY), (7, 7 * DAY),
                                            ('90m', 5400), ('0', None), (None, None)])
def test_a_retention_is_read_as_seconds(value, seconds):
    assert retention.parse_retention(value) == seconds


@pytest.mark.parametrize('value', ['a month', '-1d', '3y', True, '1.5d'])
def test_a_bad_retention_is_refused(value):
    with pytest.raises(InputError, match='mail_retention must be a time such as 30d'):
        retention.parse_retention(value)


def test_retention_needs_remove_mail():
    options = {'mail_retention': '30d', 'remove_mail': False}
    with pytest.raises(InputError, match='set remove_mail: true'):
        retention.check_retention(options)
    options = {'mail_retention': None, 'remove_mail': False}
    retention.check_retention(options)
    assert options['retention'] is None


def maildir(root, address, name='1.mail'):
    local, domain = address.split('@')
    path = root / domain / local / 'Maildir' / 'cur'
    path.mkdir(parents=True, exist_ok=True)
    (path / name).write_text(name)


def test_removed_mail_is_kept_listed_and_check_mode_moves_nothing(tmp_path):
    maildir(tmp_path, 'john@example.org')
    predicted = retention.retain_mail_dirs(str(tmp_path), ['john@example.org', 'none@example.org'], 30 * DAY,
                                           True, now=NOW)
    assert (tmp_path / 'example.org/john').is_dir() and not (tmp_path / '.retained').exists()
    kept = retention.retain_mail_dirs(str(tmp_path), ['john@example.org'], 30 * DAY, False, now=NOW)
    assert kept == predicted == [{
        'address': 'john@example.org', 'from': str(tmp_path / 'example.org/john'),
        'to': str(tmp_path / '.retained/john@example.org/20261208T100000Z_20270107T100000Z'),
        'purge_after': '2027-01-07T10:00:00Z'}]
    assert not (tmp_path / 'example.org/john').exists()
    assert oct(os.stat(tmp_path / '.retained').st_mode & 0o777) == '0o700'
    assert retention.list_retained(str(tmp_path)) == [{
        'address': 'john@example.org', 'deleted_at': '2026-12-08T10:00:00Z', 'purge_after': '2027-01-07T10:00:00Z',
        'path': kept[0]['to']}]


def test_the_newest_copy_comes_back_merged_and_the_area_is_tidied(tmp_path):
    for when, name in ((NOW, 'old.mail'), (NOW + DAY, 'new.mail')):
        maildir(tmp_path, 'john@example.org', name)
        retention.retain_mail_dirs(str(tmp_path), ['john@example.org'], DAY, False, now=when)
    maildir(tmp_path, 'john@example.org', 'arrived.mail')
    predicted = retention.restore_mail_dirs(str(tmp_path), ['john@example.org'], True)
    restored = retention.restore_mail_dirs(str(tmp_path), ['john@example.org'], False)
    assert restored == predicted
    assert restored[0]['from'].endswith('/20261209T100000Z_20261210T100000Z')
    assert sorted(os.listdir(tmp_path / 'example.org/john/Maildir/cur')) == ['arrived.mail', 'new.mail']
    left, = retention.list_retained(str(tmp_path))
    assert left['deleted_at'] == '2026-12-08T10:00:00Z'
    retention.restore_mail_dirs(str(tmp_path), ['john@example.org'], False)
    assert not (tmp_path / '.retained/john@example.org').exists()
    assert retention.restore_mail_dirs(str(tmp_path), ['john@example.org'], False) == []


def test_a_mailbox_comes_back_from_its_retained_domain(tmp_path):
    maildir(tmp_path, 'ann@old.example')
    maildir(tmp_path, 'bob@old.example')
    kept, = retention.retain_mail_dirs(str(tmp_path), ['old.example'], DAY, False, now=NOW)
    assert retention.newest_retained(str(tmp_path), 'bob@old.example') == os.path.join(kept['to'], 'bob')
    assert retention.newest_retained(str(tmp_path), 'carl@old.example') is None
    retention.restore_mail_dirs(str(tmp_path), ['bob@old.example'], False)
    assert (tmp_path / 'old.example/bob/Maildir/cur/1.mail').is_file()
    assert os.path.isdir(os.path.join(kept['to'], 'ann'))


def test_other_names_and_symlinks_in_the_area_are_not_listed(tmp_path):
    area = tmp_path / '.retained'
    (area / 'john@example.org' / 'junk').mkdir(parents=True)
    (area / 'file').write_text('x')
    os.symlink(str(tmp_path), str(area / 'link'))
    os.symlink(str(tmp_path), str(area / 'john@example.org' / '20261208T100000Z_20261209T100000Z'))
    assert retention.list_retained(str(tmp_path)) == []
    assert retention.newest_retained(str(tmp_path), 'john@example.org') is None
    os.symlink(str(tmp_path), str(area / 'jane@example.org'))
    maildir(tmp_path, 'jane@example.org')
    with pytest.raises(HostError, match='symlink'):
        retention.retain_mail_dirs(str(tmp_path), ['jane@example.org'], DAY, False, now=NOW)


def test_unsafe_names_never_become_paths(tmp_path):
    with pytest.raises(HostError, match='refusing to build a mail directory path'):
        retention.retain_mail_dirs(str(tmp_path), ['../etc'], DAY, True, now=NOW)


def test_a_name_removed_twice_in_one_second_keeps_both_copies(tmp_path):
    for name in ('first.mail', 'second.mail'):
        maildir(tmp_path, 'john@example.org', name)
        retention.retain_mail_dirs(str(tmp_path), ['john@example.org'], DAY, False, now=NOW)
    kept = retention.list_retained(str(tmp_path))
    assert [item['deleted_at'] for item in kept] == ['2026-12-08T10:00:00Z', '2026-12-08T10:00:01Z']
    assert os.listdir(os.path.join(kept[1]['path'], 'Maildir', 'cur')) == ['second.mail']
