"""Helpers of the verify step: the hosts, the test data and ways to run checks in them."""

import json
import os

import yaml

_HERE = os.path.dirname(os.path.abspath(__file__))


def _instances():
    """Names of the scenario's containers, from Molecule's inventory."""
    inventory = os.environ.get("MOLECULE_INVENTORY_FILE")
    if inventory and os.path.exists(inventory):
        with open(inventory, encoding="utf-8") as f:
            hosts = ((yaml.safe_load(f) or {}).get("all") or {}).get("hosts") or {}
        if hosts:
            return sorted(hosts)
    return ["ispmail-bookworm", "ispmail-trixie"]


# The scenario's database engine (molecule/postgresql sets it): mariadb or postgresql.
ENGINE = os.environ.get("ISPMAIL_DB_ENGINE", "mariadb")
PG = ENGINE == "postgresql"
# What the scenario sets ispmail_spoofed_from_action to (molecule/postgresql: junk).
SPOOFED_FROM_ACTION = os.environ.get("ISPMAIL_SPOOFED_FROM_ACTION", "reject")
# Postfix's map type.
MAP_TYPE = "pgsql" if PG else "mysql"

# podman:// hosts: one podman exec per command, much faster than one ansible run each.
HOSTS = ["podman://" + name for name in _instances()]

# Test data of molecule.yml; side_effect.yml rotated the database passwords.
PASSWORDS = {
    "john@example.org": "john-Secret-1",
    "jane@example.net": "jane-Secret-1",
    "full@example.org": "full-Secret-1",
    "oldtimer@example.org": "oldtimer-secret",
}
LOOKUP_PASSWORD = "lookup-Secret-2"
OLD_LOOKUP_PASSWORD = "lookup-Secret-1"
ADMIN_PASSWORD = "admin-Secret-2"

with open(os.path.join(_HERE, "tools.py"), encoding="utf-8") as _f:
    _TOOLS = _f.read()


def _quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def in_container(host, call, **kwargs):
    """Run tools.CALL(**kwargs) with the container's python3; return its JSON result."""
    program = _TOOLS + "\nimport json, sys\nprint(json.dumps(%s(**json.loads(sys.argv[1]))))\n" % call
    out = host.run("python3 - %s <<'ISPMAIL_EOF'\n%s\nISPMAIL_EOF" % (_quote(json.dumps(kwargs)), program))
    assert out.rc == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def release(host):
    """Debian major release of the host: 12 or 13."""
    return int(host.check_output(". /etc/os-release && echo $VERSION_ID").split(".")[0])


def map_file(host, name):
    """Path of a Postfix lookup file: mysql-NAME.cf on Debian 12, mariadb-NAME.cf on 13,
    pgsql-NAME.cf with PostgreSQL."""
    prefix = "pgsql" if PG else "mariadb" if release(host) >= 13 else "mysql"
    return "/etc/postfix/%s-%s.cf" % (prefix, name)


def postmap(host, key, name):
    """postmap -q KEY on a lookup file; the command's result."""
    return host.run("postmap -q %s %s:%s", key, MAP_TYPE, map_file(host, name))


def sql(host, query, database="mailserver"):
    """Run a query as root (on PostgreSQL the role root, peer); its output without column names."""
    if PG:
        return host.check_output("psql -XAtq -d %s -c %s", database, query)
    return host.check_output("mariadb --batch --skip-column-names %s -e %s", database, query)
