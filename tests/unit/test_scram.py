"""PostgreSQL SCRAM-SHA-256 verifiers made on the client (db/scram.py)."""
import base64

from ansible_collections.ispmail.mailserver.plugins.module_utils.db.scram import make_verifier, matches

# Made by PostgreSQL 15 for the password 'pencil' with this salt (SELECT rolpassword after
# SET password_encryption = 'scram-sha-256'; ALTER ROLE ... PASSWORD 'pencil'), re-made here.
SALT = base64.b64decode('W22ZaJ0SNY7soEsUEjb6gQ==')


def test_a_verifier_matches_its_password_only():
    verifier = make_verifier('pencil', SALT)
    assert verifier.startswith('SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$')
    assert matches(verifier, 'pencil') and not matches(verifier, 'Pencil')
    assert make_verifier('pencil') != make_verifier('pencil')  # a fresh salt each time


def test_anything_else_never_matches():
    for stored in (None, '', 'md5d6a35858d61d6d6d', 'SCRAM-SHA-256$broken', 'SCRAM-SHA-256$x:y$z:w'):
        assert not matches(stored, 'pencil')
