"""The command line of the secure network: `bluebridge messages ...` to send, list and read
messages, check a signature (of a stored message, or of an exported file with nothing else),
export a message, escalate unread immediate messages, and rotate an agency's keys. A command
acts for the account named with `--as` (the operator vouching for it, named in the audit)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from bluebridge.errors import ServiceError

messages_app = typer.Typer(help="The secure network's messages.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

AsUser = Annotated[str, typer.Option("--as", help="The account acting.")]
MessageArg = Annotated[int, typer.Argument(help="The message's id.", min=1)]


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=1)


def _run(as_user: str | None, work: Any) -> Any:
    from bluebridge.access.principal import operator_principal
    from bluebridge.cli import _acting_as, _describe, _operator, _runtime
    from bluebridge.store.engine import unit_of_work

    runtime = _runtime(upgrade=True)
    try:
        with unit_of_work(runtime.sessions) as session:
            principal = _acting_as(session, as_user) if as_user else operator_principal(_operator())
            return work(session, runtime, principal)
    except ServiceError as exc:
        raise _fail(_describe(exc)) from None
    finally:
        runtime.stop()


@messages_app.command("send")
def send(
    subject: Annotated[str, typer.Option(help="The subject.")],
    as_user: AsUser,
    body: Annotated[str, typer.Option(help="The text.")] = "",
    to: Annotated[list[str] | None, typer.Option("--to", help="An agency code; repeat.")] = None,
    country: Annotated[list[str] | None, typer.Option(help="A country (its NCB); repeat.")] = None,
    region: Annotated[list[str] | None, typer.Option(help="A region (its NCBs); repeat.")] = None,
    all_members: Annotated[bool, typer.Option("--all-members", help="Every NCB.")] = False,
    group: Annotated[list[str] | None, typer.Option(help="A sharing group code; repeat.")] = None,
    copy: Annotated[
        list[str] | None, typer.Option("--cc", help="An agency in copy; repeat.")
    ] = None,
    priority: Annotated[str, typer.Option(help="routine, urgent or immediate")] = "routine",
    form: Annotated[str, typer.Option(help="free, hit_found, information_supplied, …")] = "free",
    form_data: Annotated[str | None, typer.Option(help="The form's fields, as JSON.")] = None,
    attach: Annotated[
        list[Path] | None,
        typer.Option(help="A file to attach; repeat.", exists=True, dir_okay=False),
    ] = None,
    reply_to: Annotated[int | None, typer.Option(help="The message answered.")] = None,
) -> None:
    """Send a message, encrypted for its readers and signed by the account's agency."""
    from bluebridge.messaging import service

    fields = None
    if form_data:
        try:
            fields = json.loads(form_data)
        except json.JSONDecodeError as exc:
            raise _fail(f"--form-data: not JSON ({exc})") from None
    draft = service.Draft(
        subject=subject,
        body=body,
        address=service.Address(
            agencies=tuple(to or ()),
            countries=tuple(country or ()),
            regions=tuple(region or ()),
            all_members=all_members,
            groups=tuple(group or ()),
            copies=tuple(copy or ()),
        ),
        priority=priority,
        form=form,
        form_data=fields,
        attachments=tuple(service.Attachment(p.name, p.read_bytes()) for p in attach or ()),
        in_reply_to=reply_to,
    )

    def work(session: Any, runtime: Any, principal: Any) -> None:
        message = service.send(
            session, settings=runtime.settings, principal=principal, bus=runtime.bus, draft=draft
        )
        console.print(f"sent message {message.id} to {len(message.recipients)} agencies")

    _run(as_user, work)


@messages_app.command("list")
def list_(
    as_user: AsUser,
    sent: Annotated[bool, typer.Option(help="The sent box.")] = False,
    unread: Annotated[bool, typer.Option(help="Unread only.")] = False,
    priority: Annotated[str | None, typer.Option()] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="Words in subjects and bodies.")
    ] = None,
    page: Annotated[int, typer.Option(min=1)] = 1,
) -> None:
    """The account's agency's inbox (or sent box), newest first."""
    from bluebridge.messaging import service

    def work(session: Any, runtime: Any, principal: Any) -> None:
        result = service.inbox(
            session,
            settings=runtime.settings,
            principal=principal,
            box="sent" if sent else "inbox",
            priority=priority,
            unread=unread,
            search=search,
            page=page,
        )
        table = Table("id", "priority", "form", "from", "subject", "sent", "read")
        for item in result.items:
            read_at = item.recipient.read_at if item.recipient else None
            table.add_row(
                str(item.message.id),
                item.message.priority,
                item.message.form,
                item.sender_code,
                item.subject,
                f"{item.message.sent_at:%Y-%m-%d %H:%M}",
                f"{read_at:%Y-%m-%d %H:%M}" if read_at else "",
            )
        console.print(table)
        console.print(f"page {result.page} of {result.pages}, {result.total} in all")

    _run(as_user, work)


