# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A throwaway Dovecot (the host's, 2.3 on Debian 12) reading its users from a test database.

DovecotServer(mariadb, dbname) writes a configuration in the guide's shape (SQL
passdb and userdb through the read-only lookup account, Maildirs under ``mail_root``, the
quota plugin with the userdb's quota_rule) and runs Dovecot with IMAP on a free port.
Everything lives in one directory under /tmp that ``stop`` removes: short, since Unix socket
paths are, and open to ``nobody``, who owns the mail (pytest's tmp_path is root's alone).
"""

import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time

from tests.integration.db_server import LOOKUP_PASSWORD, LOOKUP_USER
from tests.integration.mariadb_server import free_port

PASSWORD_QUERY = "SELECT email AS user, password FROM virtual_users WHERE email = '%u'"
USER_QUERY = ("SELECT email AS user, CONCAT('*:bytes=', quota) AS quota_rule, '{root}/%d/%n' AS home, "
              "{uid} AS uid, {gid} AS gid FROM virtual_users WHERE email = '%u'")

CONFIG = """\
base_dir = {run}
state_dir = {run}/state
instance_name = ispmail-test-{port}
protocols = imap
listen = 127.0.0.1
log_path = {log}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_plugins = quota
first_valid_uid = 1
plugin {{
  quota = count:User quota
  quota_vsizes = yes
}}
protocol imap {{
  mail_plugins = $mail_plugins imap_quota
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
passdb {{
  driver = sql
  args = {sql}
}}
userdb {{
  driver = sql
  args = {sql}
}}
"""


class DovecotServer:
    def __init__(self, mariadb, dbname):
        self.directory = tempfile.mkdtemp(prefix='ispmail-dovecot-', dir='/tmp')
        os.chmod(self.directory, 0o755)
        self.mail_root = os.path.join(self.directory, 'vmail')
        self.run_dir = os.path.join(self.directory, 'run')
        self.last_error = ''
        self.config = os.path.join(self.directory, 'dovecot.conf')
        self.log = os.path.join(self.directory, 'dovecot.log')
        self.port = free_port()
        self.mariadb = mariadb
        self.dbname = dbname
        self.owner = pwd.getpwnam('nobody')

    def _write_config(self):
        os.makedirs(self.mail_root)
        os.chown(self.mail_root, self.owner.pw_uid, self.owner.pw_gid)
        sql = os.path.join(self.directory, 'dovecot-sql.conf.ext')
        with open(sql, 'w') as handle:
            handle.write('driver = mysql\nconnect = host=%s port=%d dbname=%s user=%s password=%s\n'
                         'default_pass_scheme = BLF-CRYPT\npassword_query = %s\nuser_query = %s\n'
                         % (self.mariadb.host, self.mariadb.port, self.dbname, LOOKUP_USER, LOOKUP_PASSWORD,
                            PASSWORD_QUERY, USER_QUERY.format(root=self.mail_root, uid=self.owner.pw_uid,
                                                              gid=self.owner.pw_gid)))
        with open(self.config, 'w') as handle:
            handle.write(CONFIG.format(run=self.run_dir, log=self.log, port=self.port, sql=sql))

    def start(self, timeout=30):
        self._write_config()
        subprocess.run(['dovecot', '-c', self.config], check=True, timeout=60)
        deadline = time.time() + timeout
        while not os.path.exists(os.path.join(self.run_dir, 'auth-userdb')):
            if time.time() > deadline:
                raise AssertionError('Dovecot did not start: %s' % self.log_tail())
            time.sleep(0.1)

    def stop(self):
        subprocess.run(['doveadm', '-c', self.config, 'stop'], check=False, timeout=60,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.directory, ignore_errors=True)

    def log_tail(self, lines=20):
        try:
            with open(self.log) as handle:
                return ''.join(handle.readlines()[-lines:])
        except OSError:
            return '(no log)'

    def doveadm(self, *args, check=True):
        proc = subprocess.run(['doveadm', '-c', self.config] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, check=False, timeout=120)
        if check and proc.returncode != 0:
            raise AssertionError('doveadm %s failed: %s%s\n%s' % (' '.join(args), proc.stdout, proc.stderr,
                                                                  self.log_tail()))
        return proc

    def deliver(self, email, subject, body='hello\n'):
        """Save a message into the user's INBOX as a delivery would (``doveadm save``)."""
        message = 'From: sender@example.net\nTo: %s\nSubject: %s\n\n%s' % (email, subject, body)
        proc = subprocess.run(['doveadm', '-c', self.config, 'save', '-u', email], input=message,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120, check=False)
        self.last_error = proc.stderr
        return proc.returncode == 0

    def subjects(self, email):
        """The subjects in the user's INBOX, sorted."""
        proc = self.doveadm('-f', 'tab', 'fetch', '-u', email, 'hdr.subject', 'mailbox', 'INBOX')
        return sorted(line for line in proc.stdout.splitlines()[1:] if line)

    def imap_login(self, email, password):
        client = imaplib.IMAP4('127.0.0.1', self.port)
        client.login(email, password)
        client.select('INBOX')
        return client
