"""MIND: offline copies of the screening data for border posts with no reliable connection.

The hub writes, for one border post, a package holding only what that post may see and only
the fields screening needs (data minimisation), encrypted for the post's key and signed by
the hub (see `package`), current to one change sequence number. A delta package holds what
changed since an earlier one: new and changed entries, and removals.

What goes in, for each record the post may learn of:
- a record it sees in full: its id, names (or exact keys), birth date, gender, nationalities,
  caption, the subject's status and the owner country;
- a hit-only record: its id and owner country with the NCB to contact, and nothing readable:
  its name keys and exact keys as keyed hashes (HMAC-SHA256 under a key drawn for the
  package), so that the post can tell a possible hit and nothing more;
- removals are named by a tag (a keyed hash of the record id under the post's own key), so
  that a delta tells the post which of its entries to drop without naming records it never
  had.

At the post, `OfflineCopy` loads a full package and the deltas after it in order, screens
with the same scorer as the hub (`names`, `evidence`, `index`), and keeps each hit in a
journal, which `bluebridge mind sync` uploads to the hub's normal hit workflow.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bluebridge.access.principal import Channel as PrincipalChannel
from bluebridge.access.principal import Principal, PrincipalKind, RequestContext, Role
from bluebridge.audit import service as audit
from bluebridge.errors import InvalidInput, NotFound
from bluebridge.members import reference
from bluebridge.members.models import Agency, AgencyKind
from bluebridge.members.security import derive_key
from bluebridge.records.models import Record, RecordKey
from bluebridge.screening import package
from bluebridge.screening.evidence import birth_code, could_match_birth
from bluebridge.screening.index import (
    ObjectEntry,
    PersonEntry,
    Policy,
    ScreeningIndex,
    Visibility,
)
from bluebridge.screening.models import MindKey
from bluebridge.screening.names import name_keys, parse_name
from bluebridge.screening.queries import Query
from bluebridge.screening.service import (
    NAME_KEY_TYPES,
    PERSON_KIND,
    _grants_by_record,
    _row_policy,
    object_entry,
    person_entry,
    visibility_for,
)
from bluebridge.settings import Settings
from bluebridge.store.base import utcnow

HUB_KEY_FILE = "mind_hub.key"
# What a border post screens offline: persons, and the documents, vehicles, vessels, firearms
# and works of art that cross a border. Biometric, financial and cyber records stay at the hub.
MIND_KINDS = (
    PERSON_KIND,
    "travel_documents",
    "vehicles",
    "vessels",
    "firearms",
    "artworks",
)
PAYLOAD_FORMAT = "bluebridge-mind/1"


# ---------------------------------------------------------------- keys at the hub


def hub_key(settings: Settings) -> package.HubKey:
    """The hub's signing key, made in the data directory on first use (mode 0600)."""
    path = settings.data_dir / HUB_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process made it first
            package.HubKey.generate().save(path)
    return package.HubKey.load(path)


