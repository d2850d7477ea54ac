"""Vendored oracles: imported by tests, never collected (their docstrings are not doctests here)."""

collect_ignore_glob = ["*"]
