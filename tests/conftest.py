"""Test fixtures: a fresh, migrated store per test on SQLite (default) or PostgreSQL
(`--db postgresql`, or BLUEBRIDGE_TEST_DB=postgresql), the application, and factories."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bluebridge.access.principal import Role, operator_principal
from bluebridge.api.app import create_app
from bluebridge.audit import service as audit_service
from bluebridge.members import authentication, service
from bluebridge.members.models import Agency, User
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from bluebridge.store import migrate
from bluebridge.store.base import Base
from bluebridge.store.engine import unit_of_work

POSTGRES_ADMIN_URL = os.environ.get(
    "BLUEBRIDGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "correct horse battery staple"
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 1024, "argon2_parallelism": 1}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("BLUEBRIDGE_TEST_DB", "sqlite"),
        help="the store the storage, service and API tests run on",
    )


@pytest.fixture(scope="session")
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


def _settings(data_dir: Path, url: str, **overrides: object) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=url,
        secret_key="test-secret-key-not-for-production",
        cookie_secure=False,
        **FAST_ARGON2,  # type: ignore[arg-type]
        **overrides,  # type: ignore[arg-type]
    )


def _prepare(runtime: Runtime) -> None:
    migrate.upgrade(runtime.engine)
    with unit_of_work(runtime.sessions) as session:
        audit_service.initialise(session)
        service.sync_reference(session)


@pytest.fixture(scope="session")
def postgres_url(store_kind: str) -> Iterator[str | None]:
    """A database of its own for this test run, dropped at the end."""
    if store_kind != "postgresql":
        yield None
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"bluebridge_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.exit(
            f"PostgreSQL requested but unreachable at {make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=True)}: {exc}",
            returncode=1,
        )
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def template_store(
    tmp_path_factory: pytest.TempPathFactory, store_kind: str, postgres_url: str | None
) -> Iterator[str]:
    """A migrated store with the reference data, prepared once per run."""
    if store_kind == "postgresql":
        assert postgres_url is not None
        runtime = Runtime.start(_settings(tmp_path_factory.mktemp("pg"), postgres_url))
        _prepare(runtime)
        runtime.engine.dispose()
        yield postgres_url
        return
    directory = tmp_path_factory.mktemp("template")
    path = directory / "template.sqlite3"
    runtime = Runtime.start(_settings(directory, f"sqlite:///{path}"))
    _prepare(runtime)
    runtime.engine.dispose()  # the last connection to close checkpoints and removes the WAL
    yield str(path)


def _truncate_and_reseed(runtime: Runtime) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with runtime.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with unit_of_work(runtime.sessions) as session:
        audit_service.initialise(session)
        service.sync_reference(session)


@pytest.fixture
def settings(tmp_path: Path, store_kind: str, template_store: str) -> Settings:
    if store_kind == "postgresql":
        return _settings(tmp_path, template_store)
    path = tmp_path / "bluebridge.sqlite3"
    shutil.copyfile(template_store, path)
    return _settings(tmp_path, f"sqlite:///{path}")


@pytest.fixture
def runtime(settings: Settings, store_kind: str) -> Iterator[Runtime]:
    runtime = Runtime.start(settings)
    if store_kind == "postgresql":
        _truncate_and_reseed(runtime)
    yield runtime
    runtime.stop()
    runtime.engine.dispose()


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    with runtime.sessions() as db:
        yield db
        db.rollback()


@pytest.fixture
def app(runtime: Runtime):  # type: ignore[no-untyped-def]
    return create_app(runtime=runtime)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@dataclass
class Account:
    id: int
    username: str
    password: str
    totp_secret: str | None
    agency_id: int
    agency_code: str

    def code(self) -> str:
        assert self.totp_secret is not None
        return pyotp.TOTP(self.totp_secret).now()


class World:
    """Factories for test objects, each committed in its own transaction."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.counter = 0

    def agency(self, code: str) -> Agency:
        with self.runtime.sessions() as db:
            return service.get_agency_by_code(db, code=code)

    def unit(
        self,
        country: str = "FRA",
        code: str | None = None,
        kind: str = "specialized_unit",
        specialty: str = "cybercrime",
    ) -> Agency:
        from bluebridge.members.models import AgencyKind, UnitSpecialty

        self.counter += 1
        with unit_of_work(self.runtime.sessions) as db:
            return service.create_agency(
                db,
                principal=operator_principal("test"),
                code=code or f"{country}-T{self.counter}",
                name=f"Test agency {self.counter}",
                kind=AgencyKind(kind),
                country=country,
                specialty=UnitSpecialty(specialty) if kind == "specialized_unit" else None,
            )

    def user(
        self,
        agency: str = "FRA-NCB",
        roles: tuple[Role, ...] = (Role.OFFICER,),
        username: str | None = None,
        totp: bool = True,
        must_change_password: bool = False,
    ) -> Account:
        self.counter += 1
        name = username or f"user{self.counter}.{agency.lower()}"
        secret = pyotp.random_base32() if totp else None
        with unit_of_work(self.runtime.sessions) as db:
            agency_row = service.get_agency_by_code(db, code=agency)
            user = service.create_user(
                db,
                settings=self.runtime.settings,
                principal=operator_principal("test"),
                agency_id=agency_row.id,
                username=name,
                display_name=f"Test User {self.counter}",
                roles=[r.value for r in roles],
                password=PASSWORD,
                must_change_password=must_change_password,
            )
            if secret:
                authentication.set_totp_secret(
                    db, settings=self.runtime.settings, user=user, secret=secret
                )
            return Account(user.id, user.username, PASSWORD, secret, agency_row.id, agency_row.code)

    def api_key(
        self, agency: str = "FRA-NCB", roles: tuple[Role, ...] = (Role.OFFICER,), days: int = 30
    ) -> str:
        with unit_of_work(self.runtime.sessions) as db:
            agency_row = service.get_agency_by_code(db, code=agency)
            _key, plaintext = service.create_api_key(
                db,
                settings=self.runtime.settings,
                principal=operator_principal("test"),
                agency_id=agency_row.id,
                name=f"key {self.counter}",
                roles=[r.value for r in roles],
                expires_in_days=days,
            )
            return plaintext

    def principal(self, account: Account):  # type: ignore[no-untyped-def]
        from bluebridge.access.principal import Channel, RequestContext

        with self.runtime.sessions() as db:
            user = db.get(User, account.id)
            assert user is not None
            return authentication.principal_for_user(
                user, RequestContext(Channel.API), second_factor=True
            )


@pytest.fixture
def world(runtime: Runtime) -> World:
    return World(runtime)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
