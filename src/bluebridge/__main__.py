"""Allows `python -m bluebridge`, the same as the `bluebridge` command."""

from bluebridge.cli import app

app(prog_name="bluebridge")
