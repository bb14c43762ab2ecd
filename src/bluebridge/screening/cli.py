"""The command line of screening: `bluebridge screen` against the store, and `bluebridge mind`
for offline copies: keys, export at the hub, screening at the border post with no network and
no database, and the upload of the hits made offline."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bluebridge.errors import InvalidInput, ServiceError

mind_app = typer.Typer(help="Offline copies for border posts (MIND).", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

NameOption = Annotated[
    list[str] | None, typer.Option("--name", help="A name, any script; repeat for aliases.")
]
BirthOption = Annotated[str | None, typer.Option("--dob", help="Birth date YYYY[-MM[-DD]].")]
NationalityOption = Annotated[str | None, typer.Option(help="Nationality (ISO or ICAO code).")]
GenderOption = Annotated[str | None, typer.Option(help="male or female.")]
MrzOption = Annotated[
    str | None, typer.Option(help="A machine-readable zone, lines separated by \\n or spaces.")
]
FileOption = Annotated[
    Path | None, typer.Option("--file", help="A manifest CSV (name, birth_date, ...).")
]
OutOption = Annotated[Path | None, typer.Option("--out", help="The results CSV to write.")]
PlaceOption = Annotated[str | None, typer.Option(help="Where the check is made.")]


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=1)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
    )


def _single_query(
    names: Sequence[str] | None,
    dob: str | None,
    nationality: str | None,
    gender: str | None,
    mrz: str | None,
) -> Any:
    from bluebridge.screening.queries import build_query, person_properties

    properties = person_properties(names or [], dob, nationality, gender)
    if mrz:
        properties["mrz"] = mrz.replace("\\n", "\n")
    schema = "Passport" if mrz else "Person"
    try:
        return build_query("query", schema, properties, "query")
    except InvalidInput as exc:
        raise _fail(exc.detail.replace("query.properties.", "")) from None


def _print_matches(query: Any, matches: Sequence[Any]) -> None:
    for note in query.notes:
        errors.print(f"[yellow]warning:[/yellow] {note}")
    if not matches:
        console.print("no hit")
        return
    table = Table(title=f"{len(matches)} match(es)")
    for column in ("reference", "result", "score", "owner", "why"):
        table.add_column(column)
    for match in matches:
        if match.possible_hit:
            table.add_row(str(match.record_id), match.message, "", match.owner_country or "", "")
        else:
            table.add_row(
                str(match.record_id),
                f"{match.title} ({match.status or match.kind})",
                f"{match.score:.2f}",
                match.owner_country or "",
                "\n".join(match.explanation),
            )
    console.print(table)


def _write_atomically(out: Path, write: Callable[[Any], int]) -> int:
    handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    partial = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as target:
            count = write(target)
        partial.replace(out)
        return count
    finally:
        partial.unlink(missing_ok=True)


def _manifest(
    file: Path, out: Path, screen_batch: Callable[[Sequence[Any]], list[Any]]
) -> tuple[int, dict[str, int]]:
    from bluebridge.screening import manifest

    with file.open(encoding="utf-8-sig", newline="") as source:
        total = max(sum(1 for _ in source) - 1, 0)
    counts: dict[str, int] = {}
    with _progress() as progress, file.open(encoding="utf-8-sig", newline="") as source:
        task = progress.add_task(f"screening {file.name}", total=total)
        try:
            rows = manifest.screen_rows(
                manifest.read_rows(source),
                screen_batch,
                progress=lambda done: progress.update(task, completed=done),
            )

            def write(target: Any) -> int:
                def counted() -> Any:
                    for row in rows:
                        status = row.result.status if row.result else "error"
                        counts[status] = counts.get(status, 0) + 1
                        yield row

                return manifest.write_results(counted(), target)

            written = _write_atomically(out, write)
        except InvalidInput as exc:
            raise _fail(exc.detail) from None
    return written, counts


def screen_command(
    names: NameOption = None,
    dob: BirthOption = None,
    nationality: NationalityOption = None,
    gender: GenderOption = None,
    mrz: MrzOption = None,
    file: FileOption = None,
    out: OutOption = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="Screen with this user's sight (default: operator).")
    ] = None,
    threshold: Annotated[float | None, typer.Option(help="Lowest score reported.")] = None,
    place: PlaceOption = None,
) -> None:
    """Screen a person (--name, --dob...), a passport (--mrz) or a manifest (--file, --out)
    against the shared databases; every query is audited and every hit stored."""
    from bluebridge.access.principal import operator_principal
    from bluebridge.cli import _acting_as, _operator, _runtime
    from bluebridge.members.models import Agency
    from bluebridge.screening import service
    from bluebridge.store.engine import unit_of_work

    if file is None and not (names or mrz):
        raise _fail("give --name (and --dob...), --mrz, or --file with --out")
    if file is not None and out is None:
        raise _fail("--file needs --out, the results CSV to write")
    runtime = _runtime(upgrade=True)
    limit = threshold if threshold is not None else runtime.settings.screening_threshold
    with runtime.sessions() as session:
        principal = _acting_as(session, as_user) if as_user else operator_principal(_operator())
        agency = session.get(Agency, principal.agency_id) if principal.agency_id else None
        agency_code = agency.code if agency is not None else None
        session.commit()

    def run(queries: Sequence[Any]) -> list[Any]:
        with unit_of_work(runtime.sessions) as session:
            results = service.screen(
                session,
                runtime.screening,
                principal=principal,
                queries=queries,
                threshold=limit,
                place=place,
                agency_code=agency_code,
            )
        _tell_owners(runtime)
        return results

    try:
        if file is not None and out is not None:
            written, counts = _manifest(file, out, run)
            summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
            console.print(f"wrote {out}: {written} rows ({summary or 'none'})")
            return
        query = _single_query(names, dob, nationality, gender, mrz)
        [result] = run([query])
    except ServiceError as exc:
        raise _fail(exc.detail) from None
    finally:
        runtime.stop()  # the index's follower, the bus
    _print_matches(query, result.matches)


def _tell_owners(runtime: Any) -> None:
    """Send the hits' messages to the records' owners now (a server would, moments later);
    if that fails the hits are kept and wait in the outbox for the server."""
    try:
        runtime.hit_outbox.drain()
    except Exception as exc:  # the hits are stored; only their messages wait
        console.print(f"[yellow]the hits are stored; their messages wait: {exc}[/yellow]")


# ---------------------------------------------------------------- mind


@mind_app.command("keygen")
def mind_keygen(
    out: Annotated[Path, typer.Option(help="Where the border post keeps its private key.")],
) -> None:
    """Make a border post's key pair; prints the public key to register at the hub."""
    from bluebridge.screening import package

    key = package.PostKey.generate()
    try:
        key.save(out)
    except FileExistsError:
        raise _fail(f"{out} exists: a key is never overwritten") from None
    console.print(f"private key written to {out} (keep it on this machine only)")
    console.print(f"public key: {key.public_b64()}")


