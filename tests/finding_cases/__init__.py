"""Trigger cases: one small case per finding code (see README.md)."""
