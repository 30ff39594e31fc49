"""The MariaDB database after converge: upgraded schema, least-privilege accounts, rotated
passwords. PostgreSQL's: test_database_postgresql.py."""

import pytest
from helpers import ADMIN_PASSWORD, HOSTS, LOOKUP_PASSWORD, OLD_LOOKUP_PASSWORD, PG, sql

testinfra_hosts = HOSTS
pytestmark = pytest.mark.skipif(PG, reason="MariaDB scenario only")


def test_old_schema_upgraded_in_place(host):
    # prepare.yml left a database without quota column (Debian 12) or with int(11) (Debian 13).
    assert sql(host, "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='mailserver' "
                     "AND TABLE_NAME='virtual_users' AND COLUMN_NAME='quota'") == "bigint"
    assert sql(host, "SELECT quota FROM virtual_users WHERE email='oldtimer@example.org'") == "0"


def test_quota_above_2_gib_fits(host):
    assert sql(host, "SELECT quota FROM virtual_users WHERE email='big@example.org'") == str(3 * 1024**3)


def test_aliases_indexed_by_source(host):
    assert sql(host, "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA='mailserver' "
                     "AND TABLE_NAME='virtual_aliases' AND COLUMN_NAME='source' AND SEQ_IN_INDEX=1") == "1"


def _grants(host, account):
    out = sql(host, "SHOW GRANTS FOR %s" % account, database="mysql")
    return [line for line in out.splitlines() if "`mailserver`" in line or "*.*" in line]


def test_lookup_account_reads_only(host):
    grants = _grants(host, "'mailserver'@'127.0.0.1'")
    assert any(line.startswith("GRANT USAGE ON *.*") for line in grants)
    assert any(line.startswith("GRANT SELECT ON `mailserver`.*") for line in grants)
    assert len(grants) == 2


def test_admin_account_has_four_privileges(host):
    grants = _grants(host, "'mailadmin'@'localhost'")
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON `mailserver`.* TO `mailadmin`@`localhost`" in grants
    assert any(line.startswith("GRANT USAGE ON *.*") for line in grants)
    assert len(grants) == 2


def test_passwords_rotated_in_mariadb(host):
    login = "mariadb -h 127.0.0.1 -u mailserver --password=%s mailserver -e 'SELECT 1'"
    assert host.run(login, LOOKUP_PASSWORD).rc == 0
    assert host.run(login, OLD_LOOKUP_PASSWORD).rc != 0
    assert host.run("mariadb -u mailadmin --password=%s mailserver -e 'SELECT 1'", ADMIN_PASSWORD).rc == 0
    # The lookup account cannot write.
    assert host.run(login.replace("SELECT 1", "DELETE FROM virtual_domains"), LOOKUP_PASSWORD).rc != 0
