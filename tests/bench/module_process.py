# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each module process costs: one job, an interpreter wrapper that records its peak memory and time.

Ansible starts a module as ``INTERPRETER /path/AnsiballZ_MODULE.py`` and runs the module
inside that one process. The wrapper, used as ``ansible_python_interpreter``, is a shell
script that execs GNU time (``/usr/bin/time``, Debian package ``time``) on the real
interpreter with the same arguments and standard input. GNU time appends the child's peak
resident set size (``ru_maxrss``, KiB), its run time and its CPU time (user + system, all its
threads) to a log: on a busy machine the CPU time says what the module cost even when the wall
time is stretched by others. A shell and GNU time add about a millisecond or two to a module
run, where a Python wrapper added some 50 ms to each timed task.

Provides (no fixtures): write_wrapper(path, log_path), read_log(path).
"""

import json
import os
import sys

GNU_TIME = '/usr/bin/time'

WRAPPER = '''#!/bin/sh
module=
for arg in "$@"; do
  case "$arg" in *AnsiballZ_*.py) module=${arg##*/AnsiballZ_}; module=${module%%.py} ;; esac
done
exec %(time)s -a -o %(log)s -f "{\\"module\\": \\"$module\\", \\"maxrss_kb\\": %%M, \\"seconds\\": %%e, \\"user\\": %%U, \\"system\\": %%S}" %(python)s "$@"
'''


def write_wrapper(path, log_path, python=sys.executable):
    """Write the wrapper to ``path`` (executable) and return it; it logs to ``log_path``."""
    if not os.access(GNU_TIME, os.X_OK):
        raise RuntimeError('%s is missing: install the Debian package "time" (scripts/setup-host does)' % GNU_TIME)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(WRAPPER % {'time': GNU_TIME, 'log': _quoted(log_path), 'python': _quoted(python)})
    os.chmod(path, 0o755)
    return path


def read_log(path):
    """[{module, maxrss_kb, seconds, cpu_seconds}] from the wrapper's log, in the order the modules ran."""
    if not os.path.exists(path):
        return []
    records = []
    with open(path, encoding='utf-8') as handle:
        for line in handle:
            # GNU time also writes "Command exited with non-zero status N" for a failed module.
            if not line.startswith('{'):
                continue
            record = json.loads(line)
            record['cpu_seconds'] = record.pop('user') + record.pop('system')
            records.append(record)
    return records


def _quoted(path):
    return "'%s'" % path.replace("'", "'\\''")
