"""The `bluebridge` command: serve, demo, database migrations, users, API keys, audit, and
the records' expiry, imports and exports."""

from __future__ import annotations

import getpass
import json
import logging
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from bluebridge.access.principal import (
    Channel,
    Principal,
    RequestContext,
    Role,
    operator_principal,
)
from bluebridge.errors import ServiceError
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from bluebridge.store.engine import DatabaseUnreachable, check_reachable, unit_of_work

app = typer.Typer(help="Bluebridge: international police cooperation.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
apikeys_app = typer.Typer(help="API keys for machine clients.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
records_app = typer.Typer(help="The shared databases.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(apikeys_app, name="apikeys")
app.add_typer(audit_app, name="audit")
app.add_typer(records_app, name="records")


def _register_screening() -> None:
    from bluebridge.screening.cli import mind_app, screen_command

    app.command("screen")(screen_command)
    app.add_typer(mind_app, name="mind")


console = Console()
errors = Console(stderr=True)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=False,
    )


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=1)


def _runtime(upgrade: bool = False) -> Runtime:
    """The runtime, after checking the database answers (exit 1 naming the URL if not)."""
    settings = Settings()
    runtime = Runtime.start(settings)
    try:
        check_reachable(runtime.engine, settings)
    except DatabaseUnreachable as exc:
        raise _fail(str(exc)) from None
    if upgrade:
        _upgrade(runtime)
    return runtime


def _upgrade(runtime: Runtime) -> None:
    from bluebridge.audit import service as audit_service
    from bluebridge.members import service as members_service
    from bluebridge.store import migrate

    migrate.upgrade(runtime.engine)
    from bluebridge.members import authentication

    with unit_of_work(runtime.sessions) as session:
        audit_service.initialise(session)
        members_service.sync_reference(session)
        authentication.purge_dead_sessions(session)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations and load the member countries, the General Secretariat and NCBs."""
    from bluebridge.store import migrate

    runtime = _runtime()
    _upgrade(runtime)
    console.print(
        f"database at revision {migrate.current_revision(runtime.engine)}: {runtime.settings.database_url_for_display}"
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
) -> None:
    """Apply migrations, then serve the portal and the API. With several workers each
    listens on the address itself, and the kernel spreads connections over them."""
    from bluebridge import serving

    runtime = _runtime(upgrade=True)
    settings = runtime.settings
    logging.basicConfig(level=settings.log_level.upper())
    # The workers (separate processes) read their settings from the environment.
    os.environ["BLUEBRIDGE_RUN_RETENTION_JOB"] = "true"
    os.environ["BLUEBRIDGE_SCREENING_WARM_START"] = "true"
    os.environ["BLUEBRIDGE_RUN_HIT_OUTBOX"] = "true"
    runtime.engine.dispose()
    try:
        status = serving.serve(
            "bluebridge.api.asgi:app",
            host=host or settings.host,
            port=port or settings.port,
            workers=workers or settings.workers,
            proxy_headers=False,
            server_header=False,
        )
    except serving.ServeError as exc:
        raise _fail(str(exc)) from None
    if status:
        raise typer.Exit(status)


@app.command()
def demo(
    reset: Annotated[
        bool, typer.Option("--reset", help="Delete the existing database first.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same world.")] = 2026,
    size: Annotated[
        int, typer.Option(min=1, max=1000, help="Units and border posts per country.")
    ] = 2,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the portal after loading.")
    ] = True,
    countries: Annotated[
        str | None,
        typer.Option(help="Only these countries (comma-separated alpha-3), for quick runs."),
    ] = None,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="If the database holds data, serve it as it is.")
    ] = False,
) -> None:
    """Create a deterministic demo world and print its logins, then serve it."""
    from bluebridge import demo as demo_world
    from bluebridge.store import migrate

    settings = Settings()
    runtime = Runtime.start(settings)
    try:
        check_reachable(runtime.engine, settings)
    except DatabaseUnreachable as exc:
        raise _fail(str(exc)) from None
    if demo_world.has_data(runtime) and not reset:
        if if_empty:
            console.print(
                "The database already holds a world; serving it as it is. "
                f"`bluebridge demo --reset` (or `make demo-reset`) builds a fresh one; its password is {demo_world.demo_password(seed)}."
            )
            if serve_after:
                serve(host=None, port=None, workers=None)
            return
        raise _fail(
            "the database already holds data; run `bluebridge demo --reset` to replace it (everything in it is lost)"
        )
    if reset:
        demo_world.wipe(runtime)
    migrate.upgrade(runtime.engine)
    only = [c.strip().upper() for c in countries.split(",")] if countries else None
    with progress_bar() as progress:
        logins = demo_world.build(
            runtime, seed=seed, size=size, only_countries=only, progress=progress
        )
    table = Table(title="Demo logins: add the authenticator key to an app such as FreeOTP or Aegis")
    for column in ("role", "user name", "agency", "authenticator key"):
        table.add_column(column, no_wrap=True)
    for login in logins:
        table.add_row(login.role, login.username, login.agency, login.totp_secret)
    Console(width=max(console.width, 110)).print(table)
    console.print(f"Password of every demo account: [bold]{demo_world.demo_password(seed)}[/bold]")
    console.print(
        f"Portal and API: http://{settings.host}:{settings.port}/  ·  API docs: /api/docs"
    )
    if serve_after:
        serve(host=None, port=None, workers=None)


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="The new user name.")],
    agency: Annotated[str, typer.Option(help="Agency code, e.g. FRA-NCB or GS.")],
    role: Annotated[list[Role], typer.Option(help="A role; repeat for several.")],
    display_name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    email: Annotated[str | None, typer.Option()] = None,
    password: Annotated[
        str | None, typer.Option(help="Read from the prompt when not given.")
    ] = None,
    nationality: Annotated[
        str | None,
        typer.Option(help="The person's own nationality (a compliance reviewer's, especially)."),
    ] = None,
) -> None:
    """Open an account (the first administrator is made this way)."""
    from bluebridge.members import service

    runtime = _runtime(upgrade=True)
    if password is None:
        password = typer.prompt("Temporary password", hide_input=True, confirmation_prompt=True)
    principal = operator_principal(_operator())
    try:
        with unit_of_work(runtime.sessions) as session:
            agency_row = service.get_agency_by_code(session, code=agency)
            user = service.create_user(
                session,
                settings=runtime.settings,
                principal=principal,
                agency_id=agency_row.id,
                username=username,
                display_name=display_name or username,
                email=email,
                roles=[r.value for r in role],
                password=password,
                nationality=nationality,
            )
            console.print(
                f"created user {user.username} (id {user.id}) in {agency_row.code}; the password must be changed at first sign-in"
            )
    except ServiceError as exc:
        raise _fail(_describe(exc)) from None


def _user_id(session: Session, username: str) -> int:
    """The id of the account with this user name, or exit 1 saying there is none."""
    from sqlalchemy import select

    from bluebridge.members.models import User

    user_id = session.scalar(select(User.id).where(User.username == username.strip().lower()))
    if user_id is None:
        raise _fail(f"no user named {username!r}")
    return user_id


def _describe(exc: ServiceError) -> str:
    return exc.detail


@users_app.command("list")
def users_list(
    agency: Annotated[str | None, typer.Option(help="Only this agency's accounts.")] = None,
    page: Annotated[int, typer.Option(min=1)] = 1,
) -> None:
    """List accounts."""
    from bluebridge.members import service

    runtime = _runtime()
    principal = operator_principal(_operator())
    try:
        with unit_of_work(runtime.sessions) as session:
            agency_id = service.get_agency_by_code(session, code=agency).id if agency else None
            result = service.list_users(
                session, principal=principal, agency_id=agency_id, page=page, per_page=100
            )
            table = Table(
                title=f"Users (page {result.page} of {result.pages}, {result.total} in all)"
            )
            for column in ("id", "user name", "name", "agency", "roles", "active", "2FA"):
                table.add_column(column)
            for user in result.items:
                table.add_row(
                    str(user.id),
                    user.username,
                    user.display_name,
                    user.agency.code,
                    ", ".join(user.roles),
                    "yes" if user.active else "no",
                    "yes" if user.totp_confirmed else "no",
                )
            console.print(table)
    except ServiceError as exc:
        raise _fail(_describe(exc)) from None


@users_app.command("reset-password")
def users_reset_password(
    username: Annotated[str, typer.Argument()],
    password: Annotated[
        str | None, typer.Option(help="Read from the prompt when not given.")
    ] = None,
) -> None:
    """Set a temporary password, to be changed at the next sign-in, and lift any lockout."""

    from bluebridge.members import service

    runtime = _runtime()
    if password is None:
        password = typer.prompt("Temporary password", hide_input=True, confirmation_prompt=True)
    principal = operator_principal(_operator())
    try:
        with unit_of_work(runtime.sessions) as session:
            user_id = _user_id(session, username)
            service.reset_password(
                session,
                settings=runtime.settings,
                principal=principal,
                user_id=user_id,
                new_password=password,
            )
    except ServiceError as exc:
        raise _fail(_describe(exc)) from None
    console.print(f"temporary password set for {username}")


@users_app.command("reset-second-factor")
def users_reset_second_factor(username: Annotated[str, typer.Argument()]) -> None:
    """Forget a user's authenticator (lost phone, changed secret key); they enrol anew."""

    from bluebridge.members import service

    runtime = _runtime()
    principal = operator_principal(_operator())
    try:
        with unit_of_work(runtime.sessions) as session:
            user_id = _user_id(session, username)
            service.reset_second_factor(session, principal=principal, user_id=user_id)
    except ServiceError as exc:
        raise _fail(_describe(exc)) from None
    console.print(
        f"second factor reset for {username}; they set up a new authenticator at the next sign-in"
    )


@apikeys_app.command("create")
def apikeys_create(
    agency: Annotated[str, typer.Option(help="Agency code.")],
    name: Annotated[str, typer.Option(help="What uses the key.")],
    role: Annotated[list[Role], typer.Option(help="A role; repeat for several.")],
    days: Annotated[int, typer.Option(min=1, help="Days until it expires.")] = 90,
) -> None:
    """Issue an API key; it is printed once and stored only as a hash."""
    from bluebridge.members import service

    runtime = _runtime(upgrade=True)
    principal = operator_principal(_operator())
    try:
        with unit_of_work(runtime.sessions) as session:
            agency_row = service.get_agency_by_code(session, code=agency)
            key, plaintext = service.create_api_key(
                session,
                settings=runtime.settings,
                principal=principal,
                agency_id=agency_row.id,
                name=name,
                roles=[r.value for r in role],
                expires_in_days=days,
            )
            errors.print(
                f"key {key.prefix} for {agency_row.code}, expires {key.expires_at:%Y-%m-%d}; copy it now, it is not shown again:"
            )
    except ServiceError as exc:
        raise _fail(_describe(exc)) from None
    print(plaintext)


@apikeys_app.command("revoke")
def apikeys_revoke(
    prefix: Annotated[str, typer.Argument(help="The key's prefix (or the whole key).")],
) -> None:
    """Revoke a key at once."""
    from bluebridge.members import service
    from bluebridge.members.security import parse_api_key

    runtime = _runtime()
    principal = operator_principal(_operator())
    key_prefix = parse_api_key(prefix) or prefix.strip()
    try:
        with unit_of_work(runtime.sessions) as session:
            key = service.get_api_key_by_prefix(session, principal=principal, prefix=key_prefix)
            service.revoke_api_key(session, principal=principal, key_id=key.id)
    except ServiceError as exc:
        raise _fail(_describe(exc)) from None
    console.print(f"revoked key {key_prefix}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the hash chain; exit 1 naming the first edited, deleted or reordered event."""
    from sqlalchemy import func, select

    from bluebridge.audit import service as audit_service
    from bluebridge.audit.models import AuditEvent

    runtime = _runtime()
    with unit_of_work(runtime.sessions) as session:
        total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        with progress_bar() as progress:
            task = progress.add_task("verifying the audit chain", total=total)
            report = audit_service.verify_chain(
                session, progress=lambda n: progress.advance(task, n)
            )
    with unit_of_work(runtime.sessions) as session:
        audit_service.record(
            session,
            principal=operator_principal(_operator(), RequestContext(channel=Channel.CLI)),
            action="audit.verify",
            outcome=audit_service.Outcome.SUCCESS
            if report.intact
            else audit_service.Outcome.FAILURE,
            details={
                "intact": report.intact,
                "events": report.events_checked,
                "first_problem": report.problem.seq if report.problem else None,
            },
        )
    if report.problem is not None:
        errors.print(
            f"[red]audit chain broken at event {report.problem.seq}: {report.problem.reason}[/red] "
            f"({report.events_checked} events before it are intact)"
        )
        raise typer.Exit(code=1)
    console.print(f"audit chain intact: {report.events_checked} events")


@records_app.command("expire")
def records_expire() -> None:
    """Expire records past their retention and purge those past the grace period."""
    from sqlalchemy import func, select

    from bluebridge.records import retention
    from bluebridge.records.models import Record
    from bluebridge.store.base import utcnow

    runtime = _runtime(upgrade=True)
    with runtime.sessions() as session:
        due = session.scalar(
            select(func.count())
            .select_from(Record)
            .where(Record.status == "active", Record.expires_at <= utcnow())
        )
    with progress_bar() as progress:
        task = progress.add_task("expiring records", total=due or 0)
        result = retention.run(
            runtime.sessions,
            grace_days=runtime.settings.record_purge_grace_days,
            progress=lambda n: progress.advance(task, n),
        )
    console.print(f"expired {result.expired} records, purged {result.purged}")


def _acting_as(session: Session, username: str, channel: Channel = Channel.CLI) -> Principal:
    """The principal of an account, for a command run on its behalf by the operator (who is
    named in the audit); exit 1 when there is no such active account."""
    from bluebridge.members.authentication import principal_for_user
    from bluebridge.members.models import User

    user = session.get(User, _user_id(session, username))
    if user is None or not user.active:
        raise _fail(f"no active user named {username!r}")
    # The operator at the server's console vouches for the person: no second factor asked.
    return principal_for_user(user, RequestContext(channel=channel), second_factor=True)


@records_app.command("import")
def records_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    kind: Annotated[str, typer.Option(help="The database, e.g. travel_documents.")],
    format: Annotated[str, typer.Option("--format", help="csv, jsonl, ftm or stix.")],
    as_user: Annotated[str, typer.Option("--as", help="The user the records are entered for.")],
    source_type: Annotated[str | None, typer.Option(help="Default source type.")] = None,
    source_grading: Annotated[str | None, typer.Option(help="Default source grading A-F.")] = None,
    information_grading: Annotated[
        str | None, typer.Option(help="Default information grading 1-6.")
    ] = None,
    handling_code: Annotated[
        list[str] | None, typer.Option(help="A default handling code; repeat for several.")
    ] = None,
    access_policy: Annotated[
        str | None, typer.Option(help='A default access policy as JSON, e.g. {"mode":"hit_only"}.')
    ] = None,
) -> None:
    """Import a file of records for a user's agency, with a progress bar; exit 1 if it fails."""
    from pydantic import ValidationError

    from bluebridge.records import imports

    runtime = _runtime(upgrade=True)
    try:
        chosen = imports.ImportFormat(format)
    except ValueError:
        raise _fail(f"unknown format {format!r}: csv, jsonl, ftm or stix") from None
    try:
        defaults = imports.EnvelopeDefaults.model_validate(
            {
                "source_type": source_type,
                "source_grading": source_grading,
                "information_grading": information_grading,
                "handling_codes": handling_code or None,
                "access_policy": json.loads(access_policy) if access_policy else None,
            }
        )
    except (ValidationError, ValueError) as exc:
        raise _fail(f"the import's defaults are not valid: {exc}") from None
    size = file.stat().st_size
    with runtime.sessions() as session:
        principal = _acting_as(session, as_user)
        session.commit()
        try:
            with progress_bar() as progress, file.open("rb") as source:
                task = progress.add_task(f"importing {file.name}", total=size)
                job = imports.import_file(
                    session,
                    settings=runtime.settings,
                    principal=principal,
                    kind_name=kind,
                    format=chosen,
                    source=source,
                    filename=file.name,
                    bytes_total=size,
                    defaults=defaults,
                    operator=_operator(),
                    progress=lambda j: progress.update(task, completed=j.bytes_read),
                )
        except ServiceError as exc:
            raise _fail(_describe(exc)) from None
        first = imports.list_rejections(session, principal=principal, job_id=job.id, per_page=10)
    console.print(
        f"import {job.id}: {job.rows_read} rows read, {job.created} records created, "
        f"{job.updated} updated, {job.rejected} rows rejected"
    )
    if first.items:
        table = Table(title=f"First rejected rows (of {job.rejected})")
        for column in ("line", "field", "reason"):
            table.add_column(column)
        for rejection in first.items:
            table.add_row(str(rejection.line), rejection.field, rejection.reason)
        console.print(table)
    if job.status != imports.JobStatus.DONE.value:
        raise _fail(f"the import failed: {job.error}")


@records_app.command("export")
def records_export(
    kind: Annotated[str, typer.Option(help="The database, e.g. persons.")],
    format: Annotated[str, typer.Option("--format", help="ftm or stix.")],
    as_user: Annotated[str, typer.Option("--as", help="The user whose sight the export has.")],
    out: Annotated[Path, typer.Option(help="The file to write.", dir_okay=False)],
) -> None:
    """Export what a user may see of a database as FollowTheMoney JSON lines or STIX 2.1."""
    import tempfile

    from bluebridge.records import exports

    runtime = _runtime(upgrade=True)
    try:
        chosen = exports.ExportFormat(format)
    except ValueError:
        raise _fail(f"unknown format {format!r}: ftm or stix") from None
    try:
        exports.check_format(kind, chosen)  # before anything is opened, --out least of all
    except ServiceError as exc:
        raise _fail(_describe(exc)) from None
    produce = exports.export_ftm if chosen is exports.ExportFormat.FTM else exports.export_stix
    written = 0
    with runtime.sessions() as session:
        principal = _acting_as(session, as_user)
        session.commit()
        # Written beside --out and renamed onto it at the end: a failed export leaves an
        # existing file as it was, and no half-written one.
        try:
            handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
        except OSError as exc:
            raise _fail(f"cannot write to {out.parent}: {exc.strerror}") from None
        partial = Path(name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as target:
                for text in produce(
                    session, principal=principal, kind_name=kind, operator=_operator()
                ):
                    target.write(text)
                    written += len(text)
            partial.replace(out)
        except ServiceError as exc:
            raise _fail(_describe(exc)) from None
        except OSError as exc:
            raise _fail(f"cannot write {out}: {exc.strerror}") from None
        finally:
            partial.unlink(missing_ok=True)
    console.print(f"wrote {out} ({written} characters)")


_register_screening()


def _register_notices() -> None:
    from bluebridge.notices.cli import notices_app

    app.add_typer(notices_app, name="notices")


_register_notices()


def _register_messages() -> None:
    from bluebridge.messaging.cli import messages_app

    app.add_typer(messages_app, name="messages")


_register_messages()


def _register_igrip() -> None:
    from bluebridge.payments.cli import igrip_app

    app.add_typer(igrip_app, name="igrip")


_register_igrip()

if __name__ == "__main__":  # pragma: no cover
    app()
