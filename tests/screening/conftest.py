"""Fixtures of the screening tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def cli_env(runtime, monkeypatch):
    """The command line pointed at the test's store, with its secret."""
    monkeypatch.setenv("BLUEBRIDGE_DATABASE_URL", runtime.settings.resolved_database_url)
    monkeypatch.setenv("BLUEBRIDGE_DATA_DIR", str(runtime.settings.data_dir))
    monkeypatch.setenv("BLUEBRIDGE_SECRET_KEY", runtime.settings.secret.decode())
    return runtime
