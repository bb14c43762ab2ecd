from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi import Request
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from bluebridge.access.principal import Channel, Role
from bluebridge.api.app import create_app
from bluebridge.api.deps import api_principal, request_context
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from tests.conftest import bearer


def _document():
    settings_ = Settings(
        data_dir=Path(tempfile.gettempdir()), database_url="sqlite://", secret_key="x" * 32
    )
    return create_app(runtime=Runtime.start(settings_)).openapi()


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture(params=["analyst_key", "anonymous", "administrator"])
def caller(request, app, world):
    if request.param == "analyst_key":
        return bearer(world.api_key(roles=(Role.OFFICER, Role.ANALYST)))
    if request.param == "administrator":
        account = world.user(agency="GS", roles=(Role.ADMINISTRATOR,))
        base = world.principal(account)

        def principal(request: Request):
            return dataclasses.replace(base, context=request_context(request, Channel.API))

        app.dependency_overrides[api_principal] = principal
    return {}


@schema.parametrize()
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case, app, caller):
    case.call_and_validate(app=app, headers=caller, checks=[not_a_server_error])
