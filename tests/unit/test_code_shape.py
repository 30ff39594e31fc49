"""The shape docs/architecture.md promises, read from the source: layers that import one way,
drivers imported in their engine file only, short functions with few parameters."""
import ast
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLUGINS = os.path.join(ROOT, 'plugins')
PREFIX = 'ansible_collections.ispmail.mailserver.plugins.'

# What each layer of module_utils may import of the collection (errors is everyone's).
LAYERS = {
    'mail': {'errors'},
    'crypt': {'errors'},
    'db': {'errors'},
    'host': {'errors', 'mail'},
    'entities': {'errors', 'mail', 'crypt', 'host'},
    'frame': {'errors', 'mail', 'crypt', 'host', 'db', 'entities'},
}
# Driver modules and the one file that may import each.
DRIVERS = {'pymysql': 'module_utils/db/mariadb.py', 'psycopg': 'module_utils/db/postgresql.py',
           'psycopg2': 'module_utils/db/postgresql.py'}
MAX_LINES = 50
MAX_PARAMETERS = 6


def python_files():
    for folder, dummy, files in os.walk(PLUGINS):
        for name in sorted(files):
            if name.endswith('.py'):
                path = os.path.join(folder, name)
                yield os.path.relpath(path, PLUGINS), path


def parsed(path):
    with open(path, encoding='utf-8') as handle:
        return ast.parse(handle.read(), path)


def imported_names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                yield '%s.%s' % (node.module, alias.name)


def layer_of(module_name):
    """'entities' for ansible_collections...module_utils.entities.users, None outside module_utils."""
    if not module_name.startswith(PREFIX + 'module_utils.'):
        return None
    return module_name[len(PREFIX + 'module_utils.'):].split('.')[0]


FILES = sorted(python_files())


@pytest.mark.parametrize('relpath,path', FILES, ids=[f[0] for f in FILES])
def test_imports_go_one_way(relpath, path):
    parts = relpath.split(os.sep)
    if parts[0] != 'module_utils' or len(parts) < 3:
        return  # modules, plugins and errors.py may import any layer
    own = parts[1]
    for name in imported_names(parsed(path)):
        layer = layer_of(name)
        if layer is None or layer == own:
            continue
        assert layer in LAYERS[own], '%s (layer %s) imports %s' % (relpath, own, name)


@pytest.mark.parametrize('relpath,path', FILES, ids=[f[0] for f in FILES])
def test_drivers_are_imported_in_their_engine_file_only(relpath, path):
    for name in imported_names(parsed(path)):
        driver = name.split('.')[0]
        if driver in DRIVERS:
            assert relpath == DRIVERS[driver], '%s imports the driver %s' % (relpath, driver)


@pytest.mark.parametrize('relpath,path', FILES, ids=[f[0] for f in FILES])
def test_functions_are_short_and_take_few_parameters(relpath, path):
    for node in ast.walk(parsed(path)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines = node.end_lineno - node.lineno + 1
            args = node.args
            count = len(args.posonlyargs) + len(args.args) + len(args.kwonlyargs)
            count -= 1 if args.args and args.args[0].arg in ('self', 'cls') else 0
            assert lines <= MAX_LINES, '%s:%d %s() is %d lines long' % (relpath, node.lineno, node.name, lines)
            assert count <= MAX_PARAMETERS, '%s:%d %s() takes %d parameters' % (relpath, node.lineno, node.name,
                                                                                count)


def test_every_layer_is_a_package_that_says_what_it_owns():
    base = os.path.join(PLUGINS, 'module_utils')
    for layer in LAYERS:
        init = os.path.join(base, layer, '__init__.py')
        assert os.path.isfile(init), init
        doc = ast.get_docstring(parsed(init))
        assert doc and 'may import' in doc.lower(), '%s has no docstring saying what it may import' % init
