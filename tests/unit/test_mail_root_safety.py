"""No name from an item or a database row makes the modules touch anything outside the mail root.

Each case is a real directory tree in tmp_path with a sentinel file beside the mail root: a name
that climbs out ('..', '', '.', '../..@example.org'), a symlink that leads out, and the checks
that run before anything is written (check_mail_dirs) and again where the path is used
(remove_mail_dirs, move_mail_dir).
"""
import os

import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import HostError
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildir_move import move_mail_dir
from ansible_collections.ispmail.mailserver.plugins.module_utils.host.maildirs import (
    check_mail_dirs, name_problem, remove_mail_dirs, safe_mail_dir)

HOSTILE = ['..', '', '.', '../..@example.org', '..@example.org', 'john@..', '/etc', 'a/b.example',
           'example.org/..', 'john/../..@example.org', 'Example.ORG', 'john@example.org.', None, 'x', '@example.org',
           'john@', 'a\x00b.example', 'ex ample.org']


@pytest.fixture
def tree(tmp_path):
    """tmp_path/vmail (the mail root) with a domain and a mailbox, and tmp_path/sentinel beside it."""
    root = tmp_path / 'vmail'
    (root / 'example.org' / 'john' / 'Maildir').mkdir(parents=True)
    (tmp_path / 'sentinel').write_text('keep me')
    return root


def untouched(tree):
    return (tree.parent / 'sentinel').read_text() == 'keep me' and (tree / 'example.org' / 'john').is_dir()


@pytest.mark.parametrize('name', HOSTILE)
def test_a_name_that_is_no_valid_domain_or_mailbox_is_refused_everywhere(tree, name):
    assert name_problem(name)
    with pytest.raises(HostError, match='refusing'):
        safe_mail_dir(str(tree), name, "the virtual_domains row 'x' (id 7)")
    with pytest.raises(HostError, match='refusing'):
        check_mail_dirs(str(tree), [('example.org', None), (name, 'a row')])
    with pytest.raises(HostError, match='refusing'):
        remove_mail_dirs(str(tree), [name], check_mode=False)
    assert untouched(tree)


def test_the_message_names_the_row(tree):
    with pytest.raises(HostError, match=r"the virtual_domains row '\.\.' \(id 7\).*Nothing was changed"):
        safe_mail_dir(str(tree), '..', "the virtual_domains row '..' (id 7)")


@pytest.mark.parametrize('name', ['example.org', 'john@example.org', 'xn--fa-hia.example', 'j.doe_1-x@example.org'])
def test_valid_names_give_the_guides_paths(tree, name):
    assert name_problem(name) == ''
    domain = name.rsplit('@', 1)[-1]
    expected = os.path.join(str(tree), domain, *([name.split('@')[0]] if '@' in name else []))
    assert safe_mail_dir(str(tree), name) == expected


def test_a_symlinked_domain_leading_out_is_refused(tree, tmp_path):
    outside = tmp_path / 'outside'
    (outside / 'jane').mkdir(parents=True)
    os.symlink(str(outside), str(tree / 'example.net'))
    for name in ('example.net', 'jane@example.net'):
        with pytest.raises(HostError, match='not below'):
            remove_mail_dirs(str(tree), [name], check_mode=False)
    assert (outside / 'jane').is_dir()


def test_a_symlinked_mailbox_leading_out_of_its_domain_is_refused(tree, tmp_path):
    os.symlink(str(tmp_path), str(tree / 'example.org' / 'eve'))
    with pytest.raises(HostError, match='not below'):
        remove_mail_dirs(str(tree), ['eve@example.org'], check_mode=False)
    os.symlink(str(tree / 'other.org'), str(tree / 'example.org' / 'mallory'))
    (tree / 'other.org').mkdir()
    with pytest.raises(HostError, match='not below'):
        safe_mail_dir(str(tree), 'mallory@example.org')
    assert untouched(tree) and (tree / 'other.org').is_dir()


def test_a_symlink_inside_its_parent_is_removed_as_a_link(tree):
    os.symlink(str(tree / 'example.org' / 'john'), str(tree / 'example.org' / 'johnny'))
    assert remove_mail_dirs(str(tree), ['johnny@example.org'], check_mode=False) == [
        str(tree / 'example.org' / 'johnny')]
    assert (tree / 'example.org' / 'john' / 'Maildir').is_dir()


def test_valid_names_are_removed_and_check_mode_removes_nothing(tree):
    path = str(tree / 'example.org' / 'john')
    assert remove_mail_dirs(str(tree), ['john@example.org'], check_mode=True) == [path]
    assert os.path.isdir(path)
    assert remove_mail_dirs(str(tree), ['john@example.org'], check_mode=False) == [path]
    assert not os.path.exists(path) and untouched_sentinel(tree)


def untouched_sentinel(tree):
    return (tree.parent / 'sentinel').read_text() == 'keep me'


@pytest.mark.parametrize('old,new', [('../..@example.org', 'john2@example.org'), ('john@example.org', '..@example.org'),
                                     ('john@example.org', 'john@..')])
def test_a_rename_never_moves_from_or_to_an_unsafe_name(tree, old, new):
    with pytest.raises(HostError, match='refusing'):
        move_mail_dir(str(tree), old, new, check_mode=False)
    assert untouched(tree)


def test_a_rename_moves_between_valid_names(tree):
    moved = move_mail_dir(str(tree), 'john@example.org', 'jo@example.org', check_mode=False)
    assert moved == {'from': str(tree / 'example.org' / 'john'), 'to': str(tree / 'example.org' / 'jo')}
    assert (tree / 'example.org' / 'jo' / 'Maildir').is_dir()


@pytest.mark.parametrize('target', ['.', '../vmail2', '../vmail-evil/x'])
def test_a_symlink_to_the_root_itself_or_a_look_alike_beside_it_is_refused(tree, tmp_path, target):
    """Strictly below: not the mail root itself (removing it would remove all mail), and not a
    directory whose path merely starts with the root's name."""
    for name in ('vmail2', 'vmail-evil/x'):
        (tmp_path / name).mkdir(parents=True)
    os.symlink(target, str(tree / 'example.net'))
    with pytest.raises(HostError, match='not below'):
        remove_mail_dirs(str(tree), ['example.net'], check_mode=False)
    assert untouched(tree) and (tmp_path / 'vmail2').is_dir() and (tmp_path / 'vmail-evil' / 'x').is_dir()
