# Runs inside the containers (their python3), sent by helpers.in_container(): checks a
# mail server the way a user would, over SMTP, IMAP and the Maildir.
import glob
import imaplib
import os
import smtplib
import ssl
import time

_CTX = ssl.create_default_context()
_CTX.check_hostname = False
_CTX.verify_mode = ssl.CERT_NONE  # the test servers have self-signed certificates


def rcpt(to, server="127.0.0.1", sender="tester@example.com"):
    """Code and text of the answer to RCPT TO, without sending anything."""
    with smtplib.SMTP(server, 25, timeout=30) as smtp:
        smtp.ehlo("client.example.com")
        smtp.mail(sender)
        code, text = smtp.rcpt(to)
        smtp.rset()
    return [code, text.decode()]


def send(to, subject, server="127.0.0.1", sender="tester@example.com"):
    """Send a short message to port 25; the RCPT answer, and the DATA answer if accepted."""
    message = "From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\nTest message %s.\r\n" % (sender, to, subject, subject)
    with smtplib.SMTP(server, 25, timeout=30) as smtp:
        smtp.ehlo("client.example.com")
        smtp.mail(sender)
        code, text = smtp.rcpt(to)
        if code != 250:
            return [code, text.decode()]
        code, text = smtp.data(message.encode())
    return [code, text.decode()]


