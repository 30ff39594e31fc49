"""Logs in to the demo's mail server the way a mail client would, from this machine: IMAPS on
port 993 (and counts the inbox) and SMTP submission on port 587 with STARTTLS and AUTH.
scripts/demo runs it so that the login it prints is one that works.

Usage: python3 scripts/demo-login-check.py HOST USER PASSWORD. Exit 1 when a login fails.
"""

import imaplib
import smtplib
import ssl
import sys


def main(host, user, password):
    # The demo's certificate is self-signed: check the logins, not the certificate.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with imaplib.IMAP4_SSL(host, 993, ssl_context=context, timeout=20) as imap:
            imap.login(user, password)
            count = int(imap.select('INBOX', readonly=True)[1][0])
        print('==> IMAPS %s:993: logged in as %s, %d message(s) in the inbox' % (host, user, count))
        with smtplib.SMTP(host, 587, timeout=20) as smtp:
            smtp.starttls(context=context)
            smtp.login(user, password)
        print('==> submission %s:587: STARTTLS and login as %s accepted' % (host, user))
    except (OSError, imaplib.IMAP4.error, smtplib.SMTPException) as exc:
        print('==> login check against %s failed: %s' % (host, exc), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:4]))
