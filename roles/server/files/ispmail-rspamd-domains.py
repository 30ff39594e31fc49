"""Writes the list of the server's mail domains (virtual_domains) for rspamd's From header rule.

    python3 /usr/local/lib/ispmail/rspamd-domains.py [--reload] CONFIG

CONFIG (JSON, root's alone, mode 0600): engine (mariadb or postgresql), host, port, dbname,
user, password (the read-only lookup account of Postfix and Dovecot), map (the file to write),
group (the group that may read it: rspamd's). The password goes to the database driver, never
onto a command line.

Each name is checked to be a lowercase domain name before it is written (a row an admin panel
or a hand edit got wrong is left out and named on stderr). The map is replaced atomically, and
only when its content changes; then "changed" is printed and, with --reload, rspamd reloaded.
Run by the systemd timer ispmail-rspamd-domains.timer every minute, and by the role.
"""

import grp
import json
import os
import re
import subprocess
import sys
import tempfile

LABEL = r'(?!-)[a-z0-9-]{1,63}(?<!-)'
DOMAIN = re.compile(r'^(?=.{1,253}$)%s(\.%s)+$' % (LABEL, LABEL))


def fetch_domains(config):
    """The names of virtual_domains, through the lookup account."""
    query = 'SELECT name FROM virtual_domains'
    if config['engine'] == 'postgresql':
        import psycopg  # pylint: disable=import-outside-toplevel
        with psycopg.connect(host=config['host'], port=int(config['port']), dbname=config['dbname'],
                             user=config['user'], password=config['password'], connect_timeout=10) as conn:
            return [row[0] for row in conn.execute(query)]
    import pymysql  # pylint: disable=import-outside-toplevel
    conn = pymysql.connect(host=config['host'], port=int(config['port']), database=config['dbname'],
                           user=config['user'], password=config['password'], charset='utf8mb4',
                           connect_timeout=10)
    try:
        with conn.cursor() as cursor:
            cursor.execute(query)
            return [row[0] for row in cursor.fetchall()]
    finally:
        conn.close()


def map_text(names):
    """The map's lines: the valid names, lowercase, sorted, once each."""
    valid = set()
    for name in names:
        text = (name or '').strip().lower()
        if DOMAIN.match(text):
            valid.add(text)
        else:
            sys.stderr.write('ispmail-rspamd-domains: left out the virtual_domains row %r: not a domain name\n'
                             % (name,))
    return ''.join(name + '\n' for name in sorted(valid))


def write_if_changed(path, text, group):
    """Replace PATH with TEXT (mode 0640, root and GROUP) unless it holds TEXT already."""
    try:
        with open(path, encoding='utf-8') as current:
            if current.read() == text:
                return False
    except FileNotFoundError:
        pass
    gid = grp.getgrnam(group).gr_gid
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix='.ispmail-domains-')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as new:
            new.write(text)
        os.chown(temporary, 0, gid)
        os.chmod(temporary, 0o640)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return True


def main(argv):
    reload = '--reload' in argv
    paths = [arg for arg in argv if arg != '--reload']
    if len(paths) != 1:
        sys.stderr.write(__doc__)
        return 2
    try:
        with open(paths[0], encoding='utf-8') as f:
            config = json.load(f)
    except (OSError, ValueError) as error:
        sys.stderr.write('ispmail-rspamd-domains: cannot read the settings %s: %s\n' % (paths[0], error))
        return 2
    try:
        names = fetch_domains(config)
    except Exception as error:  # pylint: disable=broad-except
        # The map keeps its last content: better an old list than none.
        sys.stderr.write('ispmail-rspamd-domains: cannot read virtual_domains: %s\n' % (error,))
        return 1
    if write_if_changed(config['map'], map_text(names), config['group']):
        print('changed')
        if reload:
            subprocess.run(['systemctl', 'try-reload-or-restart', 'rspamd.service'], check=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
