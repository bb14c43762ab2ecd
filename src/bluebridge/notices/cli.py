"""The command line of notices and diffusions: `bluebridge notices ...` to request, submit,
send, review, decide, cancel, withdraw, extend, acknowledge and convert, to read and list, to
run the expiry, and to print a notice as a PDF. A command acts for the account named with
`--as` (the operator vouching for it, named in the audit), or as the operator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from bluebridge.errors import ServiceError

notices_app = typer.Typer(help="Notices and diffusions.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

AsUser = Annotated[
    str | None, typer.Option("--as", help="The account acting (default: the operator).")
]
NoticeArg = Annotated[int, typer.Argument(help="The notice's or diffusion's id.", min=1)]
ReasonsOption = Annotated[str, typer.Option(help="The reasons, in writing.")]


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=1)


def _run(as_user: str | None, work: Any) -> Any:
    """Run `work(session, settings, principal)` in one transaction; a refusal exits 1."""
    from bluebridge.access.principal import operator_principal
    from bluebridge.cli import _acting_as, _describe, _operator, _runtime
    from bluebridge.store.engine import unit_of_work

    runtime = _runtime(upgrade=True)
    try:
        with unit_of_work(runtime.sessions) as session:
            principal = _acting_as(session, as_user) if as_user else operator_principal(_operator())
            return work(session, runtime.settings, principal)
    except ServiceError as exc:
        raise _fail(_describe(exc)) from None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(f"{path}: not a JSON file ({exc})") from None
    if not isinstance(data, dict):
        raise _fail(f"{path}: the file holds a JSON object")
    return data


def _draft(data: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    from bluebridge.notices import service
    from bluebridge.notices.schemas import NoticeChange

    try:
        body = NoticeChange.model_validate({"version": 1, **data})
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise _fail(reasons) from None
    recipients = None
    if body.recipients is not None:
        recipients = service.Recipients(
            tuple(body.recipients.countries),
            tuple(body.recipients.regions),
            body.recipients.all_members,
        )
    return service.Draft(
        content=body.content.model_dump(mode="json", exclude_defaults=True),
        subjects=tuple(service.SubjectIn(s.record_id, s.role) for s in body.subjects),
        access_policy=body.access_policy,
        public_extract=body.public_extract,
        recipients=recipients,
    )


def _said(notice: Any) -> None:
    console.print(
        f"{notice.kind} {notice.reference} (id {notice.id}): {notice.type}, {notice.status}"
        + (f", review {notice.review_state}" if notice.review_state != "none" else "")
    )
    for flag in notice.flags or []:
        console.print(f"  [yellow]flag[/yellow] {flag['field']}: {flag['reason']}")


@notices_app.command("create")
def create(
    kind: Annotated[str, typer.Argument(help="notice or diffusion")],
    type_: Annotated[str, typer.Argument(metavar="TYPE", help="red, yellow… or wanted, missing…")],
    file: Annotated[
        Path,
        typer.Option(
            "--file",
            exists=True,
            dir_okay=False,
            help="JSON: content, subjects, access_policy, public_extract, recipients.",
        ),
    ],
    as_user: AsUser = None,
) -> None:
    """Save a new notice request or diffusion as a draft."""
    from bluebridge.notices import service

    draft = _draft(_read_json(file))
    _run(
        as_user,
        lambda s, settings, p: _said(
            service.create(s, settings=settings, principal=p, kind=kind, type=type_, draft=draft)
        ),
    )


@notices_app.command("update")
def update(
    notice_id: NoticeArg,
    file: Annotated[Path, typer.Option("--file", exists=True, dir_okay=False)],
    version: Annotated[int | None, typer.Option(help="The version you read.")] = None,
    as_user: AsUser = None,
) -> None:
    """Replace a request's content (a live one goes back to review)."""
    from bluebridge.notices import service

    draft = _draft(_read_json(file))
    _run(
        as_user,
        lambda s, settings, p: _said(
            service.update(
                s, settings=settings, principal=p, notice_id=notice_id, draft=draft, version=version
            )
        ),
    )


def _simple(name: str, doc: str) -> None:
    def command(notice_id: NoticeArg, as_user: AsUser = None) -> None:
        from bluebridge.notices import service

        action = getattr(service, name)
        _run(
            as_user,
            lambda s, settings, p: _said(
                _notice(action(s, settings=settings, principal=p, notice_id=notice_id), s)
            ),
        )

    command.__doc__ = doc
    notices_app.command(name)(command)


def _notice(result: Any, session: Any) -> Any:
    from bluebridge.notices.models import Notice, NoticeRecipient

    if isinstance(result, NoticeRecipient):
        notice = session.get(Notice, result.notice_id)
        console.print(f"receipt acknowledged for {result.country}")
        return notice
    return result


