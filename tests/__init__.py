"""The tests and the benchmark of ispmail.mailserver, importable as ``tests.*`` from the repository root."""
