# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each module process costs: one job, an interpreter wrapper that records its peak memory and time.

Ansible starts a module as ``INTERPRETER /path/AnsiballZ_MODULE.py`` and runs the module
inside that one process. The wrapper, used as ``ansible_python_interpreter``, starts the real
interpreter as its child with the same arguments and standard input, waits for it, and
appends the child's peak resident set size (the kernel's ``ru_maxrss`` of the waited-for
child, in KiB) to a log, with the child's run time and CPU time (user + system, all its
threads): on a busy machine the CPU time says what the module cost even when the wall time
is stretched by others. The wrapper's own memory and time are not counted.
"""

import os
import sys

WRAPPER = '''#!%(python)s
import json, os, resource, subprocess, sys, time
started = time.monotonic()
proc = subprocess.run([%(python)r] + sys.argv[1:])
seconds = time.monotonic() - started
module = ''
for arg in sys.argv[1:]:
    name = os.path.basename(arg)
    if name.startswith('AnsiballZ_') and name.endswith('.py'):
        module = name[len('AnsiballZ_'):-3]
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(%(log)r, 'a') as handle:
    handle.write(json.dumps({'module': module, 'maxrss_kb': usage.ru_maxrss, 'seconds': seconds,
                             'cpu_seconds': usage.ru_utime + usage.ru_stime}) + '\\n')
sys.exit(proc.returncode)
'''


def write_wrapper(path, log_path, python=sys.executable):
    """Write the wrapper to ``path`` (executable) and return it; it logs to ``log_path``."""
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(WRAPPER % {'python': python, 'log': log_path})
    os.chmod(path, 0o755)
    return path
