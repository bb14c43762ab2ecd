"""The automatic checks a notice or diffusion goes through when it is submitted or sent:
completeness for its kind, the red notice's penalty thresholds, its subjects, the quality of
the subject's identifiers, duplicates, and the Article 3 and Article 2 risk indicators.

A check finds either a problem (the request is refused until it is fixed, and every problem
is listed at once, by field) or a flag (a reason for a compliance reviewer to look closer;
never a decision). Everything here reads the store and decides nothing else."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select, union
from sqlalchemy.orm import Session

from bluebridge.errors import FieldProblem
from bluebridge.notices import content as rules
from bluebridge.notices.enums import ENDED, Kind, NoticeType, SubjectRole
from bluebridge.notices.indicators import Flag, risk_indicators
from bluebridge.notices.models import Notice, NoticeSubject
from bluebridge.records.models import Record, RecordKey, RecordLink

# Names that say the name is not known, in the portal's four languages.
PLACEHOLDER_NAMES = frozenset(
    {
        "unknown",
        "n/a",
        "na",
        "x",
        "xx",
        "xxx",
        "nn",
        "none",
        "test",
        "inconnu",
        "inconnue",
        "desconocido",
        "desconocida",
        "مجهول",
        "غير معروف",
    }
)


@dataclass
class CheckReport:
    """What the checks found: problems refuse the request; flags go to the reviewer."""

    problems: list[FieldProblem] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    subject_minor: bool = False

    def problem(self, path: str, reason: str) -> None:
        self.problems.append(FieldProblem(path, reason))

    def flag(
        self,
        code: str,
        field_name: str,
        reason: str,
        *,
        article: str | None = None,
        evidence: str | None = None,
        internal: bool = False,
    ) -> None:
        self.flags.append(
            {
                "code": code,
                "article": article,
                "field": field_name,
                "reason": reason,
                "evidence": evidence,
                # Internal flags name other countries' requests: shown to reviewers only.
                "internal": internal,
            }
        )


def _values_at(data: Any, path: str, prefix: str = "content") -> list[tuple[str, Any]]:
    """The values at a path like "offences[].category" with their field names."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        name = head[:-2]
        items = data.get(name) if isinstance(data, dict) else None
        items = items or []
        if not rest:
            return [(f"{prefix}.{name}", items)]
        found: list[tuple[str, Any]] = []
        for i, item in enumerate(items):
            found.extend(_values_at(item, rest, f"{prefix}.{name}.{i}"))
        return found
    value = data.get(head) if isinstance(data, dict) else None
    if not rest:
        return [(f"{prefix}.{head}", value)]
    if value is None:
        return [(f"{prefix}.{path}", None)]
    return _values_at(value, rest, f"{prefix}.{head}")


