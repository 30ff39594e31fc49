"""Print the Debian packages scripts/build-image pre-fetches into the base images, one a line.

Read from the sources, so the list cannot drift from them: everything the role installs
(roles/server/vars: the common packages, both engines', Galera's), what the Molecule
scenarios' prepare playbooks install with ansible.builtin.apt, and python3-apt, which that
module installs for itself before its first run. A variable or a file that moved makes this
fail rather than pre-fetch too little.
"""
import glob
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VARS = os.path.join(ROOT, 'roles', 'server', 'vars')


def load(path):
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def role_packages():
    common = load(os.path.join(VARS, 'main.yml'))
    names = common['__ispmail_packages'] + common['__ispmail_cluster_packages']
    for engine in ('mariadb', 'postgresql'):
        names += load(os.path.join(VARS, 'engine-%s.yml' % engine))['__ispmail_db_packages']
    return names


def prepare_packages():
    names = []
    for path in sorted(glob.glob(os.path.join(ROOT, 'molecule', '*', 'prepare.yml'))):
        for play in load(path):
            for task in play.get('tasks', []):
                apt = task.get('ansible.builtin.apt')
                if apt and 'name' in apt:
                    names += [apt['name']] if isinstance(apt['name'], str) else apt['name']
    return names


def main():
    names = sorted(set(role_packages() + prepare_packages() + ['python3-apt']))
    if any(not isinstance(name, str) or '{' in name for name in names):
        sys.exit('image-packages: a package name is templated: %r' % names)
    print('\n'.join(names))


if __name__ == '__main__':
    main()
