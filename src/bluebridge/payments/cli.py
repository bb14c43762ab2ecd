"""The command line of I-GRIP: `bluebridge igrip ...` to file a request from a JSON file, list
the cases and show one, take a step on a leg, write a leg's camt.056, read a bank's camt.029,
close a case, escalate the legs past their targets, and print the dashboard's figures. A
command acts for the account named with `--as` (the operator vouching for it)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from bluebridge.messaging.cli import AsUser, _fail, _run

igrip_app = typer.Typer(
    help="I-GRIP: rapid interception of fraudulent payments.", no_args_is_help=True
)
console = Console()

CaseArg = Annotated[int, typer.Argument(help="The case's id.", min=1)]
LegArg = Annotated[int, typer.Argument(help="The leg's id.", min=1)]


def _json_file(path: Path, option: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(f"{option}: cannot read {path} as JSON ({exc})") from None


@igrip_app.command("file")
def file_case(
    request_file: Annotated[
        Path, typer.Option("--file", help="The request as JSON (see docs/igrip.md).", exists=True)
    ],
    as_user: AsUser,
    evidence: Annotated[
        list[Path] | None,
        typer.Option(help="A file of evidence to attach; repeat.", exists=True, dir_okay=False),
    ] = None,
) -> None:
    """File a request: each payment is routed at once to its country's desks."""
    from bluebridge.messaging.service import Attachment
    from bluebridge.payments import service

    data = _json_file(request_file, "--file")
    if not isinstance(data, dict):
        raise _fail("--file: the request is a JSON object")

    def work(session: Any, runtime: Any, principal: Any) -> None:
        case = service.file_case(
            session,
            settings=runtime.settings,
            principal=principal,
            bus=runtime.bus,
            filing=service.parse_filing(data),
            attachments=[Attachment(p.name, p.read_bytes()) for p in evidence or ()],
        )
        console.print(f"filed {case.reference} (case {case.id}) with {len(case.legs)} legs:")
        for leg in case.legs:
            console.print(
                f"  leg {leg.id} {leg.reference}: {leg.amount} {leg.currency} to "
                f"{leg.beneficiary_country}, answer due {leg.answer_due_at:%Y-%m-%d %H:%M} UTC"
            )

    _run(as_user, work)


@igrip_app.command("list")
def list_cases(
    as_user: AsUser,
    status: Annotated[str | None, typer.Option(help="open or closed")] = None,
    page: Annotated[int, typer.Option(min=1)] = 1,
) -> None:
    """The cases the account sees, newest first."""
    from bluebridge.payments import service

    def work(session: Any, runtime: Any, principal: Any) -> None:
        result = service.list_cases(session, principal=principal, status=status, page=page)
        table = Table(title=f"I-GRIP cases ({result.total})")
        for column in ("id", "reference", "fraud type", "from", "status", "legs", "filed"):
            table.add_column(column)
        for case in result.items:
            table.add_row(
                str(case.id),
                case.reference,
                case.fraud_type,
                case.requesting_country,
                case.status,
                str(len(case.legs)),
                f"{case.created_at:%Y-%m-%d %H:%M}",
            )
        console.print(table)

    _run(as_user, work)


@igrip_app.command("show")
def show(case_id: CaseArg, as_user: AsUser) -> None:
    """One case: its legs as the account may see them, their states and clocks, its alerts."""
    from bluebridge.access import payments as access
    from bluebridge.payments import service

    def work(session: Any, runtime: Any, principal: Any) -> None:
        case = service.get_case(session, principal=principal, case_id=case_id)
        console.print(
            f"[bold]{case.reference}[/bold] {case.fraud_type} from {case.requesting_country}, "
            f"{case.status}"
        )
        table = Table()
        for column in ("leg", "hop", "amount", "to", "beneficiary", "state", "frozen", "due"):
            table.add_column(column)
        for leg in access.visible_legs(principal, case):
            overdue = service.is_overdue(leg)
            table.add_row(
                f"{leg.id} {leg.reference}",
                str(leg.hop),
                f"{leg.amount} {leg.currency}",
                leg.beneficiary_country,
                leg.beneficiary_name,
                f"[red]{leg.state} (overdue)[/red]" if overdue else leg.state,
                leg.frozen_amount or "",
                f"{leg.answer_due_at:%Y-%m-%d %H:%M}",
            )
        console.print(table)
        for alert in service.alerts(session, principal=principal, case=case):
            other = alert.other_reference or f"a case of {alert.other_country}"
            console.print(f"[yellow]alert[/yellow]: {alert.kind} {alert.value} is also in {other}")

    _run(as_user, work)


