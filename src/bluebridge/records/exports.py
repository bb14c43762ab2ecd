"""Exports of records: FollowTheMoney entities as JSON lines for the kinds that map onto FTM,
and a STIX 2.1 bundle of cyber indicators. Only what the principal may see in full goes out:
the content filter is in the query, a record seen as metadata only (a data protection
officer's sight) is left out whole, and each record of another agency that goes out is
written to its owner's access log and named in the audit.

An export is a long job over a whole kind: it reads in pages by id and commits after each
page (its access log lines and audit event), so that what was sent is on record even when
the reader stops half way, and no transaction stays open for the whole stream."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bluebridge.access import handling
from bluebridge.access import records as access
from bluebridge.access.principal import Principal
from bluebridge.audit import service as audit
from bluebridge.errors import InvalidInput
from bluebridge.records import ftm, registry, service
from bluebridge.records.kinds import cyber_indicators
from bluebridge.records.models import Record

PAGE_SIZE = 500
# A STIX indicator's id, as an owner's reference taken from an imported bundle.
STIX_INDICATOR_ID = re.compile(
    r"indicator--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)


class ExportFormat(StrEnum):
    FTM = "ftm"
    STIX = "stix"


def check_format(kind_name: str, format: ExportFormat) -> None:
    """Refuse a format the kind does not map onto, before anything is read."""
    kind = registry.get(kind_name)
    if format is ExportFormat.STIX and kind.name != cyber_indicators.KIND.name:
        raise InvalidInput.on("format", "STIX 2.1 exports cyber_indicators only")
    if format is ExportFormat.FTM and ftm.mapping_for(kind.name) is None:
        kinds = ", ".join(sorted(ftm.MAPPINGS))
        raise InvalidInput.on("format", f"{kind.name} has no FollowTheMoney schema; FTM: {kinds}")


def _pages(
    session: Session,
    principal: Principal,
    kind_name: str,
    format: ExportFormat,
    operator: str | None,
) -> Iterator[list[Record]]:
    """The records of a kind the principal sees in full, a page at a time by id; each page
    noted in the owners' access logs and audited, then committed, before it is handed on."""
    last = 0
    while True:
        page = list(
            session.scalars(
                select(Record)
                .where(
                    Record.kind == kind_name,
                    Record.id > last,
                    # Content, not metadata: a metadata-only sight exports nothing; and not
                    # another's record that may not be passed on.
                    access.content_filter(principal),
                    handling.export_filter(principal),
                )
                .order_by(Record.id)
                .limit(PAGE_SIZE)
            )
        )
        if not page:
            return
        last = page[-1].id
        full = [
            r
            for r in page
            if access.sight(principal, r) is access.Sight.FULL and handling.may_export(principal, r)
        ]
        foreign = [r for r in full if r.owner_agency_id != principal.agency_id]
        service.note_access(session, principal, foreign, service.AccessAction.EXPORT)
        if full:
            audit.record(
                session,
                principal=principal,
                action="record.export",
                object_type=kind_name,
                details={
                    "format": format.value,
                    "records": [r.id for r in full],
                    "countries": sorted({r.owner_country or "-" for r in foreign}),
                }
                | ({"operator": operator} if operator else {}),
            )
        session.commit()
        yield full
        session.expunge_all()  # memory stays one page, however large the kind


def entity_id(principal: Principal, record: Record) -> str:
    """The FTM id of a record: the owner's own reference for the owner (so that its export
    imports back onto the same records), else an id that names the record and nothing of
    its owner's references."""
    if record.owner_agency_id == principal.agency_id and record.owner_reference:
        return record.owner_reference
    return f"bluebridge-{record.kind}-{record.id}"


def export_ftm(
    session: Session, *, principal: Principal, kind_name: str, operator: str | None = None
) -> Iterator[str]:
    """FTM entities of a kind as JSON lines, one record a line (a long job: see above);
    `operator` names who ran it at the command line, for the audit."""
    check_format(kind_name, ExportFormat.FTM)
    for page in _pages(session, principal, kind_name, ExportFormat.FTM, operator):
        lines = [
            json.dumps(
                ftm.to_entity(
                    kind_name,
                    entity_id(principal, record),
                    record.payload,
                    record.handling_codes or (),
                ),
                ensure_ascii=False,
            )
            + "\n"
            for record in page
        ]
        if lines:
            yield "".join(lines)


def stix_id(principal: Principal, record: Record) -> str | None:
    """The STIX id of a record when it is the owner's own reference (the indicator came in
    from a bundle), so that the owner's export imports back onto the same records; None for
    the id derived from the record alone, which is every other agency's."""
    reference = record.owner_reference
    if record.owner_agency_id != principal.agency_id or not reference:
        return None
    return reference if STIX_INDICATOR_ID.fullmatch(reference) else None


def _stix_object(principal: Principal, record: Record) -> dict[str, Any]:
    payload = cyber_indicators.CyberIndicatorPayload.model_validate(record.payload)
    indicator = cyber_indicators.to_stix(
        payload, record.id, created=record.created_at, modified=record.updated_at
    )
    parsed: dict[str, Any] = json.loads(indicator.serialize())
    own = stix_id(principal, record)
    if own is not None:
        parsed["id"] = own
    if record.handling_codes:
        parsed[ftm.HANDLING_PROPERTY] = list(record.handling_codes)
    return parsed


def export_stix(
    session: Session, *, principal: Principal, kind_name: str, operator: str | None = None
) -> Iterator[str]:
    """A STIX 2.1 bundle of the cyber indicators the principal sees, streamed as text: the
    TLP marking definitions first, then one indicator per record (a long job: see above)."""
    check_format(kind_name, ExportFormat.STIX)
    bundle_id = f"bundle--{uuid.uuid4()}"
    yield '{"type": "bundle", "id": "' + bundle_id + '", "objects": [\n'
    markings = [json.loads(m.serialize()) for m in cyber_indicators.TLP_MARKINGS.values()]
    yield ",\n".join(json.dumps(m) for m in markings)
    for page in _pages(session, principal, kind_name, ExportFormat.STIX, operator):
        objects = [json.dumps(_stix_object(principal, r)) for r in page]
        if objects:
            yield ",\n" + ",\n".join(objects)
    yield "\n]}\n"


__all__ = ["ExportFormat", "check_format", "entity_id", "export_ftm", "export_stix", "stix_id"]
