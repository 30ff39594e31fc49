"""The benchmark (scripts/bench): run it as ``python -m tests.bench.run`` from the repository root."""
