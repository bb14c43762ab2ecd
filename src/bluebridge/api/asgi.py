"""The ASGI application that uvicorn's workers import: settings from the environment."""

from __future__ import annotations

from bluebridge.api.app import create_app

app = create_app()
