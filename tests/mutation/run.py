"""Measure how many faults the unit tier catches: break one condition at a time in
plugins/module_utils and run tests/unit with -x against each broken copy.

    python tests/mutation/run.py [--sample N] [--seed S] [--tests-rev REV] [--only PATH ...] [--tests FILE ...]
                                 [--all-tests] [--label NAME] [--list]
    python tests/mutation/run.py --report LABEL [LABEL ...]

Mutations (one per mutant, made in the source text so that line numbers and comments stay):
  compare   == <-> !=, < <-> <=, > <-> >=, in <-> not in, is <-> is not
  boolop    and <-> or (every operator of one expression)
  not       a `not` taken away
  negate    `not (...)` put around the condition of an if, while, elif, ternary or comprehension
  constant  an integer n -> n + 1, True <-> False
  return    `return value` -> `return None`

The mutants of every file are listed in a fixed order; --sample draws N of them with --seed, so
two runs with the same seed and the same plugins/ break the same things. Everything runs on a
copy in a temporary directory (the working tree is never touched); --tests-rev takes tests/unit
from a git revision instead (the tier before a change). A mutant is killed when pytest fails or
runs past its CPU time limit (three times the unmutated run's, plus 30 s). Each verdict goes to
tests/output/mutation/<label>.jsonl as it comes (a run cut short still counts), the summary with
every mutant to tests/output/mutation/<label>.json.
"""
import argparse
import ast
import json
import os
import random
import resource
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.path.join('plugins', 'module_utils')
IMPORT = 'import'  # what tests/mutation/trace_plugin.py names lines run outside any test
# Test files that take seconds (Hypothesis): run last, so that -x stops a killed mutant early.
# The order changes the time only, not the verdict.
SLOW = ('test_planner_properties.py', 'test_hostile_validation.py', 'test_alias_loop_oracle.py')
SWAPS = {ast.Eq: '!=', ast.NotEq: '==', ast.Lt: '<=', ast.LtE: '<', ast.Gt: '>=', ast.GtE: '>',
         ast.In: 'not in', ast.NotIn: 'in', ast.Is: 'is not', ast.IsNot: 'is'}
OPERATOR = {ast.Eq: r'==', ast.NotEq: r'!=', ast.Lt: r'<(?!=)', ast.LtE: r'<=', ast.Gt: r'>(?!=)',
            ast.GtE: r'>=', ast.In: r'(?<!not )\bin\b', ast.NotIn: r'\bnot\s+in\b',
            ast.Is: r'\bis\b(?!\s+not)', ast.IsNot: r'\bis\s+not\b'}


class Source(object):
    """A file's text with (line, column) of the AST turned into offsets of its UTF-8 bytes."""

    def __init__(self, text):
        self.data = text.encode('utf-8')
        self.starts = [0]
        for line in self.data.split(b'\n'):
            self.starts.append(self.starts[-1] + len(line) + 1)

    def start(self, node):
        return self.starts[node.lineno - 1] + node.col_offset

    def end(self, node):
        return self.starts[node.end_lineno - 1] + node.end_col_offset