@messages_app.command("read")
def read(message_id: MessageArg, as_user: AsUser) -> None:
    """One message, decrypted for the account's agency (its read receipt)."""
    from bluebridge.messaging import service

    def work(session: Any, runtime: Any, principal: Any) -> None:
        view = service.read(
            session,
            settings=runtime.settings,
            principal=principal,
            bus=runtime.bus,
            message_id=message_id,
        )
        check = (
            "[green]signature valid[/green]"
            if view.verification.valid
            else "[red]SIGNATURE INVALID[/red]"
        )
        console.print(
            f"[bold]{view.subject}[/bold]  ({view.message.priority}, {view.message.form})"
        )
        console.print(f"from {view.verification.signer}, key {view.verification.key}: {check}")
        console.print(view.body)
        if view.form_data:
            console.print(json.dumps(view.form_data, indent=2, ensure_ascii=False))
        for i, attachment in enumerate(view.attachments):
            console.print(
                f"attachment {i}: {attachment['name']} ({attachment['type']}, {attachment['size']:,} bytes)"
            )

    _run(as_user, work)


@messages_app.command("verify")
def verify(
    message_id: Annotated[int | None, typer.Argument(help="A stored message's id.", min=1)] = None,
    as_user: Annotated[str | None, typer.Option("--as", help="The account reading it.")] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", exists=True, dir_okay=False, help="An exported message: verified alone."
        ),
    ] = None,
) -> None:
    """Whether a message's signature holds and its content matches; exit 1 when not."""
    from bluebridge.messaging import service

    if file is not None:
        try:
            exported = json.loads(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _fail(f"{file}: not an exported message ({exc})") from None
        result = service.verify_export(exported if isinstance(exported, dict) else {})
    elif message_id is not None:
        result = _run(
            as_user,
            lambda s, runtime, p: service.verify(
                s, settings=runtime.settings, principal=p, message_id=message_id
            ),
        )
    else:
        raise _fail("give a message id or --file")
    if result.valid:
        console.print(f"valid: signed by {result.signer} with key {result.key}")
        return
    reasons = []
    if not result.signature_valid:
        reasons.append("the signature does not hold")
    if result.content_matches is False:
        reasons.append("the content does not match what was signed")
    raise _fail(f"not valid ({result.signer}, key {result.key}): " + "; ".join(reasons))


@messages_app.command("export")
def export(
    message_id: MessageArg,
    as_user: AsUser,
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The JSON file to write.")],
) -> None:
    """The signed envelope, the content and the signer's key, to verify elsewhere."""
    from bluebridge.messaging import service

    data = _run(
        as_user,
        lambda s, runtime, p: service.export(
            s, settings=runtime.settings, principal=p, message_id=message_id
        ),
    )
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    console.print(f"wrote {out}")


@messages_app.command("escalate")
def escalate() -> None:
    """Escalate unread immediate messages now (the server does it every minute)."""
    from bluebridge.messaging import service

    count = _run(
        None, lambda s, runtime, p: service.escalate(s, settings=runtime.settings, bus=runtime.bus)
    )
    console.print(f"escalated {count}")


@messages_app.command("rotate-keys")
def rotate_keys(agency: Annotated[str, typer.Argument(help="The agency's code.")]) -> None:
    """A new key version for an agency; the old ones keep old messages readable."""
    from bluebridge.members import service as members
    from bluebridge.messaging import crypto, keys

    def work(session: Any, runtime: Any, principal: Any) -> None:
        row = members.get_agency_by_code(session, code=agency)
        key = keys.rotate(session, settings=runtime.settings, principal=principal, agency_id=row.id)
        console.print(
            f"{agency}: key version {key.version}, signing {crypto.fingerprint(key.signing_public)}"
        )

    _run(None, work)
