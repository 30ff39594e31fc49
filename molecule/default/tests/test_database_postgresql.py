"""The PostgreSQL database after converge (molecule/postgresql): the schema of
files/schema-postgresql.sql, least-privilege roles with SCRAM passwords, root by peer
authentication, rotated passwords, and the directory moved from MariaDB with its hashes."""

import pytest
from helpers import ADMIN_PASSWORD, HOSTS, LOOKUP_PASSWORD, OLD_LOOKUP_PASSWORD, PASSWORDS, PG, postmap, sql

testinfra_hosts = HOSTS
pytestmark = pytest.mark.skipif(not PG, reason="PostgreSQL scenario only")

TABLES = ("virtual_domains", "virtual_users", "virtual_aliases")


def _privileges(host, role):
    """The privileges role holds on all three tables."""
    held = []
    for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
        checks = " AND ".join("has_table_privilege('%s', '%s', '%s')" % (role, t, privilege) for t in TABLES)
        if sql(host, "SELECT " + checks) == "t":
            held.append(privilege)
    return held


def _login(host, user, password, query="SELECT 1"):
    """psql over TCP on 127.0.0.1 as user; the command's result."""
    return host.run("PGPASSWORD=%s psql -XAtq -h 127.0.0.1 -U %s -d mailserver -c %s", password, user, query)


def test_database_is_utf8_and_owned_by_postgres(host):
    assert sql(host, "SELECT pg_encoding_to_char(encoding) || ' ' || pg_get_userbyid(datdba) FROM pg_database "
                     "WHERE datname = 'mailserver'") == "UTF8 postgres"


def test_schema_from_the_collection(host):
    assert sql(host, "SELECT data_type FROM information_schema.columns WHERE table_name = 'virtual_users' "
                     "AND column_name = 'quota'") == "bigint"
    assert sql(host, "SELECT quota FROM virtual_users WHERE email = 'big@example.org'") == str(3 * 1024**3)
    assert "virtual_aliases_source" in sql(host, "SELECT indexname FROM pg_indexes WHERE tablename = 'virtual_aliases'")


def test_roles_have_least_privilege(host):
    assert _privileges(host, "mailserver") == ["SELECT"]
    assert _privileges(host, "mailadmin") == ["SELECT", "INSERT", "UPDATE", "DELETE"]
    assert _privileges(host, "root") == ["SELECT", "INSERT", "UPDATE", "DELETE"]
    assert sql(host, "SELECT count(*) FROM pg_roles WHERE rolname IN ('mailserver', 'mailadmin', 'root') "
                     "AND (rolsuper OR rolcreaterole OR rolcreatedb)") == "0"


def test_passwords_are_scram_and_rotated(host):
    verifiers = host.check_output("su postgres -c %s", "psql -XAtq -c \"SELECT rolpassword FROM pg_authid "
                                  "WHERE rolname IN ('mailserver', 'mailadmin')\"")
    assert [v[:14] for v in verifiers.splitlines()] == ["SCRAM-SHA-256$"] * 2
    assert _login(host, "mailserver", LOOKUP_PASSWORD).rc == 0
    assert _login(host, "mailserver", OLD_LOOKUP_PASSWORD).rc != 0
    assert _login(host, "mailadmin", ADMIN_PASSWORD).rc == 0
    # The lookup role cannot write.
    assert _login(host, "mailserver", LOOKUP_PASSWORD, "DELETE FROM virtual_domains").rc != 0


def test_root_reaches_the_database_without_a_password(host):
    # side_effect.yml deleted doomed@example.org as root with only engine: postgresql.
    assert sql(host, "SELECT current_user") == "root"
    assert sql(host, "SELECT count(*) FROM virtual_users WHERE email = 'doomed@example.org'") == "0"


def test_mariadb_directory_moved_with_its_hashes(host):
    # prepare.yml's MariaDB row, exported by ispmail_info and seeded by the role (converge.yml).
    query = "SELECT password FROM virtual_users WHERE email = 'oldtimer@example.org'"
    moved = sql(host, query)
    assert moved.startswith("{SHA512-CRYPT}$6$")
    assert moved == host.check_output("mariadb --batch --skip-column-names mailserver -e %s", query)


def test_mixed_case_keys_are_found(host):
    # PostgreSQL compares case-sensitively; the role's queries lowercase the key.
    assert host.run("doveadm auth test %s %s", "John@Example.ORG", PASSWORDS["john@example.org"]).rc == 0
    assert postmap(host, "Jack@Example.ORG", "virtual-alias-maps").stdout.strip() == "john@example.org"
