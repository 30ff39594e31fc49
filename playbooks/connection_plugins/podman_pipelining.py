# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Test and demo helper of ispmail.mailserver, not part of the collection's content.
"""containers.podman.podman with pipelining: one podman exec per module instead of five."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
    name: podman_pipelining
    short_description: Run tasks in a podman container, with pipelining
    description:
      - The containers.podman.podman connection, with two changes that make each task
        much faster where C(podman exec) is slow (about 0.3 s to 0.6 s here).
      - Pipelining (C(ANSIBLE_PIPELINING=1)) feeds the module to Python over C(podman exec -i),
        so a module run is one C(podman exec) instead of five (mkdir, copy, chmod, run, rm).
      - The container's file system is mounted only when a file is copied.
    extends_documentation_fragment: []
    options:
      remote_addr:
        description: The name or ID of the container.
        default: inventory_hostname
        vars:
          - name: ansible_host
          - name: inventory_hostname
          - name: ansible_podman_host
      remote_user:
        description: User to run commands as in the container.
        ini:
          - section: defaults
            key: remote_user
        env:
          - name: ANSIBLE_REMOTE_USER
        vars:
          - name: ansible_user
      podman_extra_args:
        description: Extra arguments to pass to the podman command line.
        default: ''
        ini:
          - section: defaults
            key: podman_extra_args
        vars:
          - name: ansible_podman_extra_args
        env:
          - name: ANSIBLE_PODMAN_EXTRA_ARGS
      pipelining:
        description: Pipe modules into Python instead of copying them to a file first.
        type: boolean
        default: false
        ini:
          - section: connection
            key: pipelining
          - section: defaults
            key: pipelining
        env:
          - name: ANSIBLE_PIPELINING
        vars:
          - name: ansible_pipelining
      podman_executable:
        description: Executable for podman command.
        default: podman
        vars:
          - name: ansible_podman_executable
        env:
          - name: ANSIBLE_PODMAN_EXECUTABLE
"""

from ansible.plugins.connection import ConnectionBase
from ansible_collections.containers.podman.plugins.connection.podman import Connection as PodmanConnection


class Connection(PodmanConnection):
    transport = "podman_pipelining"
    has_pipelining = True

    def _connect(self):
        # Mount lazily (see put_file): most tasks copy no file when pipelining.
        ConnectionBase._connect(self)
        self._connected = True
        return self

    def _mount(self):
        if self._mount_point is None:
            PodmanConnection._connect(self)

    def _podman(self, cmd, cmd_args=None, in_data=None, use_container_id=True):
        # Pipelined modules come on stdin: podman exec passes it on only with -i.
        if in_data is not None and cmd == ["exec"]:
            cmd = ["exec", "-i"]
        return super(Connection, self)._podman(cmd, cmd_args, in_data, use_container_id)

    def put_file(self, in_path, out_path):
        self._mount()
        return super(Connection, self).put_file(in_path, out_path)

    def fetch_file(self, in_path, out_path):
        self._mount()
        return super(Connection, self).fetch_file(in_path, out_path)
