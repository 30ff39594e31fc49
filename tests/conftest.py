"""Make the working tree importable as ansible_collections.ispmail.mailserver, for every test.

Provides no fixtures. The collection's own imports name it so; pytest.ini puts
.cache/unit-collections on the path, and this file makes the symlink there that gives the
working tree that name without copying it.
"""
import importlib
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TREE = os.path.join(ROOT, '.cache', 'unit-collections')
LINK = os.path.join(TREE, 'ansible_collections', 'ispmail', 'mailserver')

if not os.path.islink(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    try:
        os.symlink(ROOT, LINK)
    except FileExistsError:
        pass  # Another pytest worker made it first.
    # The path entry was looked at before the directory existed: forget that it was missing.
    importlib.invalidate_caches()