@mind_app.command("hub-key")
def mind_hub_key() -> None:
    """Print the hub's public signing key, which border posts check packages against."""
    from bluebridge.cli import _runtime
    from bluebridge.screening import mind

    runtime = _runtime()
    key = mind.hub_key(runtime.settings)
    console.print(key.public_b64())


@mind_app.command("register")
def mind_register(
    agency: Annotated[str, typer.Option(help="The border post's agency code.")],
    public_key: Annotated[str, typer.Option(help="Its public key (from `mind keygen`).")],
) -> None:
    """Register a border post's public key at the hub (audited)."""
    from bluebridge.access.principal import operator_principal
    from bluebridge.cli import _operator, _runtime
    from bluebridge.screening import mind
    from bluebridge.store.engine import unit_of_work

    runtime = _runtime(upgrade=True)
    try:
        with unit_of_work(runtime.sessions) as session:
            row = mind.register_post_key(
                session,
                principal=operator_principal(_operator()),
                agency_code=agency,
                public_key=public_key,
            )
            key_id = row.key_id
    except ServiceError as exc:
        raise _fail(exc.detail) from None
    console.print(f"key {key_id} registered for {agency}")


@mind_app.command("export")
def mind_export(
    agency: Annotated[str, typer.Option(help="The border post's agency code.")],
    out: Annotated[Path, typer.Option(help="The package file to write.", dir_okay=False)],
    since: Annotated[
        int | None, typer.Option(help="Write a delta from this sequence number.")
    ] = None,
) -> None:
    """Write a border post's offline copy: what it may see, signed and encrypted for it."""
    from bluebridge.access.principal import operator_principal
    from bluebridge.cli import _operator, _runtime
    from bluebridge.screening import mind
    from bluebridge.store.engine import unit_of_work

    runtime = _runtime(upgrade=True)
    try:
        with _progress() as progress:
            task = progress.add_task(f"packing for {agency}", total=None)
            with unit_of_work(runtime.sessions) as session:
                data, summary = mind.export_package(
                    session,
                    settings=runtime.settings,
                    principal=operator_principal(_operator()),
                    agency_code=agency,
                    since=since,
                )
            progress.update(task, total=1, completed=1)
    except ServiceError as exc:
        raise _fail(exc.detail) from None
    _write_atomically(out, lambda target: 0)  # check the folder is writable first
    out.write_bytes(data)
    kind = f"delta since {since}" if since is not None else "full copy"
    console.print(
        f"wrote {out}: {kind} at sequence {summary.sequence}, {summary.entries} entries, "
        f"{summary.hidden} hit-only, {summary.removals} removals, {summary.size} bytes"
    )


