"""Keep the password of rspamd's controller (ispmail.mailserver.server, tasks/rspamd.yml).

Reads JSON on stdin: {"password": str or "", "file": path, "check": bool}. Prints JSON
{"changed": bool}. The password never reaches a command line: rspamadm reads it from a
pseudo terminal, as from a person typing. The file keeps only rspamd's hash (catena).
An empty password locks the controller with the hash of a random one, made once.
"""
import json
import os
import pty
import re
import secrets
import sys
import urllib.error
import urllib.request

HASH = re.compile(r"^\$\d+\$[a-z0-9]+\$[a-z0-9]+$")
MARKER = "# ISPmail: the controller's password (hashed), role variable ispmail_rspamd_controller_password"


def current_hash(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return None
    found = re.search(r'^password = "([^"]+)";$', text, re.M)
    return found.group(1) if found and MARKER in text else None


def controller_takes(password):
    """Whether the running controller (127.0.0.1:11334) accepts the password."""
    request = urllib.request.Request("http://127.0.0.1:11334/stat", headers={"Password": password})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def make_hash(password):
    """rspamadm pw, the password typed on its terminal."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("rspamadm", ["rspamadm", "pw"])
    output = b""
    sent = False
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if not sent and b":" in output:
            os.write(fd, password.encode() + b"\n")
            sent = True
    os.waitpid(pid, 0)
    for line in output.decode(errors="replace").splitlines():
        if HASH.match(line.strip()):
            return line.strip()
    raise SystemExit("rspamadm pw gave no hash")


def main():
    args = json.load(sys.stdin)
    path, password = args["file"], args["password"]
    have = current_hash(path)
    if have and (not password or controller_takes(password)):
        print(json.dumps({"changed": False}))
        return
    if not args["check"]:
        digest = make_hash(password or secrets.token_urlsafe(32))
        text = (MARKER + "\n# Every request needs it, from localhost too (no secure_ip).\n"
                'password = "%s";\nenable_password = "%s";\nsecure_ip = [];\n' % (digest, digest))
        tmp = path + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chown(tmp, 0, int(args["gid"]))
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    print(json.dumps({"changed": True}))


main()