def docstrings(tree):
    """The string constants that are docstrings (never mutated)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def mutants_of(path, text):
    """[(kind, line, start, end, replacement, (first, last), in_function)] of one file, in source
    order: (first, last) are the lines of the statement (of a compound one, its header) the
    mutant is in; in_function, whether that statement runs only when its function is called."""
    src, tree = Source(text), ast.parse(text)
    found = []
    skip = docstrings(tree)
    for statement, in_function in statements(tree):
        for node in _own_nodes(statement):
            for mutant in _node_mutants(src, node, skip):
                found.append(mutant + (_header(statement), in_function))
    return sorted(found, key=lambda m: (m[2], m[3], m[0], m[4]))


def statements(tree):
    """(statement, inside a function body) of every statement of the tree."""
    todo = [(tree, False)]
    while todo:
        node, in_function = todo.pop()
        for field in ('body', 'orelse', 'finalbody', 'handlers'):
            for child in getattr(node, field, None) or []:
                inside = in_function or (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and field == 'body')
                if isinstance(child, ast.stmt):
                    yield child, inside
                todo.append((child, inside))


def _own_nodes(statement):
    """The expression nodes of a statement, without those of the statements nested in it."""
    todo = [statement]
    while todo:
        node = todo.pop()
        yield node
        for field, value in ast.iter_fields(node):
            if isinstance(node, ast.stmt) and field in ('body', 'orelse', 'finalbody', 'handlers'):
                continue  # nested statements: theirs
            values = value if isinstance(value, list) else [value]
            todo.extend(v for v in values if isinstance(v, ast.AST))


def _header(statement):
    body = getattr(statement, 'body', None)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        return statement.lineno, max(statement.lineno, body[0].lineno - 1)
    return statement.lineno, statement.end_lineno


def _between(src, left, right, pattern, replacement, kind):
    """The mutant that replaces `pattern` in the text between two operands."""
    start, end = src.end(left), src.start(right)
    match = re.search(pattern.encode(), src.data[start:end])
    if match is None:
        return None
    return (kind, left.end_lineno, start + match.start(), start + match.end(), replacement)


def _node_mutants(src, node, skip):
    if isinstance(node, ast.Compare):
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            mutant = _between(src, left, right, OPERATOR[type(op)], SWAPS[type(op)], 'compare')
            if mutant:
                yield mutant
            left = right
    elif isinstance(node, ast.BoolOp):
        keyword, other = ('and', 'or') if isinstance(node.op, ast.And) else ('or', 'and')
        gaps = [_between(src, left, right, r'\b%s\b' % keyword, other, 'boolop')
                for left, right in zip(node.values, node.values[1:])]
        if all(gaps):
            yield ('boolop', node.lineno, gaps[0][2], gaps[-1][3], _swap_all(src, gaps, other))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        start = src.start(node)
        match = re.match(rb'not\s*', src.data[start:src.start(node.operand)])
        if match:
            yield ('not', node.lineno, start, start + match.end(), '')
    if isinstance(node, (ast.If, ast.While, ast.IfExp)) and not _is_not(node.test):
        yield _negate(src, node.test)
    elif isinstance(node, ast.comprehension):
        for test in node.ifs:
            if not _is_not(test):
                yield _negate(src, test)
    elif isinstance(node, ast.Constant) and id(node) not in skip:
        if isinstance(node.value, bool):
            yield ('constant', node.lineno, src.start(node), src.end(node), str(not node.value))
        elif isinstance(node.value, int):
            yield ('constant', node.lineno, src.start(node), src.end(node), str(node.value + 1))
    elif isinstance(node, ast.Return) and node.value is not None:
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            yield ('return', node.lineno, src.start(node.value), src.end(node.value), 'None')


def _swap_all(src, gaps, other):
    """The text from the first operator to the last with every operator of the chain swapped."""
    parts, position = [], gaps[0][2]
    for gap in gaps:
        parts.append(src.data[position:gap[2]].decode('utf-8'))
        parts.append(other)
        position = gap[3]
    return ''.join(parts)


def _is_not(test):
    return isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)


def _negate(src, test):
    text = src.data[src.start(test):src.end(test)].decode('utf-8')
    return ('negate', test.lineno, src.start(test), src.end(test), 'not (%s)' % text)


def all_mutants(tree, only=()):
    """[{file, kind, line, start, end, replacement}] of every .py file under plugins/module_utils."""
    result = []
    base = os.path.join(tree, TARGET)
    for folder, dirs, files in os.walk(base):
        dirs.sort()
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(folder, name), tree)
            if not name.endswith('.py') or (only and not any(rel.startswith(o) for o in only)):
                continue
            with open(os.path.join(tree, rel), encoding='utf-8') as handle:
                text = handle.read()
            for kind, line, start, end, replacement, lines, in_function in mutants_of(rel, text):
                result.append(dict(file=rel, kind=kind, line=line, start=start, end=end, replacement=replacement,
                                   lines=lines, in_function=in_function))
    return result


def make_copy(tests_rev):
    """A temporary copy of plugins/, tests/ and pytest.ini; tests/unit from `tests_rev` when given."""
    work = tempfile.mkdtemp(prefix='ispmail-mutation-')
    for name in ('plugins', 'tests'):
        shutil.copytree(os.path.join(ROOT, name), os.path.join(work, name),
                        ignore=shutil.ignore_patterns('__pycache__', 'output', '.hypothesis'))
    for name in ('pytest.ini', 'galaxy.yml'):
        shutil.copy(os.path.join(ROOT, name), work)
    if tests_rev:
        shutil.rmtree(os.path.join(work, 'tests', 'unit'))
        archive = subprocess.run(['git', '-C', ROOT, 'archive', tests_rev, 'tests/unit'],
                                 check=True, stdout=subprocess.PIPE).stdout
        subprocess.run(['tar', '-x', '-C', work], input=archive, check=True)
    return work


def test_files(work, tests=()):
    """tests/unit/test_*.py of the copy (or those named), the slow ones last."""
    unit = os.path.join(work, 'tests', 'unit')
    files = sorted(name for name in os.listdir(unit) if name.startswith('test_') and name.endswith('.py')
                   and (not tests or name in tests))
    files.sort(key=lambda name: (name in SLOW, SLOW.index(name) if name in SLOW else 0))
    return [os.path.join('tests', 'unit', name) for name in files]


def pytest_command(selection, trace=False):
    extra = ['-p', 'tests.mutation.trace_plugin'] if trace else []
    return [sys.executable, '-m', 'pytest', '-x', '-q', '--tb=no', '-p', 'no:cacheprovider',
            '-p', 'no:randomly'] + extra + list(selection)


def select_tests(mutant, trace, files):
    """The tests that run the mutant's statement, in the order of `files`; None: all of them (a
    statement run at import, whose effect every later test may see)."""
    if not mutant['in_function']:
        return None
    first, last = mutant['lines']
    tests = set()
    for line in range(first, last + 1):
        tests.update(trace.get('%s:%d' % (mutant['file'][len(TARGET) + 1:], line), ()))
    if IMPORT in tests:
        return None
    rank = dict((name, index) for index, name in enumerate(files))
    return sorted(tests, key=lambda test: (rank.get(test.split('::')[0], len(rank)), test))


def cpu_seconds():
    """CPU time (user and system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_tests(work, cpu_limit, selection, trace=None):
    """(passed, CPU seconds, timed out) of the unit tier in the copy. Limited and measured in CPU
    time, not wall time: on a shared machine the wall time says more about the neighbours."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1', PYTHONPATH=work)
    if trace:
        env['MUTATION_TRACE'] = trace
    began = cpu_seconds()

    def limit():
        if cpu_limit:
            resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_limit), int(cpu_limit) + 5))
    done = subprocess.run(pytest_command(selection, trace), cwd=work, env=env, preexec_fn=limit, check=False,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timed_out = done.returncode in (-signal.SIGXCPU, -signal.SIGKILL)
    return done.returncode == 0, cpu_seconds() - began, timed_out


def mutate(work, mutant):
    """Write the mutant into the copy; returns the original bytes (None when it does not compile)."""
    path = os.path.join(work, mutant['file'])
    with open(path, 'rb') as handle:
        original = handle.read()
    changed = original[:mutant['start']] + mutant['replacement'].encode('utf-8') + original[mutant['end']:]
    try:
        compile(changed, path, 'exec')
    except SyntaxError:
        return None
    with open(path, 'wb') as handle:
        handle.write(changed)
    return original


def measure(work, mutants, cpu_limit, log, files, trace):
    """Each mutant's verdict, also handed to `log` as it comes. Only the tests that run the
    mutated statement run (as mutmut does); a mutant no test runs survives without a run."""
    results = []
    for number, mutant in enumerate(mutants, 1):
        selection = files if trace is None else select_tests(mutant, trace, files)
        selection = files if selection is None else selection
        if not selection:
            results.append(dict(mutant, number=number, verdict='survived', cpu_seconds=0.0, tests=0))
            log(results[-1], len(mutants))
            continue
        original = mutate(work, mutant)
        if original is None:
            continue
        try:
            passed, seconds, timed_out = run_tests(work, cpu_limit, selection)
        finally:
            with open(os.path.join(work, mutant['file']), 'wb') as handle:
                handle.write(original)
        verdict = 'survived' if passed else ('timeout' if timed_out else 'killed')
        results.append(dict(mutant, number=number, verdict=verdict, cpu_seconds=round(seconds, 1),
                            tests=len(selection) if selection is not files else 'all'))
        log(results[-1], len(mutants))
    return results


def show(result, count, lines):
    print('%3d/%d %-8s %5.1fs CPU %4s tests  %s:%d %s -> %s'
          % (result['number'], count, result['verdict'], result['cpu_seconds'], result['tests'], result['file'],
             result['line'], result['kind'], result['replacement'][:60]), flush=True)
    lines.write(json.dumps(result) + '\n')
    lines.flush()


def report(labels):
    """The share of killed mutants of each run, on the mutants every run has a verdict for, in all
    and by layer of module_utils; then the mutants the last run left alive."""
    runs = []
    for label in labels:
        with open(os.path.join(ROOT, 'tests', 'output', 'mutation', '%s.jsonl' % label)) as handle:
            runs.append(dict((r['number'], r) for r in map(json.loads, handle)))
    common = sorted(set.intersection(*[set(run) for run in runs]))
    layers = sorted(set(runs[0][n]['file'].split(os.sep)[2] for n in common))
    print('%-10s %s' % ('layer', ''.join('%16s' % label for label in labels)))
    for layer in layers + [None]:
        numbers = [n for n in common if layer is None or runs[0][n]['file'].split(os.sep)[2] == layer]
        cells = []
        for run in runs:
            killed = sum(1 for n in numbers if run[n]['verdict'] != 'survived')
            cells.append('%4d/%-4d %4.0f%%' % (killed, len(numbers), 100.0 * killed / len(numbers)))
        print('%-10s %s' % (layer or 'all', ''.join('%16s' % cell for cell in cells)))
    for label, run in zip(labels, runs):
        print('%s: %.0f s CPU for %d mutants' % (label, sum(run[n]['cpu_seconds'] for n in common), len(common)))
    print('left alive by %s:' % labels[-1])
    for n in common:
        r = runs[-1][n]
        if r['verdict'] == 'survived':
            untested = '' if r['tests'] else '  (no test runs it)'
            print('  %s:%d %s -> %s%s' % (r['file'], r['line'], r['kind'], r['replacement'][:70], untested))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--sample', type=int, default=0, help='draw this many mutants (0: all)')
    parser.add_argument('--seed', type=int, default=25)
    parser.add_argument('--tests-rev', help='take tests/unit from this git revision')
    parser.add_argument('--only', nargs='*', default=[], help='files or folders under plugins/module_utils')
    parser.add_argument('--tests', nargs='*', default=[], help='run only these files of tests/unit (a quick look '
                        'while writing tests; the measurement runs them all)')
    parser.add_argument('--all-tests', action='store_true', help='run the whole tier for every mutant, not only '
                        'the tests that run the mutated statement')
    parser.add_argument('--label', default='mutation')
    parser.add_argument('--list', action='store_true', help='list the drawn mutants and stop')
    parser.add_argument('--report', nargs='+', metavar='LABEL', help='compare the verdicts of earlier runs and stop')
    args = parser.parse_args()
    if args.report:
        report(args.report)
        return 0
    mutants = all_mutants(ROOT, args.only)
    total = len(mutants)
    if args.sample and args.sample < total:
        mutants = random.Random(args.seed).sample(mutants, args.sample)
    if args.list:
        for mutant in mutants:
            print('%s:%d %s -> %s' % (mutant['file'], mutant['line'], mutant['kind'], mutant['replacement'][:70]))
        print('%d of %d mutants' % (len(mutants), total))
        return 0
    out = os.path.join(ROOT, 'tests', 'output', 'mutation')
    os.makedirs(out, exist_ok=True)
    work = make_copy(args.tests_rev)
    # A kill (TERM) still removes the copy: the finally below runs.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
    try:
        files = test_files(work, args.tests)
        trace_path = os.path.join(work, 'trace.json')
        passed, baseline, dummy = run_tests(work, None, files, trace_path)
        with open(trace_path) as handle:
            trace = None if args.all_tests else json.load(handle)
        if not passed:
            print('the unit tier fails without any mutation: fix that first', file=sys.stderr)
            return 1
        print('unit tier unmutated, traced: %.1fs CPU; %d of %d mutants' % (baseline, len(mutants), total), flush=True)
        began, wall = cpu_seconds(), time.time()
        with open(os.path.join(out, '%s.jsonl' % args.label), 'w') as lines:
            results = measure(work, mutants, 3 * baseline + 30, lambda result, count: show(result, count, lines),
                              files, trace)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    killed = sum(1 for r in results if r['verdict'] != 'survived')
    summary = dict(label=args.label, seed=args.seed, sample=len(mutants), population=total, run=len(results),
                   killed=killed, share=round(killed / float(len(results)), 3) if results else None,
                   baseline_cpu_seconds=round(baseline, 1), cpu_seconds=round(cpu_seconds() - began),
                   wall_seconds=round(time.time() - wall),
                   tests_rev=args.tests_rev, only=args.only, tests=args.tests, all_tests=args.all_tests)
    with open(os.path.join(out, '%s.json' % args.label), 'w') as handle:
        json.dump(dict(summary, results=results), handle, indent=1)
    print(json.dumps(summary))
    return 0


if __name__ == '__main__':
    sys.exit(main())
