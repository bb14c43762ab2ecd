"""Passenger manifests: a CSV of travellers in, a CSV of results out. Shared by the portal's
manifest page and `bluebridge screen --file`.

Columns are recognised by name, in any case and order: `name` (or `surname` and
`given_names`), `birth_date`, `nationality`, `gender`, `document_number`,
`document_country`, `mrz`. A row that cannot be read is reported in the results with the
column and the reason; the other rows are screened all the same."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from bluebridge.errors import InvalidInput
from bluebridge.screening import service
from bluebridge.screening.queries import Query, build_query

COLUMNS = (
    "name",
    "surname",
    "given_names",
    "birth_date",
    "nationality",
    "gender",
    "document_number",
    "document_country",
    "mrz",
)
RESULT_COLUMNS = ("line", "status", "best_score", "references", "captions", "contacts", "error")
BATCH = 500
MAX_ROWS = 100_000


@dataclass
class Row:
    """One traveller of a manifest: its line, its query, or why it could not be read."""

    line: int
    query: Query | None
    error: str | None = None
    result: service.Result | None = None


def _property(column: str) -> str:
    return {
        "name": "name",
        "birth_date": "birthDate",
        "nationality": "nationality",
        "gender": "gender",
        "document_number": "number",
        "document_country": "country",
        "mrz": "mrz",
    }[column]


def read_rows(source: TextIO) -> Iterator[Row]:
    """The travellers of a manifest, each as a query or an error naming the column."""
    reader = csv.DictReader(source)
    if reader.fieldnames is None:
        return
    header = {f: (f or "").strip().lower() for f in reader.fieldnames}
    known = set(header.values()) & set(COLUMNS)
    if not known & {"name", "surname", "given_names", "document_number", "mrz"}:
        raise InvalidInput.on(
            "header",
            "a manifest needs a name (or surname and given_names), document_number or mrz column",
        )
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise InvalidInput.on("file", f"a manifest has at most {MAX_ROWS} rows")
        values = {
            header[k]: (v or "").strip()
            for k, v in raw.items()
            if k in header and isinstance(v, str)
        }
        yield _row(number, values)


def _row(line: int, values: dict[str, str]) -> Row:
    name = values.get("name") or " ".join(
        p for p in (values.get("given_names", ""), values.get("surname", "")) if p
    )
    properties: dict[str, Any] = {}
    if name:
        properties["name"] = name
    for column in (
        "birth_date",
        "nationality",
        "gender",
        "document_number",
        "document_country",
        "mrz",
    ):
        if values.get(column):
            properties[_property(column)] = values[column]
    schema = "Passport" if {"number", "mrz"} & set(properties) else "Person"
    try:
        query = build_query(str(line), schema, properties, "row")
    except InvalidInput as exc:
        problem = exc.problems[0] if exc.problems else None
        column = _column_of(problem.field) if problem else "row"
        reason = problem.reason if problem else exc.detail
        return Row(line, None, f"{column}: {reason}")
    return Row(line, query)


def _column_of(field: str) -> str:
    names = {
        "name": "name",
        "birthDate": "birth_date",
        "nationality": "nationality",
        "gender": "gender",
        "number": "document_number",
        "country": "document_country",
        "mrz": "mrz",
    }
    parts = field.split(".")
    for part in reversed(parts):
        key = part.split("[")[0]
        if key in names:
            return names[key]
    return "row"


def screen_rows(
    rows: Iterable[Row],
    run: Callable[[Sequence[Query]], list[service.Result]],
    progress: Callable[[int], None] | None = None,
) -> Iterator[Row]:
    """Screen the readable rows in batches (`run` screens one batch), yielding every row in
    order with its result or its error."""
    done = 0
    batch: list[Row] = []

    def flush() -> Iterator[Row]:
        nonlocal done
        queries = [r.query for r in batch if r.query is not None]
        results = iter(run(queries)) if queries else iter(())
        for row in batch:
            if row.query is not None:
                row.result = next(results)
            done += 1
            yield row
        batch.clear()
        if progress is not None:
            progress(done)

    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield from flush()
    if batch:
        yield from flush()


def result_line(row: Row) -> dict[str, str]:
    """A row of the results file: only what the screening user may see."""
    if row.result is None:
        return {
            "line": str(row.line),
            "status": "error",
            "best_score": "",
            "references": "",
            "captions": "",
            "contacts": "",
            "error": row.error or "",
        }
    matches = row.result.matches
    scores = [m.score for m in matches if m.score is not None and not m.possible_hit]
    return {
        "line": str(row.line),
        "status": row.result.status,
        "best_score": f"{max(scores):.2f}" if scores else "",
        "references": " ".join(str(m.record_id) for m in matches),
        "captions": " | ".join(m.title or "" for m in matches if not m.possible_hit),
        "contacts": " | ".join(m.message for m in matches if m.possible_hit),
        "error": "; ".join(row.result.query.notes),
    }


def write_results(rows: Iterable[Row], target: TextIO) -> int:
    """Write the results CSV; how many rows were written."""
    writer = csv.DictWriter(target, fieldnames=RESULT_COLUMNS)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: _safe_cell(v) for k, v in result_line(row).items()})
        count += 1
    return count


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def results_csv(rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    write_results(rows, buffer)
    return buffer.getvalue()


__all__ = [
    "COLUMNS",
    "RESULT_COLUMNS",
    "Row",
    "read_rows",
    "result_line",
    "screen_rows",
    "write_results",
]
