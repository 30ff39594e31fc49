# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PostgreSQL's SCRAM-SHA-256 password verifiers (RFC 5802, RFC 7677), made on the client, as
psql's \\password does: the server is sent the verifier, never the password."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import hashlib
import hmac
import os

ITERATIONS = 4096  # PostgreSQL's scram_iterations default
PREFIX = 'SCRAM-SHA-256$'


def _keys(password, salt, iterations):
    salted = hashlib.pbkdf2_hmac('sha256', password.encode('utf-8'), salt, iterations)
    client_key = hmac.new(salted, b'Client Key', hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b'Server Key', hashlib.sha256).digest()
    return stored_key, server_key


def _b64(data):
    return base64.b64encode(data).decode('ascii')


def make_verifier(password, salt=None, iterations=ITERATIONS):
    """'SCRAM-SHA-256$4096:salt$StoredKey:ServerKey' for the password (SASLprep is left out:
    it changes only non-ASCII passwords with unusual code points)."""
    salt = os.urandom(16) if salt is None else salt
    stored_key, server_key = _keys(password, salt, iterations)
    return '%s%d:%s$%s:%s' % (PREFIX, iterations, _b64(salt), _b64(stored_key), _b64(server_key))


def matches(verifier, password):
    """Whether a stored verifier is one of the password; False for anything that is not SCRAM."""
    if not verifier or not verifier.startswith(PREFIX):
        return False
    try:
        head, keys = verifier[len(PREFIX):].split('$')
        iterations, salt = head.split(':')
        stored_key, server_key = keys.split(':')
        expected = _keys(password, base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return (hmac.compare_digest(expected[0], base64.b64decode(stored_key))
            and hmac.compare_digest(expected[1], base64.b64decode(server_key)))
