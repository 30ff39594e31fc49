"""Make the repo importable as ansible_collections.ispmail.mailserver for the unit tests.

The collection's own imports name it so; a symlink tree under .cache/ gives that name to
the working tree without copying it.
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, '.cache', 'unit-collections')
LINK = os.path.join(TREE, 'ansible_collections', 'ispmail', 'mailserver')

if not os.path.islink(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    try:
        os.symlink(ROOT, LINK)
    except FileExistsError:
        pass  # Another pytest worker made it first.
if TREE not in sys.path:
    sys.path.insert(0, TREE)
    # A namespace package already imported (containers.podman in the venv) keeps its old path.
    if 'ansible_collections' in sys.modules:
        sys.modules['ansible_collections'].__path__.insert(0, os.path.join(TREE, 'ansible_collections'))
