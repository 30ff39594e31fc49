# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a directory file on the controller, fast: JSON directly, YAML with PyYAML's C loader
where there is one. Ansible's own YAML loader costs seconds for 20,000 entries (docs/benchmark.md)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import yaml

from ansible.errors import AnsibleError

try:
    SAFE_LOADER = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    SAFE_LOADER = yaml.SafeLoader


def parse(text, path):
    """The data of a directory file; an AnsibleError naming the file and position when it is not valid."""
    if path.endswith('.json') or text.lstrip().startswith('{'):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise AnsibleError('%s is not valid JSON: %s' % (path, exc))
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        where = ' (line %d, column %d)' % (mark.line + 1, mark.column + 1) if mark else ''
        raise AnsibleError('%s is not valid YAML%s: %s' % (path, where, getattr(exc, 'problem', None) or exc))


def read(loader, path):
    """Read (and decrypt, when it is vault-encrypted) the file at `path` with Ansible's DataLoader."""
    real = loader.get_real_file(path, decrypt=True)
    try:
        with open(real, 'rb') as handle:
            text = handle.read().decode('utf-8')
    except (OSError, UnicodeDecodeError) as exc:
        raise AnsibleError('cannot read %s: %s' % (path, exc))
    finally:
        loader.cleanup_tmp_file(real)
    return parse(text, path)
