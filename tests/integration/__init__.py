"""Integration tests: real ansible-playbook runs of the built collection against a throwaway MariaDB."""
