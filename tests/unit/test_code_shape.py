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


# --- One module shape (docs/architecture.md, "One module run") ---

MODULES = sorted(f for f in FILES if f[0].startswith('modules' + os.sep))
RUNNERS = {'run_entity', 'run_task', 'run_host'}
# What a module may import of the collection: the frame's two runners, its Entity or Task,
# the connection options, and the constants its choices come from.
MODULE_IMPORTS = ('frame.run', 'entities.', 'db.options', 'crypt.schemes')


def _main(tree):
    found = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert [node.name for node in found] == ['main'], 'a module defines main() and no other function'
    return found[0]


def _called(node):
    return node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else None


@pytest.mark.parametrize('relpath,path', MODULES, ids=[f[0] for f in MODULES])
def test_every_module_is_an_argument_spec_and_one_call(relpath, path):
    main = _main(parsed(path))
    *spec, module, call = main.body
    for node in spec:
        target = node.targets[0].id if isinstance(node, ast.Assign) else node.value.func.value.id
        assert target == 'argument_spec', '%s: main() does more than build the argument spec' % relpath
    assert _called(module.value) == 'AnsibleModule' and module.targets[0].id == 'module', relpath
    assert isinstance(call, ast.Expr) and _called(call.value) in RUNNERS, \
        '%s: main() must end with run_entity(module, X()) or run_task(module, X())' % relpath
    runner_args = call.value.args
    assert len(runner_args) == 2 and runner_args[0].id == 'module' and _called(runner_args[1]), relpath


@pytest.mark.parametrize('relpath,path', MODULES, ids=[f[0] for f in MODULES])
def test_modules_import_only_the_runners_entities_and_options(relpath, path):
    for name in imported_names(parsed(path)):
        if name.startswith(PREFIX + 'module_utils.'):
            rest = name[len(PREFIX + 'module_utils.'):]
            assert rest.startswith(MODULE_IMPORTS), '%s imports %s' % (relpath, name)


FRAME = sorted(f for f in FILES if f[0].startswith(os.path.join('module_utils', 'frame') + os.sep))
# Of the entities, the frame knows the contracts' helpers, never one module's code.
FRAME_ENTITIES = {'base', 'items', 'report'}


@pytest.mark.parametrize('relpath,path', FRAME, ids=[f[0] for f in FRAME])
def test_the_frame_holds_no_module_specific_code(relpath, path):
    for name in imported_names(parsed(path)):
        if layer_of(name) == 'entities':
            entity_file = name[len(PREFIX + 'module_utils.entities.'):].split('.')[0]
            assert entity_file in FRAME_ENTITIES, '%s imports %s' % (relpath, name)


def _entity_classes():
    for relpath, path in FILES:
        for node in parsed(path).body:
            if isinstance(node, ast.ClassDef) and any(getattr(base, 'id', None) in ('Entity', 'Task')
                                                      for base in node.bases):
                yield relpath, node


ENTITY_CLASSES = sorted(_entity_classes(), key=lambda found: (found[0], found[1].name))


@pytest.mark.parametrize('relpath,cls', ENTITY_CLASSES, ids=['%s:%s' % (r, c.name) for r, c in ENTITY_CLASSES])
def test_entity_methods_are_no_pass_through(relpath, cls):
    """A method that only hands its own arguments on is a second face: bind the function instead
    (`apply = staticmethod(apply)`)."""
    for method in (node for node in cls.body if isinstance(node, ast.FunctionDef)):
        params = set(arg.arg for arg in method.args.args[1:])
        body = [node for node in method.body if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
        if len(body) != 1 or not isinstance(body[0], (ast.Return, ast.Expr)) or not isinstance(body[0].value, ast.Call):
            continue
        args = body[0].value.args
        passed = set(arg.id for arg in args if isinstance(arg, ast.Name))
        assert not (params and len(args) == len(params) == len(passed) and passed == params), \
            '%s: %s.%s() only passes its arguments on' % (relpath, cls.name, method.name)


def test_every_table_entity_runs_by_the_same_face():
    """run_entity and directory_sync call the same functions: the class binds them."""
    from ansible_collections.ispmail.mailserver.plugins.module_utils.entities import aliases, domains, users
    for module, entity in ((domains, domains.Domains()), (users, users.Users()), (aliases, aliases.Aliases())):
        assert entity.normalize is module.normalize_items
        assert entity.apply is module.apply
        assert entity.applied is module.applied


# --- Rules docs/architecture.md states per layer ---

def _calls_outside(path, names, allowed_functions):
    """(function, call) of calls to the attributes `names` outside the functions `allowed_functions`."""
    found = []
    for function in ast.walk(parsed(path)):
        if isinstance(function, ast.FunctionDef) and function.name not in allowed_functions:
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and getattr(node.func, 'attr', None) in names:
                    found.append((function.name, node.func.attr))
    return found


ENTITIES = sorted(f for f in FILES if f[0].startswith(os.path.join('module_utils', 'entities') + os.sep))


@pytest.mark.parametrize('relpath,path', ENTITIES, ids=[f[0] for f in ENTITIES])
def test_apply_is_the_only_writer(relpath, path):
    writers = {'write_many', 'create', 'set_password', 'set_privileges', 'drop'}
    assert not _calls_outside(path, writers, {'apply'}), relpath


@pytest.mark.parametrize('relpath,path', FILES, ids=[f[0] for f in FILES])
def test_only_the_frame_ends_a_run_or_touches_no_log_values(relpath, path):
    source = open(path, encoding='utf-8').read()
    if relpath != os.path.join('module_utils', 'frame', 'run.py'):
        assert 'exit_json' not in source and 'fail_json' not in source, relpath
    if relpath != os.path.join('module_utils', 'frame', 'secrets.py'):
        assert 'no_log_values' not in source, relpath


MAIL = sorted(f for f in FILES if f[0].startswith(os.path.join('module_utils', 'mail') + os.sep))


@pytest.mark.parametrize('relpath,path', MAIL, ids=[f[0] for f in MAIL])
def test_mail_is_pure(relpath, path):
    tree = parsed(path)
    io_modules = {'os', 'subprocess', 'shutil', 'socket', 'io', 'tempfile'}
    assert not io_modules & set(name.split('.')[0] for name in imported_names(tree)), relpath
    assert not [node for node in ast.walk(tree) if _called(node) == 'open'], relpath


def test_architecture_names_every_file_of_plugins():
    with open(os.path.join(ROOT, 'docs', 'architecture.md'), encoding='utf-8') as handle:
        doc = handle.read()
    missing = [relpath for relpath, dummy in FILES
               if os.path.basename(relpath) != '__init__.py' and '`%s`' % relpath.replace(os.sep, '/') not in doc]
    assert not missing, 'docs/architecture.md does not name %s' % ', '.join(missing)
