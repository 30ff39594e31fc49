"""A test marked `exclusive` runs alone on its host: it stops a service the others need.
Every other test holds a shared lock on the host for its duration (pytest-xdist runs four
at a time); the exclusive one waits for an exclusive lock."""

import fcntl
import os
import tempfile

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "exclusive: the test runs alone on its host")


@pytest.fixture(autouse=True)
def _host_lock(request):
    if "host" not in request.fixturenames:
        yield
        return
    host = request.getfixturevalue("host")
    name = "ispmail-verify-%s.lock" % host.backend.get_pytest_id().replace("/", "_")
    exclusive = request.node.get_closest_marker("exclusive") is not None
    with open(os.path.join(tempfile.gettempdir(), name), "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
