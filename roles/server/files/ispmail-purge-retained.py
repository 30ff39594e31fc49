"""Removes the mail kept after a removal once its time has passed.

ispmail_user and ispmail_domain with mail_retention move a removed mailbox's or domain's mail
directory to MAIL_ROOT/.retained/NAME/DELETEDAT_PURGEAFTER (UTC, 20261208T101500Z); this
script, run daily by ispmail-purge-retained.timer as the mail user, deletes the entries whose
PURGEAFTER has passed, and nothing else: no other name, no symlink, nothing outside the area.

    python3 ispmail-purge-retained.py MAIL_ROOT [--dry-run]
"""

import os
import re
import shutil
import sys
import time

ENTRY = re.compile(r'^(\d{8}T\d{6}Z)_(\d{8}T\d{6}Z)$')


def purge(mail_root, now, dry_run=False):
    """The paths of the entries whose time has passed, removed unless dry_run."""
    area = os.path.join(mail_root, '.retained')
    if os.path.islink(area) or not os.path.isdir(area):
        return []
    purged = []
    for name in sorted(os.listdir(area)):
        directory = os.path.join(area, name)
        if os.path.islink(directory) or not os.path.isdir(directory):
            continue
        for entry in sorted(os.listdir(directory)):
            match = ENTRY.match(entry)
            path = os.path.join(directory, entry)
            if match and match.group(2) <= now and not os.path.islink(path) and os.path.isdir(path):
                purged.append(path)
                if not dry_run:
                    shutil.rmtree(path)  # does not follow symlinks inside
        if not dry_run and not os.listdir(directory):
            os.rmdir(directory)
    return purged


def main(argv):
    if len(argv) < 2 or not os.path.isabs(argv[1]) or os.path.realpath(argv[1]) == '/':
        sys.stderr.write(__doc__)
        return 2
    now = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    for path in purge(argv[1], now, '--dry-run' in argv[2:]):
        print('removed %s' % path)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