def _missing(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def completeness(
    report: CheckReport, data: dict[str, Any], required: Sequence[tuple[str, str]], what: str
) -> None:
    for path, meaning in required:
        for name, value in _values_at(data, path):
            if _missing(value):
                report.problem(name, f"required for {what}: {meaning}")


def red_thresholds(report: CheckReport, data: dict[str, Any]) -> None:
    """At least 2 years' maximum penalty for prosecution, 6 months left to serve a sentence."""
    purpose = data.get("purpose")
    offences = data.get("offences") or []
    if purpose == "prosecution" and offences:
        penalties = []
        for i, offence in enumerate(offences):
            if offence.get("life_imprisonment"):
                penalties.append(rules.MAX_PENALTY_MONTHS)
            elif offence.get("max_penalty_months") is None:
                report.problem(
                    f"content.offences.{i}.max_penalty_months",
                    "a red notice for prosecution needs the offence's maximum penalty",
                )
            else:
                penalties.append(int(offence["max_penalty_months"]))
        if penalties and max(penalties) < rules.RED_MIN_PENALTY_MONTHS:
            report.problem(
                "content.offences",
                "a red notice for prosecution needs an offence punishable by at least 2 years' "
                f"deprivation of liberty; the highest maximum given is {max(penalties)} months",
            )
    if purpose == "sentence":
        remaining = (data.get("sentence") or {}).get("remaining_months")
        if remaining is None:
            report.problem(
                "content.sentence.remaining_months",
                "a red notice to serve a sentence needs the time left to serve",
            )
        elif remaining < rules.RED_MIN_REMAINING_MONTHS:
            report.problem(
                "content.sentence.remaining_months",
                "a red notice to serve a sentence needs at least 6 months left to serve; "
                f"{remaining} months are left",
            )


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold().strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def linked_biometrics(person_ids: Sequence[int]) -> Select[int]:
    """The active fingerprint, DNA and face records linked to these persons, whichever way
    the link was made: they flow into a notice on the person."""
    linked = union(
        select(RecordLink.to_record_id.label("id")).where(
            RecordLink.from_record_id.in_(person_ids)
        ),
        select(RecordLink.from_record_id.label("id")).where(
            RecordLink.to_record_id.in_(person_ids)
        ),
    ).subquery()
    return select(Record.id).where(
        Record.id.in_(select(linked.c.id)),
        Record.kind.in_(rules.BIOMETRIC_KINDS),
        Record.status == "active",
    )


def _age(payload: dict[str, Any], today: dt.date) -> int | None:
    birth = payload.get("date_of_birth") or {}
    year = birth.get("year")
    if not isinstance(year, int):
        return None
    month, day = birth.get("month") or 12, birth.get("day") or 28
    return today.year - year - ((today.month, today.day) < (month, day))


def _subjects(
    report: CheckReport,
    session: Session,
    notice: Notice,
    notice_type: NoticeType,
    today: dt.date,
) -> list[Record]:
    ids = [s.record_id for s in notice.subjects]
    records = {r.id: r for r in session.scalars(select(Record).where(Record.id.in_(ids)))}
    people: list[Record] = []
    for i, subject in enumerate(notice.subjects):
        record = records.get(subject.record_id)
        if record is None or record.status != "active":
            report.problem(f"subjects.{i}", "the record is no longer active")
            continue
        if subject.role == SubjectRole.SUBJECT and record.kind == "persons":
            people.append(record)
    allowed = rules.SUBJECT_KINDS[notice_type]
    if allowed is not None:
        subjects = [
            r
            for s in notice.subjects
            if s.role == SubjectRole.SUBJECT and (r := records.get(s.record_id)) is not None
        ]
        if not any(r.kind in allowed for r in subjects):
            kinds = " or ".join(sorted(allowed))
            report.problem(
                "subjects", f"this kind of request needs its subject: a record of {kinds}"
            )
    for person in people:
        position = ids.index(person.id)
        payload = person.payload or {}
        names = payload.get("names") or [{}]
        primary = next(
            (n.get("value", "") for n in names if n.get("type", "primary") == "primary"),
            names[0].get("value", ""),
        )
        if _fold(primary) in PLACEHOLDER_NAMES or sum(c.isalpha() for c in primary) < 2:
            report.problem(
                f"subjects.{position}",
                f"the person's name {primary!r} does not identify anyone: give the name as known",
            )
        age = _age(payload, today)
        if age is None:
            biometric = session.scalar(linked_biometrics([person.id]).limit(1))
            if notice_type is NoticeType.RED and biometric is None:
                report.problem(
                    f"subjects.{position}",
                    "a red notice needs the person's date of birth, or a fingerprint, DNA or "
                    "face record linked to the person, to identify them",
                )
            else:
                report.flag(
                    "data_quality.birth_date",
                    f"subjects.{position}",
                    "the person's date of birth is not known",
                )
        elif age < 0 or age > 120:
            report.problem(
                f"subjects.{position}", f"the person's date of birth gives an age of {age}"
            )
        elif age < 18:
            report.subject_minor = True
        if not payload.get("nationalities"):
            report.flag(
                "data_quality.nationality",
                f"subjects.{position}",
                "the person's nationality is not known",
            )
        if not payload.get("gender"):
            report.flag(
                "data_quality.gender", f"subjects.{position}", "the person's sex is not given"
            )
    return people


def duplicates(report: CheckReport, session: Session, notice: Notice, people: list[Record]) -> None:
    """Other live or pending requests on the same record, or on a person of the same name and
    birth year (another country's record of the same person)."""
    ids = {s.record_id for s in notice.subjects if s.role == SubjectRole.SUBJECT}
    keys = session.scalars(
        select(RecordKey.value).where(
            RecordKey.record_id.in_([p.id for p in people]),
            RecordKey.key_type == "birth_name_year",
        )
    ).all()
    if keys:
        same = session.scalars(
            select(RecordKey.record_id).where(
                RecordKey.key_type == "birth_name_year", RecordKey.value.in_(keys)
            )
        ).all()
        ids.update(same)
    if not ids:
        return
    others = session.execute(
        select(Notice.reference, Notice.kind, Notice.type, Notice.requesting_country)
        .join(NoticeSubject, NoticeSubject.notice_id == Notice.id)
        .where(
            NoticeSubject.record_id.in_(ids),
            Notice.id != notice.id,
            Notice.status.not_in([s.value for s in ENDED] + ["draft"]),
        )
        .distinct()
        .order_by(Notice.reference)
    ).all()
    for reference, kind, type_, country in others:
        what = f"{type_} {kind}" if kind == Kind.NOTICE else f"{type_} diffusion"
        report.flag(
            "duplicate",
            "subjects",
            f"the subject may already be the subject of {what} {reference} requested by {country}",
            evidence=reference,
            internal=True,
        )


# Fields whose values are codes or dates, not words the requester wrote: the indicators read
# them as categories and statuses, not as text.
CODED_FIELDS = frozenset(
    {
        "category",
        "subject_refugee_status",
        "purpose",
        "kind",
        "measures",
        "information_sought",
        "sex",
        "date",
        "committed_on",
        "listed_on",
        "valid_until",
    }
)


def _texts(data: dict[str, Any]) -> dict[str, str]:
    """The free texts of the content, by dotted field name."""
    texts: dict[str, str] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, str):
            texts[path] = value
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in CODED_FIELDS:
                    walk(item, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}.{i}")

    walk(data, "")
    return texts