def send_sized(to, subject, size, sender="tester@example.com"):
    """Send a message of about size bytes to port 25, announcing its size (SMTP SIZE).

    The stage that answered last (mail, rcpt or data), its code and text.
    """
    text = "From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\nTest message %s.\r\n" % (sender, to, subject, subject)
    missing = max(0, size - len(text))
    lines = ["x" * 78] * (missing // 80) + ["x" * max(0, missing % 80 - 2)]
    message = (text + "\r\n".join(lines) + "\r\n").encode()
    with smtplib.SMTP("127.0.0.1", 25, timeout=30) as smtp:
        smtp.ehlo("client.example.com")
        for stage, call in (("mail", lambda: smtp.mail(sender, ["SIZE=%d" % len(message)])),
                            ("rcpt", lambda: smtp.rcpt(to)),
                            ("data", lambda: smtp.data(message))):
            code, text = call()
            if code != 250:
                break
    return [stage, code, text.decode(), len(message)]


def delivered(mailbox, subject, timeout=30, folder=""):
    """Files in the mailbox's Maildir/new (or a folder's, such as Junk) whose Subject is
    subject, waiting for delivery."""
    local, domain = mailbox.split("@")
    pattern = "/var/vmail/%s/%s/Maildir/%snew/*" % (domain, local, "." + folder + "/" if folder else "")
    line = "Subject: %s\n" % subject
    deadline = time.time() + timeout
    while True:
        found = []
        for path in glob.glob(pattern):
            with open(path, encoding="utf-8", errors="replace") as f:
                if line in f.read():
                    found.append(path)
        if found or time.time() > deadline:
            return sorted(found)
        time.sleep(0.5)


def imap_count(user, password, subject):
    """Messages in INBOX with this subject, seen over IMAPS with the user's password."""
    imap = imaplib.IMAP4_SSL("127.0.0.1", 993, ssl_context=_CTX)
    try:
        imap.login(user, password)
        imap.select("INBOX", readonly=True)
        dummy, data = imap.search(None, "SUBJECT", '"%s"' % subject)
        return len(data[0].split())
    finally:
        imap.logout()


def imap_login(user, password):
    """True if the IMAP login succeeds."""
    imap = imaplib.IMAP4_SSL("127.0.0.1", 993, ssl_context=_CTX)
    try:
        imap.login(user, password)
        return True
    except imaplib.IMAP4.error:
        return False
    finally:
        try:
            imap.logout()
        except Exception:  # noqa: BLE001 - the connection may be gone after a failed login
            pass


def submission_login(user, password, source=None):
    """Code of SMTP AUTH on the submission port (587) after STARTTLS, from source if given (a
    loopback address of its own: Dovecot's penalty for failed logins is kept per address)."""
    with smtplib.SMTP("127.0.0.1", 587, timeout=60, source_address=(source, 0) if source else None) as smtp:
        smtp.starttls(context=_CTX)
        smtp.ehlo("client.example.com")
        try:
            code, dummy = smtp.login(user, password)
        except smtplib.SMTPAuthenticationError as e:
            code = e.smtp_code
    return code


def fill_mailbox(mailbox, size):
    """Put a message of size bytes into the Maildir, as vmail, and let Dovecot count it."""
    import pwd
    import subprocess

    local, domain = mailbox.split("@")
    home = "/var/vmail/%s/%s" % (domain, local)
    new = home + "/Maildir/new"
    os.makedirs(new, exist_ok=True)
    with open(new + "/1000000000.M1P1.filler", "w", encoding="ascii") as f:
        f.write("Subject: filler\n\n" + "x" * size + "\n")
    vmail = pwd.getpwnam("vmail")
    # makedirs may have made the domain's directory too (no mail for the domain yet): vmail's.
    os.chown(os.path.dirname(home), vmail.pw_uid, vmail.pw_gid)
    for root, dummy, files in os.walk(home):
        for path in [root] + [os.path.join(root, name) for name in files]:
            os.chown(path, vmail.pw_uid, vmail.pw_gid)
    for cmd in (["doveadm", "mailbox", "status", "-u", mailbox, "messages", "INBOX"],
                ["doveadm", "quota", "recalc", "-u", mailbox]):
        subprocess.run(cmd, check=True, capture_output=True)
    return True


def outside_address():
    """An address of the container other than loopback: a client outside mynetworks."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # no packet is sent
        return s.getsockname()[0]


def served_certificates(pem_file):
    """Whether IMAPS (993) and SMTP STARTTLS (587, 25) serve the certificate in pem_file."""
    with open(pem_file, encoding="ascii") as f:
        want = ssl.PEM_cert_to_DER_cert(f.read())
    served = {}
    imap = imaplib.IMAP4_SSL("127.0.0.1", 993, ssl_context=_CTX)
    served["imaps"] = imap.sock.getpeercert(binary_form=True) == want
    imap.logout()
    for port in (25, 587):
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.starttls(context=_CTX)
            served["smtp-%d" % port] = smtp.sock.getpeercert(binary_form=True) == want
    return served


def _from_line(sender, header_from):
    """The From header line: the envelope sender's by default, none when header_from is ""."""
    header_from = sender if header_from is None else header_from
    return "From: %s\r\n" % header_from if header_from else ""


def submit(port, user, password, sender, to, subject, body="Sent by the tests.", header_from=None):
    """Log in on 587 (STARTTLS) or 465 (implicit TLS) and send; the stage that answered last
    (mail, rcpt or data), its code and text. The From header is the envelope sender unless
    header_from is given ("" leaves the From header out)."""
    message = "%sTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@tests.example>\r\n\r\n%s\r\n" % (
        _from_line(sender, header_from), to, subject, subject.replace(" ", "-"), body)
    if port == 465:
        smtp = smtplib.SMTP_SSL("127.0.0.1", 465, timeout=60, context=_CTX)
    else:
        smtp = smtplib.SMTP("127.0.0.1", port, timeout=60)
        smtp.starttls(context=_CTX)
    with smtp:
        smtp.ehlo("client.example.com")
        smtp.login(user, password)
        return _converse(smtp, sender, to, message)


def _converse(smtp, sender, to, message):
    """MAIL, RCPT and DATA until one is refused: [stage, code, text] of the last."""
    for stage, call in (("mail", lambda: smtp.mail(sender)),
                        ("rcpt", lambda: smtp.rcpt(to)),
                        ("data", lambda: smtp.data(message.encode()))):
        code, text = call()
        if code != 250:
            break
    return [stage, code, text.decode()]


def send_from_outside(sender, to, subject, body="Sent by the tests.", header_from=None, dkim_key=None,
                      tamper=False):
    """Send to port 25 from the container's own non-loopback address (outside mynetworks).
    dkim_key: [domain, selector, key file] to DKIM-sign the message with (python3-dkim), as
    another server would; tamper: change the body after signing (the signature breaks)."""
    message = "%sTo: %s\r\nSubject: %s\r\n\r\n%s\r\n" % (_from_line(sender, header_from), to, subject, body)
    if dkim_key:
        import dkim

        domain, selector, key_file = dkim_key
        with open(key_file, "rb") as f:
            signature = dkim.sign(message.encode(), selector.encode(), domain.encode(), f.read(),
                                  include_headers=[b"from", b"to", b"subject"])
        message = signature.decode() + message
        if tamper:
            message = message.replace(body, body + " Changed on the way.")
    with smtplib.SMTP(outside_address(), 25, timeout=60) as smtp:
        smtp.ehlo("client.example.com")
        return _converse(smtp, sender, to, message)


def dkim_verify(path, record):
    """Whether the DKIM-Signature of the message file verifies against the TXT value record
    (given as the DNS answer, so no DNS is needed); and its d= and s= tags."""
    import dkim

    with open(path, "rb") as f:
        message = f.read()
    header = [line for line in message.split(b"\n\n", 1)[0].replace(b"\n\t", b" ").replace(b"\n ", b" ")
              .split(b"\n") if line.lower().startswith(b"dkim-signature:")]
    tags = {}
    if header:
        for part in header[0].split(b":", 1)[1].split(b";"):
            if b"=" in part:
                key, value = part.split(b"=", 1)
                tags[key.strip().decode()] = value.strip().decode()
    ok = dkim.verify(message, dnsfunc=lambda name, timeout=5: record.encode())
    return [bool(ok), tags.get("d"), tags.get("s")]


def sendmail(sender, to, subject, header_from=None):
    """Send with the host's sendmail (Postfix's pickup, not SMTP): mail the host sends itself."""
    import subprocess

    message = "From: %s\nTo: %s\nSubject: %s\n\nSent by the host.\n" % (header_from or sender, to, subject)
    subprocess.run(["/usr/sbin/sendmail", "-f", sender, to], input=message.encode(), check=True)
    return True


def _tls_context(version, cipher):
    """A client context that offers what the server should refuse: TLS 1.0/1.1, anonymous
    and CBC suites (SECLEVEL 0, or OpenSSL's own client refuses them and it looks like the
    server did). version: "TLSv1", "TLSv1_1", "TLSv1_2", "TLSv1_3"; cipher: one TLS 1.2 suite."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers((cipher or "DEFAULT") + ":@SECLEVEL=0")
    ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, version)
    return ctx


def _plain_until_tls(sock, port):
    """Read the greeting and ask for STARTTLS (SMTP on 25/587, IMAP on 143)."""
    f = sock.makefile("rb")
    if port == 143:
        f.readline()
        sock.sendall(b"a STARTTLS\r\n")
        assert f.readline().startswith(b"a OK"), "no STARTTLS"
        return
    f.readline()
    sock.sendall(b"EHLO client.example.com\r\n")
    while f.readline()[3:4] == b"-":
        pass
    sock.sendall(b"STARTTLS\r\n")
    assert f.readline().startswith(b"220"), "no STARTTLS"


def tls_handshake(port, version, cipher=None, server=None):
    """[accepted, negotiated protocol, negotiated suite] of one TLS handshake with the given
    client offer on port (465, 993 implicit TLS; 25, 587, 143 after STARTTLS)."""
    import socket

    ctx = _tls_context(version, cipher)
    with socket.create_connection((server or outside_address(), port), timeout=30) as sock:
        if port not in (465, 993, 995):
            _plain_until_tls(sock, port)
        try:
            with ctx.wrap_socket(sock) as tls:
                return [True, tls.version(), tls.cipher()[0]]
        except (ssl.SSLError, ConnectionError) as e:
            return [False, None, str(e)]


def smtp_features(port, server=None):
    """The EHLO keywords of port 25 or 587 after STARTTLS (465: after the TLS handshake)."""
    server = server or outside_address()
    if port == 465:
        smtp = smtplib.SMTP_SSL(server, 465, timeout=30, context=_CTX)
    else:
        smtp = smtplib.SMTP(server, port, timeout=30)
        smtp.starttls(context=_CTX)
    with smtp:
        smtp.ehlo("client.example.com")
        return sorted(smtp.esmtp_features)


def auth_burst(port, user, password, count):
    """count connections to 587 from the container's outside address (not exempt from
    Postfix's anvil limits), each logging in; the AUTH answer codes."""
    codes = []
    for dummy in range(count):
        with smtplib.SMTP(outside_address(), port, timeout=60) as smtp:
            smtp.starttls(context=_CTX)
            smtp.ehlo("client.example.com")
            try:
                code, dummy = smtp.login(user, password)
            except smtplib.SMTPAuthenticationError as e:
                code = e.smtp_code
            codes.append(code)
    return codes


class _IMAPFrom(imaplib.IMAP4_SSL):
    """IMAPS from a chosen source address (another loopback address is another client)."""

    def __init__(self, source, *args, **kwargs):
        self._source = source
        super().__init__(*args, **kwargs)

    def _create_socket(self, timeout):
        import socket

        sock = socket.create_connection((self.host, self.port), timeout, source_address=(self._source, 0))
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


def imap_login_timed(user, password, source):
    """[logged in, seconds] of one IMAPS login from source (e.g. 127.0.0.3)."""
    start = time.time()
    imap = _IMAPFrom(source, "127.0.0.1", 993, ssl_context=_CTX, timeout=120)
    try:
        imap.login(user, password)
        ok = True
    except imaplib.IMAP4.error:
        ok = False
    finally:
        try:
            imap.logout()
        except Exception:  # noqa: BLE001 - the connection may be gone after a failed login
            pass
    return [ok, round(time.time() - start, 2)]


def controller_status(password=None, path="/stat"):
    """HTTP status of a request to rspamd's controller on 127.0.0.1:11334."""
    import urllib.error
    import urllib.request

    headers = {"Password": password} if password is not None else {}
    try:
        with urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:11334" + path, headers=headers),
                                    timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code


def tcp_open(port, server="127.0.0.1"):
    """Whether something accepts TCP connections on server:port."""
    import socket

    try:
        socket.create_connection((server, port), timeout=5).close()
        return True
    except OSError:
        return False


def try_send(port, user=None, password=None, subject="try"):
    """Like submit (587, 465) or send_from_outside (25), but any SMTP error is an answer:
    [stage, code, text]; a dropped connection is ["disconnected", 0, text]."""
    try:
        if port == 25:
            return send_from_outside(sender="friend@elsewhere.example", to="jane@example.net", subject=subject)
        return submit(port, user, password, user, "jane@example.net", subject)
    except smtplib.SMTPResponseException as e:
        return ["error", e.smtp_code, e.smtp_error.decode(errors="replace")]
    except smtplib.SMTPServerDisconnected as e:
        return ["disconnected", 0, str(e)]