def _load_copy(packages: Sequence[Path], key: Path, hub_public_key: str, agency: str) -> Any:
    from bluebridge.screening import mind, package

    try:
        post = package.PostKey.load(key)
        hub = package.public_key_from_b64(hub_public_key)
    except (OSError, ValueError) as exc:
        raise _fail(str(exc)) from None
    copy = mind.OfflineCopy(agency=agency)
    for path in packages:
        try:
            header = copy.apply(path.read_bytes(), hub_public=hub, post=post)
        except package.PackageRefused as exc:
            raise _fail(f"{path}: {exc}") from None
        except OSError as exc:
            raise _fail(f"{path}: {exc.strerror}") from None
        kind = "delta" if header.is_delta else "full copy"
        errors.print(f"{path}: {kind} at sequence {header.sequence} ({header.entries} entries)")
    return copy


@mind_app.command("screen")
def mind_screen(
    package_files: Annotated[
        list[Path],
        typer.Option("--package", help="A full package, then any deltas after it, in order."),
    ],
    key: Annotated[Path, typer.Option(help="The border post's private key file.")],
    hub_public_key: Annotated[str, typer.Option(help="The hub's public key (`mind hub-key`).")],
    agency: Annotated[str, typer.Option(help="This border post's agency code.")],
    names: NameOption = None,
    dob: BirthOption = None,
    nationality: NationalityOption = None,
    gender: GenderOption = None,
    mrz: MrzOption = None,
    file: FileOption = None,
    out: OutOption = None,
    journal: Annotated[Path, typer.Option(help="Where hits are kept for `mind sync`.")] = Path(
        "mind-hits.jsonl"
    ),
    place: PlaceOption = None,
) -> None:
    """Screen with no network and no database, from the post's packages; hits are kept in
    the journal for upload."""
    from bluebridge.screening import mind, service

    copy = _load_copy(package_files, key, hub_public_key, agency)

    def run(queries: Sequence[Any]) -> list[Any]:
        results = []
        for query in queries:
            matches = copy.screen(query)
            for match in matches:
                mind.journal_hit(journal, agency=agency, query=query, match=match, place=place)
            results.append(service.Result(query, matches))
        return results

    if file is not None:
        if out is None:
            raise _fail("--file needs --out, the results CSV to write")
        written, counts = _manifest(file, out, run)
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        console.print(f"wrote {out}: {written} rows ({summary or 'none'})")
        return
    if not (names or mrz):
        raise _fail("give --name (and --dob...), --mrz, or --file with --out")
    query = _single_query(names, dob, nationality, gender, mrz)
    [result] = run([query])
    _print_matches(query, result.matches)


@mind_app.command("sync")
def mind_sync(
    url: Annotated[str, typer.Option(help="The hub's address, e.g. https://hub.example.org")],
    api_key: Annotated[str, typer.Option(envvar="BLUEBRIDGE_API_KEY", help="The post's API key.")],
    journal: Annotated[Path, typer.Option(help="The journal of offline hits.")] = Path(
        "mind-hits.jsonl"
    ),
) -> None:
    """Upload the hits made offline to the hub; the journal is emptied once they are in."""
    if not journal.exists() or journal.stat().st_size == 0:
        console.print("no offline hits to upload")
        return
    lines = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines() if line]
    sent = 0
    refused: list[int] = []
    for start in range(0, len(lines), 500):
        batch = lines[start : start + 500]
        body = json.dumps(
            {
                "hits": [
                    {
                        "record_id": item["record_id"],
                        "score": item.get("score"),
                        "query": item.get("query", {}),
                        "explanation": item.get("explanation", []),
                        "screened_at": item["screened_at"],
                        "place": item.get("place"),
                    }
                    for item in batch
                ]
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the operator gives the hub's address
            url.rstrip("/") + "/api/v1/mind/hits",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            _keep(journal, lines[start:])
            raise _fail(f"the hub refused the upload ({exc.code}): {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            _keep(journal, lines[start:])
            raise _fail(f"the hub is unreachable: {exc}") from None
        sent += int(answer.get("stored", 0))
        refused += list(answer.get("refused", []))
    _keep(journal, [])
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    console.print(f"{stamp}: {sent} offline hits uploaded, {len(refused)} refused {refused or ''}")


def _keep(journal: Path, lines: Sequence[dict[str, Any]]) -> None:
    """Rewrite the journal with the hits not yet uploaded."""
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    _write_atomically(journal, lambda target: target.write(text))


__all__ = ["mind_app", "screen_command"]