def indicators(report: CheckReport, data: dict[str, Any], arrest: bool) -> None:
    offences = data.get("offences") or []
    flags: list[Flag] = risk_indicators(
        offence_categories=[o.get("category") or "" for o in offences],
        texts=_texts(data),
        refugee_status=data.get("subject_refugee_status"),
        victim_is_state=bool(data.get("victim_is_state")),
        death_penalty=any(o.get("death_penalty") for o in offences),
        subject_minor=report.subject_minor,
        arrest_requested=arrest,
    )
    for item in flags:
        report.flag(
            item.code,
            f"content.{item.field}" if not item.field.startswith("content") else item.field,
            item.reason,
            article=item.article,
            evidence=item.evidence,
        )


def run(session: Session, notice: Notice, *, today: dt.date) -> CheckReport:
    """Every automatic check on a notice or diffusion about to be submitted or sent."""
    report = CheckReport()
    notice_type = rules.notice_type_of(notice.kind, notice.type)
    data = notice.content or {}
    if notice.kind == Kind.NOTICE:
        required = rules.REQUIRED[notice_type]
        what = f"a {notice_type.value} notice"
    else:
        from bluebridge.notices.enums import DiffusionType

        required = rules.DIFFUSION_REQUIRED[DiffusionType(notice.type)]
        what = f"a {notice.type} diffusion"
    completeness(report, data, required, what)
    if notice_type is NoticeType.RED and notice.kind == Kind.NOTICE:
        red_thresholds(report, data)
    people = _subjects(report, session, notice, notice_type, today)
    duplicates(report, session, notice, people)
    arrest = notice_type is NoticeType.RED
    indicators(report, data, arrest)
    return report
