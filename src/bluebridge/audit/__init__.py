"""Audit: the append-only, hash-chained log of who did what, from where, and when."""
