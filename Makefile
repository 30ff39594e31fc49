# Shortcuts for the scripts under scripts/; each installs what it needs first.
.PHONY: demo test setup integration integration-oldest sanity sanity-oldest lint package molecule bench clean

demo:        ## A mail server in a local container, managed by the collection
	scripts/demo

test:        ## Every test, as CI runs it
	scripts/test

setup:       ## Debian packages and the .venv with Ansible, Molecule and the test tools
	scripts/setup-host

integration integration-oldest sanity sanity-oldest lint package molecule:
	scripts/test $@

bench:       ## List form against the per-item loop: 100 domains, 10,000 users, 10,000 aliases
	scripts/setup-host
	scripts/bench

clean:
	rm -rf .cache tests/output build
