# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's table: one job, turn the figures of one run into Markdown with the targets.

"list tasks" is the wall time of the three list-form tasks as Ansible measures them, from the
start of each task to its result: templating the list, shipping it, the module's run, the
result coming back. "playbook" adds Ansible's start-up and parsing the vars file that holds
the lists. The targets apply to the list tasks. "module CPU" is the user + system time of the
three module processes (all their threads), "playbook CPU" that of every process of the run,
Ansible's included: what the work cost, however busy the machine was.
Per item compares like with like: the users task of the first creation against the single
form creating users in a loop, both hashing every password with BLF-CRYPT.

Provides (no fixtures): render(results).
"""

from tests.bench import scenarios

MIB = 1024.0
TARGETS = {'create': 60.0, 'always': 15.0, 'on_create': 5.0}   # seconds of the list tasks
RATIO_TARGET = 100.0
MEMORY_TARGET_MB = 300.0


def per_item(results):
    """(list seconds per user, loop seconds per user, ratio) for creating users."""
    create = next(run for run in results['runs'] if run['key'] == 'create')
    list_item = create['tasks']['users']['seconds'] / results['sizes']['users']
    loop_item = results['loop']['seconds'] / results['loop']['items']
    return list_item, loop_item, loop_item / list_item


def peak_mb(results):
    return max(run['peak_kb'] for run in results['runs']) / MIB


def checks(results):
    """[(what, met)] for every target."""
    found = [('%s: list tasks under %g s' % (run['label'], TARGETS[run['key']]),
              run['list_seconds'] < TARGETS[run['key']]) for run in results['runs'] if run['key'] in TARGETS]
    found.append(('single form in a loop / list form per user at least %g' % RATIO_TARGET,
                  per_item(results)[2] >= RATIO_TARGET))
    found.append(('module peak memory under %g MB' % MEMORY_TARGET_MB, peak_mb(results) < MEMORY_TARGET_MB))
    return found


def _met(met):
    return 'met' if met else '**MISSED**'


def _counts(counts):
    return '/'.join(str(counts.get(key, 0)) for key in ('created', 'updated', 'removed', 'unchanged'))


def _list_seconds(run):
    """'4.7 s', or for a repeated run its median with the range: '4.7 s (4.6-4.9)'."""
    every = run.get('list_seconds_all') or [run['list_seconds']]
    if len(every) == 1:
        return '%.1f s' % run['list_seconds']
    return '%.1f s (%.1f-%.1f)' % (run['list_seconds'], every[0], every[-1])


def render(results):
    sizes, machine = results['sizes'], results['machine']
    lines = [
        '%d domains, %d users (BLF-CRYPT, cost 5), %d alias sources. %d CPUs (%s), Python %s, %s.'
        % (sizes['domains'], sizes['users'], sizes['aliases'], machine['cpus'], machine['cpu'],
           machine['python'], machine['date']),
        '',
        '| run | list tasks | domains | users | aliases | module CPU | module peak RSS | playbook | playbook CPU '
        '| users c/u/r/= | aliases c/u/r/= | load | target |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|',
    ]
    for run in results['runs']:
        tasks = run['tasks']
        limit = TARGETS.get(run['key'])
        target = '< %g s: %s' % (limit, _met(run['list_seconds'] < limit)) if limit else ''
        row = '| %s | %s |' + ' %.1f s |' * 4 + ' %.0f MB | %.1f s | %.1f s | %s | %s | %.1f-%.1f | %s |'
        lines.append(row % (
            run['label'], _list_seconds(run), tasks['domains']['seconds'], tasks['users']['seconds'],
            tasks['aliases']['seconds'], sum(task['module_cpu'] for task in tasks.values()), run['peak_kb'] / MIB,
            run['wall'], run['cpu'], _counts(tasks['users']['counts']), _counts(tasks['aliases']['counts']),
            run['load'][0], run['load'][1], target))
    loop, alone = results['loop'], results['ansible_alone']
    list_item, loop_item, ratio = per_item(results)
    peak = peak_mb(results)
    lines += [
        '| single form in a loop: %d new users | | | %.1f s | | | | %.1f s | %.1f s | %d changed | | %.1f-%.1f | |' % (
            loop['items'], loop['seconds'], loop['wall'], loop['cpu'], loop['items'], loop['load'][0],
            loop['load'][1]),
        '',
        '| Ansible alone, no module, same vars file | wall | CPU |',
        '|---|---:|---:|',
        '| start-up and reading the vars file (one `debug` task) | %.1f s | %.1f s |' % (alone['wall'], alone['cpu']),
        '| the same, plus templating the three lists once (`set_fact`) | %.1f s | %.1f s |' % (
            alone['templating_wall'], alone['templating_cpu']),
        '',
        '| per user created | |',
        '|---|---:|',
        '| list form: users task of the first creation / %d | %.2f ms |' % (sizes['users'], list_item * 1000),
        '| single form in a loop: loop task / %d | %.0f ms |' % (loop['items'], loop_item * 1000),
        '| loop / list | **%.0f x** (target >= %g: %s) |' % (ratio, RATIO_TARGET, _met(ratio >= RATIO_TARGET)),
        '',
        'Peak RSS of a list-form module process: %.0f MB (target < %g MB: %s).' % (
            peak, MEMORY_TARGET_MB, _met(peak < MEMORY_TARGET_MB)),
        'c/u/r/= is created/updated/removed/unchanged; load is the 1-minute load average before and after '
        'the run. The no-change runs are made %d times each: their row is the median run, and the range '
        'in brackets is the fastest and slowest. Benchmark total: %.0f s.' % (
            scenarios.NO_CHANGE_REPEATS, results.get('total_seconds', 0)),
    ]
    return '\n'.join(lines)


def side_by_side(by_engine):
    """The engines' list-task times per run, and the per-user cost against the loop, in one table."""
    engines = list(by_engine)
    first = by_engine[engines[0]]
    lines = ['| run | %s |' % ' | '.join('%s list tasks' % engine for engine in engines),
             '|---|%s' % '---:|' * len(engines)]
    for index, run in enumerate(first['runs']):
        lines.append('| %s | %s |' % (run['label'], ' | '.join(
            _list_seconds(by_engine[engine]['runs'][index]) for engine in engines)))
    figures = [per_item(by_engine[engine]) for engine in engines]
    lines.append('| per user created, list form / loop | %s |' % ' | '.join(
        '%.2f ms / %.0f ms (%.0fx)' % (list_item * 1000, loop_item * 1000, ratio)
        for list_item, loop_item, ratio in figures))
    return '\n'.join(lines)
