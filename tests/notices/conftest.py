"""The principals the notices tests act as: NCB officers of a few countries (France and Spain
in the silver pilot, Japan outside it) and a compliance reviewer of the General Secretariat."""

from __future__ import annotations

import pytest

from bluebridge.access.principal import Role
from tests.notices.factories import reviewer


@pytest.fixture
def france(world):  # type: ignore[no-untyped-def]
    return world.principal(world.user("FRA-NCB", (Role.OFFICER,)))


@pytest.fixture
def spain(world):  # type: ignore[no-untyped-def]
    return world.principal(world.user("ESP-NCB", (Role.OFFICER,)))


@pytest.fixture
def japan(world):  # type: ignore[no-untyped-def]
    return world.principal(world.user("JPN-NCB", (Role.OFFICER,)))


@pytest.fixture
def kenya(world):  # type: ignore[no-untyped-def]
    return world.principal(world.user("KEN-NCB", (Role.OFFICER,)))


@pytest.fixture
def gs(runtime):  # type: ignore[no-untyped-def]
    return reviewer(runtime, "CHE")
