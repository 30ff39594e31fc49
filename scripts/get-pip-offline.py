"""Stand-in for the get-pip.py that ansible-test downloads to bootstrap pip in its venvs.

ansible-test fetches get-pip.py from a host outside the package registries, which these
machines cannot reach. It runs the cached copy as a script with pip's install arguments, so
this one installs pip from Python's own ensurepip and then passes the arguments on to it.
"""
import subprocess
import sys

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
ARGS = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
for attempt in range(5):
    if subprocess.call([sys.executable, '-m', 'pip', 'install'] + ARGS) == 0:
        sys.exit(0)
sys.exit(1)
