# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-doc renders every module of the built collection, with the shared connection options."""

import glob
import json
import os
import subprocess

import pytest
import yaml

from tests.integration.playbook_runner import REPO_ROOT, clean_env, tool

ISSUE_MODULES = ('ispmail_alias', 'ispmail_domain', 'ispmail_user')
MODULES = sorted(set(ISSUE_MODULES) | set(
    os.path.basename(path)[:-3] for path in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py'))
    if not os.path.basename(path).startswith('_')))
# The modules that use no database: no connection options, not in the action group.
HOST_MODULES = ('ispmail_files',)
DB_MODULES = sorted(set(MODULES) - set(HOST_MODULES))
CONNECTION_OPTIONS = ('login_host', 'login_port', 'login_user', 'login_password', 'login_unix_socket', 'login_db',
                      'config_file', 'connect_timeout', 'ca_cert', 'client_cert', 'client_key', 'check_hostname')


def ansible_doc(collections_path, tmp_path, *args):
    env = clean_env(ANSIBLE_COLLECTIONS_PATH=collections_path, HOME=str(tmp_path))
    return subprocess.run([tool('ansible-doc')] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env, check=False, cwd=str(tmp_path))


@pytest.mark.parametrize('module', MODULES)
def test_ansible_doc_renders(collections_path, tmp_path, module):
    fqcn = 'ispmail.mailserver.' + module
    proc = ansible_doc(collections_path, tmp_path, '-t', 'module', fqcn)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'ERROR' not in proc.stderr and 'WARNING' not in proc.stderr, proc.stderr
    assert fqcn in proc.stdout
    for option in ('login_host', 'login_password', 'login_db'):
        assert (option in proc.stdout) is (module in DB_MODULES)

    proc = ansible_doc(collections_path, tmp_path, '--json', '-t', 'module', fqcn)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)[fqcn]
    doc = data['doc']
    assert doc['short_description']
    if module in DB_MODULES:
        assert set(CONNECTION_OPTIONS) <= set(doc['options']), 'the doc fragment is not merged'
        assert doc['options']['login_password'].get('no_log', True)
    examples = yaml.safe_load(data['examples'])
    assert isinstance(examples, list) and examples
    used = json.dumps(examples)
    assert fqcn in used, 'the examples do not use the FQCN'
    assert data['return'], 'no RETURN documentation'


def test_issue_modules_are_listed(collections_path, tmp_path):
    proc = ansible_doc(collections_path, tmp_path, '-t', 'module', '-l', 'ispmail.mailserver')
    assert proc.returncode == 0, proc.stderr
    for module in ISSUE_MODULES:
        assert 'ispmail.mailserver.' + module in proc.stdout


def test_every_module_is_in_the_action_group(collections_path):
    runtime = os.path.join(collections_path, 'ansible_collections', 'ispmail', 'mailserver', 'meta', 'runtime.yml')
    with open(runtime, encoding='utf-8') as handle:
        group = yaml.safe_load(handle)['action_groups']['all']
    assert set(DB_MODULES) <= set(group)
    assert not set(HOST_MODULES) & set(group), 'module_defaults of the group would give them connection options'
