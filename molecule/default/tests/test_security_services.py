"""rspamd's controller wants a password from everyone, localhost included, stored hashed;
Redis only through its Unix socket."""

from helpers import HOSTS, PG, in_container

testinfra_hosts = HOSTS

CONTROLLER = "/etc/rspamd/override.d/worker-controller.inc"
PASSWORD = "controller-Secret-1"  # converge.yml of the default scenario


def test_controller_refuses_requests_without_the_password(host):
    # rspamd answers 401 without a password and 403 with a wrong one.
    assert in_container(host, "controller_status") in (401, 403)
    assert in_container(host, "controller_status", password="q1") in (401, 403)  # the package's default
    assert in_container(host, "controller_status", password="wrong-Secret-1") in (401, 403)


def test_controller_takes_its_password(host):
    if PG:
        # The postgresql scenario sets no password: the controller is locked.
        assert "$2$" in host.file(CONTROLLER).content_string
        return
    assert in_container(host, "controller_status", password=PASSWORD) == 200


def test_controller_password_is_stored_hashed(host):
    f = host.file(CONTROLLER)
    assert (f.user, f.group, f.mode) == ("root", "_rspamd", 0o640)
    assert PASSWORD not in f.content_string
    assert 'password = "$' in f.content_string and 'enable_password = "$' in f.content_string


def test_redis_listens_on_its_socket_only(host):
    assert not in_container(host, "tcp_open", port=6379)
    assert host.socket("unix:///run/redis/redis-server.sock").is_listening
    assert host.run("redis-cli -s /run/redis/redis-server.sock ping").stdout.strip() == "PONG"


def test_rspamd_keeps_its_state_in_redis(host):
    # Nothing but rspamd uses this Redis: any key (history, rate limits) came through the socket.
    host.run("rspamc < /etc/hostname")
    out = host.run("timeout 30 sh -c 'until redis-cli -s /run/redis/redis-server.sock --scan | grep -q .; "
                   "do sleep 1; done'")
    assert out.rc == 0, "rspamd wrote nothing to Redis"
