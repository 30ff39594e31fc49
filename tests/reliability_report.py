# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the figures the reliability tests wrote into the figures section of docs/reliability.md.

The tests (tests/integration/test_{concurrency,crash,hostile_input,alias_loops,secrets,tls}.py and
tests/unit/test_{hostile_validation,alias_loop_oracle}.py) each write
tests/output/reliability/NAME.json. This script sums them up, writes tests/output/reliability.md,
and replaces what lies between the figures markers of docs/reliability.md.

    .venv/bin/python -m pytest -n 2 tests/unit tests/integration   # or only the reliability tests
    .venv/bin/python tests/reliability_report.py                   # --check: fail if the doc is stale
"""

import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, 'tests', 'output', 'reliability')
DOC = os.path.join(ROOT, 'docs', 'reliability.md')
START, END = '<!-- figures:start (tests/reliability_report.py) -->', '<!-- figures:end -->'


def load():
    found = {}
    for path in sorted(glob.glob(os.path.join(SOURCE, '*.json'))):
        with open(path, encoding='utf-8') as handle:
            data = json.load(handle)
        found[data['test']] = data
    return found


def figures(found):
    """The section's lines; raises KeyError when a test has not written its figures."""
    fig = dict((name, data['figures']) for name, data in found.items())
    lines = []
    conc = fig['concurrency_bookworm']
    lines.append('- Concurrency: %d ansible-playbook runs at once (%d module tasks in %s s) on the Bookworm '
                 'schema; %d of them failed because another run had removed a domain under them, with a clear '
                 'message, and succeeded when run again; %d duplicate rows; %d rows at the end, equal to what '
                 'the runs asked for.' % (
                     conc['runs_at_once'], conc['module_tasks'], conc['seconds'], conc['failed_runs'],
                     conc['duplicate_rows'], conc['rows_at_end']))
    if conc['failure_messages']:
        lines.append('  - message: "%s"' % conc['failure_messages'][0].split(': ', 1)[1])
    crashes = [data for name, data in sorted(fig.items()) if name.startswith('crash_')]
    size = crashes[0]['list_size']
    lines.append('- Crashes: %d survived (%d SIGKILLs of mariadbd, %d of the module process) during or right '
                 'after a list run of %d new users, %d quota changes and %d removals; %d rows written by '
                 'killed transactions, none left behind; outcomes: %s.' % (
                     len(crashes), sum(1 for c in crashes if c['killed'] == 'mariadbd'),
                     sum(1 for c in crashes if c['killed'] != 'mariadbd'), size['new'], size['updated'],
                     size['removed'],
                     sum(c['rows_written_when_killed'] for c in crashes if c['outcome'] == 'rolled back'),
                     ', '.join('%s %d' % (o, sum(1 for c in crashes if c['outcome'] == o))
                               for o in ('rolled back', 'committed'))))
    for crash in crashes:
        if crash.get('message'):
            lines.append('  - message after a kill (%s): "%s"' % (crash['killed'], crash['message']))
            if crash['killed'] != 'mariadbd':
                break
    hostile = fig['hostile_input']
    units = dict((name[len('unit_'):], data) for name, data in fig.items()
                 if name.startswith('unit_') and 'inputs_tried' in data)
    lines.append('- Hostile input, pure checks: %d generated inputs (%s).' % (
        sum(u['inputs_tried'] for u in units.values()),
        ', '.join('%s %d' % (kind, sum(u['inputs_tried'] for u in units.values() if u['kind'] == kind))
                  for kind in sorted(set(u['kind'] for u in units.values())))))
    lines.append('- Hostile input, through playbooks: %d batches (%d values): %d stored and found by postmap -q '
                 '(%d passwords verified by doveadm pw -t), %d refused one by one and %d mixed lists refused '
                 'whole, with nothing left behind; no value in any SQL template.' % (
                     hostile['batches'], hostile['values_tried'], hostile['accepted'], hostile['doveadm_checks'],
                     hostile['refused'], hostile['mixed_lists_refused']))
    oracle = fig['unit_alias_loop_oracle']
    loops = fig['alias_loops']
    lines.append('- Alias loops: %d random alias tables compared with a model of Postfix\'s alias expansion '
                 '(%d with a loop: %d nesting, %d catch-all into a missing mailbox), no disagreement; through '
                 'a playbook %d loops refused with their cycle named, %d non-loops (keep a copy, catch-alls '
                 'into mailboxes) accepted.' % (
                     oracle['tables'], oracle['with_loop'], oracle['nesting'], oracle['dead_catch_all'],
                     loops['loops_refused'], loops['accepted_tasks']))
    secrets = fig['secrets']
    lines.append('- Secrets: %d tasks at -vvvv with --diff, %d bytes of output searched for %d secrets '
                 '(passwords, hashes, DB passwords): %d found. Admin grant: %s; the lookup account was refused '
                 '%s.' % (secrets['tasks'], secrets['output_bytes'], secrets['secrets_searched'],
                          secrets['secrets_found'], secrets['admin_grants'][len('GRANT '):],
                          ', '.join(fig['lookup_account']['writes_refused'])))
    tls = fig['tls']
    lines.append('- TLS: %d verified runs against a second mariadbd with a test CA; refused:' % tls['verified_runs'])
    for name, msg in sorted(tls['refused'].items()):
        # Without the throwaway paths and the connection preamble.
        reason = re.sub(r'/\S*/', '', msg.split('): ', 1)[-1] if '): ' in msg else msg.split(': ', 1)[-1])
        lines.append('  - %s: "%s"' % (name, reason))
    finished = sorted(data['finished'] for data in found.values() if data.get('finished'))
    if finished:
        lines.append('')
        lines.append('Measured by the tests between %s and %s.' % (finished[0], finished[-1]))
    return lines


def main(argv):
    found = load()
    try:
        lines = figures(found)
    except (KeyError, IndexError) as exc:
        sys.stderr.write('missing figures (%s): run the reliability tests first; found %s\n'
                         % (exc, ', '.join(sorted(found)) or 'nothing'))
        return 2
    section = '\n'.join(lines) + '\n'
    with open(os.path.join(ROOT, 'tests', 'output', 'reliability.md'), 'w', encoding='utf-8') as handle:
        handle.write('# Reliability figures\n\n' + section)
    with open(DOC, encoding='utf-8') as handle:
        doc = handle.read()
    head, rest = doc.split(START, 1)
    dummy, tail = rest.split(END, 1)
    new = '%s%s\n%s%s%s' % (head, START, section, END, tail)
    if '--check' in argv:
        if new != doc:
            sys.stderr.write('docs/reliability.md is not up to date: run tests/reliability_report.py\n')
            return 1
        return 0
    with open(DOC, 'w', encoding='utf-8') as handle:
        handle.write(new)
    print(section, end='')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
