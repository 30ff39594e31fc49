# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Profile one module run outside Ansible: one job, find where a list-form run spends its time.

Runs a module of a collection the way AnsiballZ does (in-process, arguments from a JSON
file), under cProfile, and prints the top functions:

  python tests/bench/profile_module.py COLLECTIONS_PATH ARGS.json [--module ispmail_user] [--sort tottime]

COLLECTIONS_PATH holds ansible_collections/ispmail/mailserver (a built collection, or a
directory with a symlink to the repository to profile the working tree). ARGS.json holds the
module's arguments, e.g. {"users": [...], "login_unix_socket": ..., "login_db": ...}, against
any MariaDB with an ISPmail database: a throwaway one from tests/integration/mariadb_server.py
does, with the lists of tests/bench/dataset.py.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import runpy
import sys
import tempfile
import time


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('collections_path')
    parser.add_argument('args_file')
    parser.add_argument('--module', default='ispmail_user')
    parser.add_argument('--sort', default='cumulative')
    parser.add_argument('--top', type=int, default=30)
    args = parser.parse_args(argv)
    sys.path.insert(0, args.collections_path)
    with open(args.args_file, encoding='utf-8') as handle:
        module_args = json.load(handle)
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': module_args}, handle)
        wrapped = handle.name
    sys.argv = [args.module, wrapped]
    output = io.StringIO()
    profile = cProfile.Profile()
    started = time.monotonic()
    real_stdout = sys.stdout
    sys.stdout = output
    try:
        profile.runcall(runpy.run_module, 'ansible_collections.ispmail.mailserver.plugins.modules.' + args.module,
                        run_name='__main__')
    except SystemExit:
        pass
    finally:
        sys.stdout = real_stdout
        os.unlink(wrapped)
    elapsed = time.monotonic() - started
    result = json.loads(output.getvalue())
    print('module ran %.2f s; changed=%s counts=%s msg=%s' % (
        elapsed, result.get('changed'), result.get('counts'), result.get('msg', '')))
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == '__main__':
    sys.exit(main())
