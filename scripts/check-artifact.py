"""Checks the tarball of ``ansible-galaxy collection build`` for what users of Galaxy,
Automation Hub and execution environments rely on (scripts/test-package runs it):

- the license text is in it, and it is the license that MANIFEST.json (galaxy.yml) names;
- no URL field holds a placeholder (leave a field out when it has no real value);
- the execution-environment files are in it.

Usage: python3 scripts/check-artifact.py TARBALL. Prints one line per problem; exit 1 if any.
"""

import json
import re
import sys
import tarfile

# SPDX identifier -> lines the license text must contain.
LICENSE_TEXTS = {
    'GPL-3.0-or-later': ['GNU GENERAL PUBLIC LICENSE', 'Version 3, 29 June 2007'],
    'GPL-3.0-only': ['GNU GENERAL PUBLIC LICENSE', 'Version 3, 29 June 2007'],
    'MIT': ['Permission is hereby granted, free of charge'],
    'Apache-2.0': ['Apache License', 'Version 2.0, January 2004'],
}
LICENSE_FILES = ('COPYING', 'LICENSE', 'LICENSE.md', 'LICENSE.txt')
URL_FIELDS = ('repository', 'documentation', 'homepage', 'issues')
PLACEHOLDER = re.compile(r'example\.(com|org|net|invalid)|\.invalid\b|localhost|TODO|changeme', re.I)
EE_FILES = ('meta/execution-environment.yml', 'requirements.txt', 'bindep.txt')


def read(tar, name):
    """The text of a member, or None if the tarball has no such file."""
    try:
        return tar.extractfile(name).read().decode('utf-8')
    except KeyError:
        return None


def license_problems(tar, info):
    licenses = info.get('license') or []
    if info.get('license_file'):
        return [] if read(tar, info['license_file']) else ['license_file %s is not in the tarball' % info['license_file']]
    if len(licenses) != 1 or licenses[0] not in LICENSE_TEXTS:
        return ['galaxy.yml license %r: expected one of %s' % (licenses, ', '.join(LICENSE_TEXTS))]
    texts = [(name, read(tar, name)) for name in LICENSE_FILES]
    texts = [(name, text) for name, text in texts if text]
    if not texts:
        return ['no license text (%s) in the tarball' % ' or '.join(LICENSE_FILES)]
    name, text = texts[0]
    missing = [line for line in LICENSE_TEXTS[licenses[0]] if line not in text]
    return ['%s is not the %s text (lacks %r)' % (name, licenses[0], line) for line in missing]


def main(path):
    with tarfile.open(path) as tar:
        info = json.loads(read(tar, 'MANIFEST.json'))['collection_info']
        problems = license_problems(tar, info)
        problems += ['galaxy.yml %s is a placeholder: %s' % (field, info[field])
                     for field in URL_FIELDS if info.get(field) and PLACEHOLDER.search(info[field])]
        problems += ['%s is not in the tarball' % name for name in EE_FILES if read(tar, name) is None]
    for problem in problems:
        print('%s: %s' % (path, problem))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