def _reasoned(name: str, doc: str) -> None:
    def command(notice_id: NoticeArg, reasons: ReasonsOption, as_user: AsUser = None) -> None:
        from bluebridge.notices import service

        action = getattr(service, name)
        _run(
            as_user,
            lambda s, settings, p: _said(
                action(s, settings=settings, principal=p, notice_id=notice_id, reasons=reasons)
            ),
        )

    command.__doc__ = doc
    notices_app.command(name)(command)


_simple("submit", "Submit a notice request: the automatic checks, then the review queue.")
_simple("send", "Send a diffusion to its recipients (checked and reviewed after).")
_simple("extend", "Extend a live request by five years, from six months before expiry.")
_simple("acknowledge", "Acknowledge receipt of a diffusion, as a recipient NCB.")
_simple("convert", "Turn a diffusion into a notice request (a new draft).")
_reasoned("cancel", "Cancel a request: the subject is found, the case closed.")
_reasoned("withdraw", "Withdraw a request.")


@notices_app.command("decide")
def decide(
    notice_id: NoticeArg,
    decision: Annotated[str, typer.Argument(help="publish, request_information or refuse")],
    reasons: ReasonsOption,
    as_user: AsUser = None,
) -> None:
    """A compliance reviewer's decision, with written reasons."""
    from bluebridge.notices import service

    _run(
        as_user,
        lambda s, settings, p: _said(
            service.decide(
                s,
                settings=settings,
                principal=p,
                notice_id=notice_id,
                decision=decision,
                reasons=reasons,
            )
        ),
    )


@notices_app.command("show")
def show(notice_id: NoticeArg, as_user: AsUser = None) -> None:
    """One notice or diffusion, as the account sees it (JSON)."""
    from bluebridge.notices import api, service

    def work(session: Any, settings: Any, principal: Any) -> None:
        view = service.get(session, settings=settings, principal=principal, notice_id=notice_id)
        print(api.notice_out(principal, view).model_dump_json(indent=2))

    _run(as_user, work)


@notices_app.command("list")
def list_(
    kind: Annotated[str | None, typer.Option(help="notice or diffusion")] = None,
    type_: Annotated[str | None, typer.Option("--type")] = None,
    status: Annotated[str | None, typer.Option()] = None,
    queue: Annotated[bool, typer.Option(help="The review queue, oldest first.")] = False,
    page: Annotated[int, typer.Option(min=1)] = 1,
    as_user: AsUser = None,
) -> None:
    """The notices and diffusions the account sees."""
    from bluebridge.notices import service

    def work(session: Any, settings: Any, principal: Any) -> None:
        if queue:
            result = service.review_queue(session, principal=principal, page=page)
        else:
            result = service.list_notices(
                session,
                settings=settings,
                principal=principal,
                kind=kind,
                type=type_,
                status=status,
                page=page,
            )
        table = Table("id", "reference", "type", "status", "review", "title", "country")
        for n in result.items:
            table.add_row(
                str(n.id),
                n.reference,
                n.type,
                n.status,
                n.review_state,
                n.title,
                n.requesting_country or "",
            )
        console.print(table)
        console.print(f"page {result.page} of {result.pages}, {result.total} in all")

    _run(as_user, work)


@notices_app.command("dashboard")
def dashboard(
    days: Annotated[int, typer.Option(min=1, max=3650)] = 90, as_user: AsUser = None
) -> None:
    """The review's figures: the queue, time to decision, counts by type, region, outcome."""
    from bluebridge.notices import service

    def work(session: Any, settings: Any, principal: Any) -> None:
        figures = service.dashboard(session, settings=settings, principal=principal, days=days)
        print(json.dumps(vars(figures), default=str, indent=2))

    _run(as_user, work)


@notices_app.command("expire")
def expire() -> None:
    """Ask requesters six months before expiry; expire what was not extended."""
    from bluebridge.notices import service

    result = _run(None, lambda s, settings, p: service.run_expiry(s, principal=p))
    console.print(f"renewal asked for {result.asked}; expired {result.expired}")


@notices_app.command("pdf")
def pdf(
    notice_id: NoticeArg,
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The PDF file to write.")],
    language: Annotated[str, typer.Option(help="ar, en, es or fr")] = "en",
    as_user: AsUser = None,
) -> None:
    """Print a notice as a PDF in one of the portal's languages."""
    from bluebridge.notices import printing, service

    if language not in ("ar", "en", "es", "fr"):
        raise _fail("language: ar, en, es or fr")

    def work(session: Any, settings: Any, principal: Any) -> bytes:
        view = service.get(session, settings=settings, principal=principal, notice_id=notice_id)
        return printing.pdf(session, principal, view, language)

    data = _run(as_user, work)
    out.write_bytes(data)
    console.print(f"wrote {out} ({len(data):,} bytes)")