@igrip_app.command("step")
def step(
    leg_id: LegArg,
    state: Annotated[
        str,
        typer.Option(
            help="acknowledged, bank_requested, frozen, moved_on, nothing_found, returned, closed"
        ),
    ],
    as_user: AsUser,
    amount: Annotated[
        str | None, typer.Option(help="Frozen or returned; all when not given.")
    ] = None,
    note: Annotated[str, typer.Option(help="What the bank said.")] = "",
    onward: Annotated[
        Path | None,
        typer.Option(help="moved_on: the onward transfers, a JSON list.", exists=True),
    ] = None,
) -> None:
    """A step on a leg by its country (an onward transfer becomes a new leg)."""
    from bluebridge.payments import service

    change: dict[str, Any] = {"state": state, "note": note}
    if amount is not None:
        change["amount"] = amount
    if onward is not None:
        change["onward"] = _json_file(onward, "--onward")

    def work(session: Any, runtime: Any, principal: Any) -> None:
        leg = service.step(
            session,
            settings=runtime.settings,
            principal=principal,
            bus=runtime.bus,
            leg_id=leg_id,
            change=service.parse_step(change),
        )
        console.print(f"leg {leg.reference} is {leg.state}")
        for child in leg.case.legs:
            if child.parent_id == leg.id:
                console.print(
                    f"  onward leg {child.id} {child.reference}: {child.amount} {child.currency} "
                    f"to {child.beneficiary_country}"
                )

    _run(as_user, work)


@igrip_app.command("camt056")
def camt056(
    leg_id: LegArg,
    as_user: AsUser,
    out: Annotated[Path | None, typer.Option(help="Where to write it.")] = None,
) -> None:
    """Write a leg's payment cancellation request (ISO 20022 camt.056.001.08)."""
    from bluebridge.payments import service

    def work(session: Any, runtime: Any, principal: Any) -> None:
        name, xml = service.cancellation_request(session, principal=principal, leg_id=leg_id)
        target = out or Path(name)
        target.write_bytes(xml)
        console.print(f"wrote {target} ({len(xml)} bytes)")

    _run(as_user, work)


@igrip_app.command("camt029")
def camt029(
    answer: Annotated[Path, typer.Argument(help="The bank's camt.029 file.", exists=True)],
    as_user: AsUser,
) -> None:
    """Read a bank's resolution of investigation (camt.029) into its leg's state."""
    from bluebridge.payments import service

    data = answer.read_bytes()

    def work(session: Any, runtime: Any, principal: Any) -> None:
        leg = service.apply_resolution(
            session, settings=runtime.settings, principal=principal, bus=runtime.bus, xml=data
        )
        console.print(f"leg {leg.reference} is {leg.state}")

    _run(as_user, work)


@igrip_app.command("close")
def close(
    case_id: CaseArg,
    as_user: AsUser,
    note: Annotated[str, typer.Option(help="Why the case is closed.")],
) -> None:
    """Close a case (the requesting side only)."""
    from bluebridge.payments import service

    def work(session: Any, runtime: Any, principal: Any) -> None:
        case = service.close_case(session, principal=principal, case_id=case_id, note=note)
        console.print(f"closed {case.reference}")

    _run(as_user, work)


@igrip_app.command("trace")
def trace(
    case_id: CaseArg,
    as_user: AsUser,
    subject: Annotated[
        list[int] | None, typer.Option(help="A person or company record; repeat.")
    ] = None,
) -> None:
    """Draft a silver notice from a case (the silver pilot's countries): its facts and its
    beneficiary accounts to locate. Submit it with `bluebridge notices submit`."""
    from bluebridge.payments import tracing

    def work(session: Any, runtime: Any, principal: Any) -> None:
        notice = tracing.request_tracing(
            session,
            settings=runtime.settings,
            principal=principal,
            case_id=case_id,
            subjects=subject or [],
        )
        console.print(
            f"drafted silver notice {notice.id} ({notice.reference}) with "
            f"{len(notice.content.get('assets', []))} assets to locate"
        )

    _run(as_user, work)


@igrip_app.command("escalate")
def escalate() -> None:
    """Escalate every leg past its acknowledgement or answer target (the server does it every
    minute)."""
    from bluebridge.payments import service

    def work(session: Any, runtime: Any, principal: Any) -> None:
        count = service.escalate_overdue(session, settings=runtime.settings, bus=runtime.bus)
        console.print(f"escalated {count} legs")

    _run(None, work)


@igrip_app.command("dashboard")
def dashboard(as_user: AsUser) -> None:
    """The network's figures, as JSON."""
    from bluebridge.payments import service

    def work(session: Any, runtime: Any, principal: Any) -> None:
        figures = service.dashboard(session, settings=runtime.settings, principal=principal)
        values = vars(figures) | {
            "country_pairs": [[a, b, n] for (a, b), n in figures.country_pairs.items()]
        }
        console.print_json(json.dumps(values, default=_plain))

    _run(as_user, work)


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__}")
