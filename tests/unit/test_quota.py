"""Quotas: sizes read as Ansible's human_to_bytes reads them, and the column's limits."""
import pytest

from ansible_collections.ispmail.mailserver.plugins.module_utils.db.mariadb import column
from ansible_collections.ispmail.mailserver.plugins.module_utils.db.schema import Schema
from ansible_collections.ispmail.mailserver.plugins.module_utils.entities.users import check_quota_fits
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, SchemaError
from ansible_collections.ispmail.mailserver.plugins.module_utils.mail.quota import parse_quota
from tests.unit.schema_builder import schema


@pytest.mark.parametrize('value,expected', [
    (None, None), (0, 0), ('0', 0), (1024, 1024), ('1024', 1024), ('2G', 2147483648), ('2GB', 2147483648),
    ('500M', 524288000), ('1K', 1024), (' 3G ', 3221225472), (5.0, 5),
])
def test_parse(value, expected):
    assert parse_quota(value) == expected


@pytest.mark.parametrize('value', [-1, '-5', 'lots', '', True, 1.5, [], '2Q'])
def test_parse_refuses(value):
    with pytest.raises(InputError):
        parse_quota(value)


def test_int11_column_refuses_what_it_cannot_hold():
    check_quota_fits(2147483647, schema('int(11)'))
    with pytest.raises(InputError, match='at most 2147483647'):
        check_quota_fits(2147483648, schema('int(11)'))
    check_quota_fits(2147483648, schema('bigint(11)'))


def test_no_quota_column_refuses_any_quota_but_none():
    check_quota_fits(None, schema())
    with pytest.raises(InputError, match='no quota column'):
        check_quota_fits(0, schema())


def test_schema_without_tables_is_refused():
    with pytest.raises(SchemaError, match='virtual_users'):
        Schema({('virtual_domains', 'name'): column('varchar', 'varchar(50)', 50)})
