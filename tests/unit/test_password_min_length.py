"""password_min_length: applied when a password is set or changed, never to a kept password or to
a hash given as it is; the message names the user and the rule, never the password."""
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.entities import users
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError
from tests.unit.schema_builder import schema
from tests.unit.test_planners import user_current, user_item
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.users import UserRow

STORED = UserRow(1, 1, 'john@example.org', '{BLF-CRYPT}$2y$05$' + 'a' * 53, 0)


def planned(item, *rows, matches=()):
    return users.plan(user_current(*rows, matches=matches), [item], False)


def test_a_new_user_with_a_short_password_is_refused_without_showing_it():
    with pytest.raises(InputError) as caught:
        planned(user_item('john@example.org', password='Short-7', password_min_length=8))
    assert "user 'john@example.org'" in str(caught.value) and 'at least 8' in str(caught.value)
    assert 'Short-7' not in str(caught.value)


def test_the_minimum_itself_is_enough_and_zero_turns_it_off():
    assert planned(user_item('john@example.org', password='Eight-88', password_min_length=8)).insert
    assert planned(user_item('john@example.org', password='x', password_min_length=0)).insert


def test_a_changed_password_is_checked_a_kept_one_is_not():
    with pytest.raises(InputError, match='at least 12'):
        planned(user_item('john@example.org', password='Eleven-1111', password_min_length=12), STORED)
    kept = planned(user_item('john@example.org', password='short', password_min_length=12,
                             update_password='on_create'), STORED)
    assert not kept.set_password
    same = planned(user_item('john@example.org', password='short', password_min_length=12), STORED,
                   matches=['john@example.org'])
    assert not same.set_password


def test_a_hash_is_taken_as_it_is():
    item = user_item('john@example.org', password_hash='{PLAIN}x', password_min_length=64)
    assert planned(item).insert


@pytest.mark.parametrize('value', [-1, 'eight', 2.5, True, '8x'])
def test_the_option_must_be_a_whole_number(value):
    item = {'email': 'john@example.org', 'password': 'Long-enough-1', 'state': 'present', 'update_password': 'always',
            'password_min_length': value}
    with pytest.raises(InputError, match='password_min_length must be a whole number'):
        users.normalize_items([item], schema())


def test_normalize_defaults_it_to_eight():
    item = {'email': 'john@example.org', 'password': 'pw', 'state': 'present', 'update_password': 'always'}
    assert users.normalize_items([item], schema())[0]['password_min_length'] == 8