def _border_post(session: Session, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None or not agency.active:
        raise NotFound(f"no active agency {code!r}")
    if agency.kind != AgencyKind.BORDER_POST.value:
        raise InvalidInput.on("agency", f"{code} is not a border post ({agency.kind})")
    return agency


def register_post_key(
    session: Session, *, principal: Principal, agency_code: str, public_key: str
) -> MindKey:
    """Record a border post's public key (audited); its packages are encrypted for it."""
    agency = _border_post(session, agency_code)
    try:
        raw = package.public_key_from_b64(public_key)
    except ValueError as exc:
        raise InvalidInput.on("public_key", str(exc)) from None
    row = session.get(MindKey, agency.id)
    if row is None:
        row = MindKey(agency_id=agency.id, public_key="", key_id="", registered_by="")
        session.add(row)
    row.public_key = public_key.strip()
    row.key_id = package.key_id(raw)
    row.registered_at = utcnow()
    row.registered_by = principal.name
    audit.record(
        session,
        principal=principal,
        action="mind.key_registered",
        object_type="agency",
        object_id=agency.id,
        object_country=agency.country,
        details={"key_id": row.key_id},
    )
    return row


def post_principal(agency: Agency) -> Principal:
    """The border post as a principal: what its officers may see, for its package."""
    region = None
    if agency.country:
        try:
            region = reference.member_by_alpha3(agency.country).region.value
        except (KeyError, ValueError):
            region = None
    return Principal(
        kind=PrincipalKind.API_KEY,
        id=None,
        name=f"mind:{agency.code}",
        agency_id=agency.id,
        agency_kind=agency.kind,
        country=agency.country,
        roles=frozenset({Role.BORDER_OFFICER}),
        context=RequestContext(channel=PrincipalChannel.SYSTEM),
        region=region,
        specialty=agency.specialty,
    )


# ---------------------------------------------------------------- writing a package


def _tag(settings: Settings, agency_code: str, record_id: int) -> str:
    key = derive_key(settings, f"mind-tag:{agency_code}")
    return hmac.new(key, str(record_id).encode(), hashlib.sha256).hexdigest()[:24]


def _hashed(salt: bytes, value: str) -> str:
    return hmac.new(salt, value.encode(), hashlib.sha256).hexdigest()[:24]


@dataclass
class ExportSummary:
    agency: str
    sequence: int
    since: int | None
    entries: int
    removals: int
    hidden: int
    package_id: str
    size: int


def _contacts(session: Session) -> dict[str, tuple[str, str]]:
    rows = session.execute(
        select(Agency.country, Agency.code, Agency.name).where(Agency.kind == AgencyKind.NCB.value)
    )
    return {country: (code, name) for country, code, name in rows if country}


def _entry_lines(
    session: Session,
    settings: Settings,
    agency: Agency,
    since: int | None,
    salt: bytes,
    counts: dict[str, int],
) -> Iterator[dict[str, Any]]:
    principal = post_principal(agency)
    visibility = visibility_for(principal)
    contacts = _contacts(session)
    ids_query = select(Record.id).where(Record.kind.in_(MIND_KINDS))
    if since is not None:
        ids_query = ids_query.where(Record.seq > since)
    else:
        ids_query = ids_query.where(Record.status == "active")
    ids = list(session.scalars(ids_query.order_by(Record.id)))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        grants = _grants_by_record(session, chunk)
        keys: dict[int, list[tuple[str, str]]] = {}
        for record_id, key_type, value in session.execute(
            select(RecordKey.record_id, RecordKey.key_type, RecordKey.value).where(
                RecordKey.record_id.in_(chunk)
            )
        ):
            keys.setdefault(record_id, []).append((key_type, value))
        rows = session.execute(
            select(
                Record.id,
                Record.seq,
                Record.kind,
                Record.status,
                Record.title,
                Record.payload,
                Record.owner_agency_id,
                Record.owner_country,
                Record.access_mode,
                Record.handling_codes,
            ).where(Record.id.in_(chunk))
        )
        for row in rows:
            policy = _row_policy(row, grants)
            seen = visibility(policy) if row.status == "active" else Visibility.NONE
            tag = _tag(settings, agency.code, row.id)
            if seen is Visibility.NONE:
                if since is not None:
                    counts["removals"] += 1
                    yield {"t": "remove", "tag": tag}
                continue
            line = _entry_line(row, keys.get(row.id, []), seen, tag, salt, contacts)
            if line is None:
                if since is not None:
                    counts["removals"] += 1
                    yield {"t": "remove", "tag": tag}
                continue
            counts["hidden" if seen is Visibility.POSSIBLE_HIT else "entries"] += 1
            yield line


def _entry_line(
    row: Any,
    keys: Sequence[tuple[str, str]],
    seen: Visibility,
    tag: str,
    salt: bytes,
    contacts: dict[str, tuple[str, str]],
) -> dict[str, Any] | None:
    owner = row.owner_country
    if seen is Visibility.POSSIBLE_HIT:
        contact = contacts.get(owner or "")
        line: dict[str, Any] = {
            "t": "hidden",
            "id": row.id,
            "tag": tag,
            "owner": owner,
            "contact": list(contact) if contact else None,
        }
        if row.kind == PERSON_KIND:
            entry = person_entry(row.id, row.seq, row.title, row.payload)
            hashed: set[str] = set()
            for name in entry.names:
                hashed |= {_hashed(salt, k) for k in name_keys(parse_name(name)) if k[0] == "2"}
            # No birth date: a hidden person is told by its names alone (more possible hits
            # offline, and nothing readable in the package).
            line["names"] = sorted(hashed)
        else:
            line["keys"] = sorted(
                _hashed(salt, f"{t}:{v}") for t, v in keys if t not in NAME_KEY_TYPES
            )
        return line
    if row.kind == PERSON_KIND:
        entry = person_entry(row.id, row.seq, row.title, row.payload)
        return {
            "t": "person",
            "id": row.id,
            "tag": tag,
            "seq": row.seq,
            "owner": owner,
            "names": list(entry.names),
            "birth": list(entry.birth) if entry.birth else None,
            "gender": entry.gender,
            "nationalities": list(entry.nationalities),
            "title": entry.title,
            "status": entry.status,
        }
    obj = object_entry(row.id, row.seq, row.kind, row.title, keys, row.payload)
    if obj is None:
        return None
    status = row.payload.get("status") if isinstance(row.payload, dict) else None
    return {
        "t": "object",
        "id": row.id,
        "tag": tag,
        "seq": row.seq,
        "owner": owner,
        "kind": row.kind,
        "keys": list(obj.keys),
        "fuzzy": obj.fuzzy,
        "title": row.title,
        "status": str(status) if status else None,
    }


def export_package(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    agency_code: str,
    since: int | None = None,
    now: dt.datetime | None = None,
) -> tuple[bytes, ExportSummary]:
    """A package for one border post (full, or a delta from `since`), audited."""
    agency = _border_post(session, agency_code)
    key = session.get(MindKey, agency.id)
    if key is None:
        raise InvalidInput.on(
            "agency", f"{agency_code} has no registered key: run `bluebridge mind register`"
        )
    sequence = int(session.scalar(select(func.coalesce(func.max(Record.seq), 0))) or 0)
    if since is not None and not 0 <= since <= sequence:
        raise InvalidInput.on("since", f"must be between 0 and the current sequence {sequence}")
    salt = secrets.token_bytes(32)
    counts = {"entries": 0, "hidden": 0, "removals": 0}
    header = {
        "format": PAYLOAD_FORMAT,
        "agency": agency.code,
        "sequence": sequence,
        "since": since,
        "salt": salt.hex(),
        "threshold": settings.screening_threshold,
    }
    lines = [json.dumps(header, ensure_ascii=False)]
    lines += [
        json.dumps(line, ensure_ascii=False, separators=(",", ":"))
        for line in _entry_lines(session, settings, agency, since, salt, counts)
    ]
    payload = ("\n".join(lines) + "\n").encode()
    data = package.write_package(
        payload,
        hub=hub_key(settings),
        recipient_agency=agency.code,
        recipient_public=package.public_key_from_b64(key.public_key),
        sequence=sequence,
        since=since,
        entries=counts["entries"] + counts["hidden"] + counts["removals"],
        valid_for=dt.timedelta(days=settings.mind_package_days),
        now=now,
    )
    peek = package.peek_header(data)
    audit.record(
        session,
        principal=principal,
        action="mind.export",
        object_type="agency",
        object_id=agency.id,
        object_country=agency.country,
        details={"package_id": peek.package_id, "sequence": sequence, "since": since, **counts},
    )
    return data, ExportSummary(
        agency.code,
        sequence,
        since,
        counts["entries"],
        counts["removals"],
        counts["hidden"],
        peek.package_id,
        len(data),
    )


# ---------------------------------------------------------------- at the border post


@dataclass(frozen=True, slots=True)
class OfflineMatch:
    record_id: int
    possible_hit: bool
    owner_country: str | None
    score: float | None
    title: str | None
    status: str | None
    kind: str
    explanation: list[str]
    contact: tuple[str, str] | None = None

    @property
    def message(self) -> str:
        if self.possible_hit:
            who = self.contact[1] if self.contact else f"the NCB of {self.owner_country}"
            return f"possible hit: contact {who}, reference {self.record_id}"
        return f"hit: {self.title} (score {self.score:.2f})"


@dataclass
class _Hidden:
    record_id: int
    owner: str | None
    contact: tuple[str, str] | None
    birth: int
    kind: str


@dataclass
class OfflineCopy:
    """The screening data of one border post, loaded from its packages; no network, no
    database."""

    agency: str
    sequence: int | None = None
    threshold: float = 0.8
    salt: bytes = b""
    package_ids: list[str] = field(default_factory=list)
    _lines: dict[str, dict[str, Any]] = field(default_factory=dict)
    _index: ScreeningIndex | None = None
    _hidden: dict[str, list[_Hidden]] = field(default_factory=dict)
    _by_id: dict[int, dict[str, Any]] = field(default_factory=dict)

    def apply(
        self,
        data: bytes,
        *,
        hub_public: bytes,
        post: package.PostKey,
        now: dt.datetime | None = None,
    ) -> package.PackageHeader:
        """Take a package (a full copy, or the delta after the current one); PackageRefused
        when it is tampered, expired, for another post or out of order."""
        header, payload = package.read_package(
            data,
            hub_public=hub_public,
            post=post,
            recipient_agency=self.agency,
            current_sequence=self.sequence,
            now=now,
        )
        # Read into a copy: a package that fails half way leaves the post's copy as it was.
        previous = self._lines
        try:
            lines = iter(payload.decode().splitlines())
            meta = json.loads(next(lines))
            if meta.get("format") != PAYLOAD_FORMAT:
                raise ValueError("it holds no MIND data")
            entries: dict[str, dict[str, Any]] = dict(previous) if header.is_delta else {}
            salt = bytes.fromhex(meta["salt"])
            for raw in lines:
                if not raw:
                    continue
                line = json.loads(raw)
                if line["t"] == "remove":
                    entries.pop(line["tag"], None)
                else:
                    line["salt"] = salt.hex()
                    entries[line["tag"]] = line
            self._lines = entries
            self._build()
        except (KeyError, TypeError, ValueError, StopIteration) as exc:
            self._lines = previous
            raise package.PackageRefused(
                "malformed", f"the package's entries cannot be read ({exc})", header
            ) from None
        self.sequence = header.sequence
        self.threshold = float(meta.get("threshold", self.threshold))
        self.package_ids.append(header.package_id)
        return header

    def _build(self) -> None:
        index = ScreeningIndex()
        hidden: dict[str, list[_Hidden]] = {}
        for line in self._lines.values():
            policy = Policy(owner_agency_id=0, owner_country=line.get("owner"), access_mode="all")
            if line["t"] == "person":
                birth = line.get("birth")
                index.add_person(
                    PersonEntry(
                        record_id=line["id"],
                        seq=line["seq"],
                        names=tuple(line["names"]),
                        birth=(birth[0], birth[1], birth[2]) if birth else None,
                        gender=line.get("gender"),
                        nationalities=tuple(line.get("nationalities") or ()),
                        title=line["title"],
                        status=line.get("status") or "",
                    ),
                    policy,
                )
            elif line["t"] == "object":
                index.add_object(
                    ObjectEntry(
                        line["id"],
                        line["seq"],
                        line["kind"],
                        tuple(line["keys"]),
                        line["title"],
                        line.get("fuzzy"),
                    ),
                    policy,
                )
            elif line["t"] == "hidden":
                contact = tuple(line["contact"]) if line.get("contact") else None
                entry = _Hidden(
                    line["id"],
                    line.get("owner"),
                    (contact[0], contact[1]) if contact else None,
                    0,
                    PERSON_KIND if "names" in line else "object",
                )
                prefix = line["salt"] + ":"
                for value in line.get("names", []) + line.get("keys", []):
                    hidden.setdefault(prefix + value, []).append(entry)
        index.seal()
        self._index = index
        self._hidden = hidden
        self._by_id = {line["id"]: line for line in self._lines.values()}

    @property
    def entries(self) -> int:
        return len(self._lines)

    def screen(self, query: Query, *, threshold: float | None = None) -> list[OfflineMatch]:
        """Screen one query against the copy, with the hub's scorer."""
        if self._index is None:
            raise InvalidInput.on("package", "no package is loaded")
        limit = threshold if threshold is not None else self.threshold

        def everything(_policy: Policy) -> Visibility:
            return Visibility.FULL

        out: list[OfflineMatch] = []
        if query.names:
            for hit in self._index.search_person(
                query.names,
                birth=query.birth,
                nationalities=query.nationalities,
                gender=query.gender,
                visibility=everything,
                threshold=limit,
            ):
                out.append(
                    OfflineMatch(
                        hit.entry.record_id,
                        False,
                        hit.policy.owner_country,
                        hit.score.score,
                        hit.entry.title,
                        hit.entry.status or None,
                        PERSON_KIND,
                        hit.score.explain(),
                    )
                )
        for found in self._index.search_keys(query.keys, visibility=everything):
            for obj in found:
                line = self._by_id.get(obj.record_id, {})
                out.append(
                    OfflineMatch(
                        obj.record_id,
                        False,
                        obj.policy.owner_country,
                        1.0,
                        line.get("title"),
                        line.get("status"),
                        obj.kind,
                        [f"{obj.key}: exact key"],
                    )
                )
        out.extend(self._hidden_matches(query))
        seen: set[int] = set()
        unique = []
        for match in out:
            if match.record_id not in seen:
                seen.add(match.record_id)
                unique.append(match)
        return unique

    def _hidden_matches(self, query: Query) -> list[OfflineMatch]:
        found: dict[int, _Hidden] = {}
        code = birth_code(query.birth)
        salts = {line["salt"] for line in self._lines.values() if line["t"] == "hidden"}
        for salt_hex in salts:
            salt = bytes.fromhex(salt_hex)
            values = list(query.keys)
            for name in query.names:
                values += [k for k in name_keys(parse_name(name)) if k[0] == "2"]
            for value in values:
                for entry in self._hidden.get(salt_hex + ":" + _hashed(salt, value), []):
                    if entry.kind == PERSON_KIND and not could_match_birth(code, entry.birth):
                        continue
                    found[entry.record_id] = entry
        return [
            OfflineMatch(e.record_id, True, e.owner, None, None, None, e.kind, [], e.contact)
            for e in found.values()
        ]


# ---------------------------------------------------------------- the hit journal


def journal_hit(
    path: Path, *, agency: str, query: Query, match: OfflineMatch, place: str | None
) -> None:
    """Keep an offline hit for upload (one JSON line, appended)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {
        "agency": agency,
        "record_id": match.record_id,
        "possible_hit": match.possible_hit,
        "score": match.score,
        "query": query.summary(),
        "explanation": match.explanation,
        "screened_at": utcnow().isoformat(),
        "place": place,
    }
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")


__all__ = [
    "ExportSummary",
    "OfflineCopy",
    "OfflineMatch",
    "export_package",
    "hub_key",
    "journal_hit",
    "post_principal",
    "register_post_key",
]


# ---------------------------------------------------------------- offline hits at the hub


@dataclass(frozen=True, slots=True)
class OfflineHit:
    record_id: int
    score: float | None
    query: dict[str, Any]
    explanation: list[str]
    screened_at: dt.datetime
    place: str | None


def upload_hits(
    session: Session,
    *,
    principal: Principal,
    hits: Sequence[OfflineHit],
) -> tuple[int, list[int]]:
    """Hits made offline at a border post enter the normal hit workflow: stored (source
    offline, with the time they were made), shown to the owner, logged and audited. A hit on a
    record the post may not learn of (any more) is not stored; its reference is returned."""
    from bluebridge.errors import PermissionDenied
    from bluebridge.screening.service import HitBatch, Target, may_screen

    if not may_screen(principal):
        raise PermissionDenied("uploading hits needs the border officer or officer role")
    if (
        principal.agency_kind != AgencyKind.BORDER_POST.value
        or principal.agency_id is None
        or session.get(MindKey, principal.agency_id) is None
    ):
        raise PermissionDenied("only a border post with a registered MIND key uploads offline hits")
    ids = sorted({h.record_id for h in hits})
    grants = _grants_by_record(session, ids)
    rows = {
        row.id: row
        for row in session.execute(
            select(
                Record.id,
                Record.kind,
                Record.status,
                Record.payload,
                Record.owner_agency_id,
                Record.owner_country,
                Record.access_mode,
                Record.handling_codes,
            ).where(Record.id.in_(ids))
        )
    }
    visibility = visibility_for(principal)
    agency = session.get(Agency, principal.agency_id) if principal.agency_id else None
    batch = HitBatch(
        session,
        principal,
        agency_code=agency.code if agency else None,
        source="offline",
        now=utcnow(),
    )
    stored = 0
    refused: list[int] = []
    for hit in hits:
        row = rows.get(hit.record_id)
        seen = visibility(_row_policy(row, grants)) if row is not None else Visibility.NONE
        if (
            row is None
            or row.status != "active"
            or row.kind not in MIND_KINDS
            or seen is Visibility.NONE
        ):
            refused.append(hit.record_id)
            continue
        status = row.payload.get("status") if isinstance(row.payload, dict) else None
        batch.add(
            Target(row.id, row.kind, row.owner_agency_id, row.owner_country),
            score=hit.score,
            hit_only=seen is Visibility.POSSIBLE_HIT,
            query=hit.query,
            explanation=hit.explanation,
            action=str(status) if status else None,
            place=hit.place,
            screened_at=hit.screened_at,
        )
        stored += 1
    batch.write()
    audit.record(
        session,
        principal=principal,
        action="mind.hits_uploaded",
        details={"stored": stored, "refused": len(refused)},
    )
    return stored, refused
