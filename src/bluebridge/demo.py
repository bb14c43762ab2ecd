"""The demo world: every member with its NCB, specialized units and border posts, the regional
and private partners, and accounts for every role. Deterministic from a seed, so two runs with
the same seed give the same world; `size` scales the units and border posts per country for
benchmarks. Person names come from the Faker locale of each country, in its script."""

from __future__ import annotations

import base64
import hashlib
import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import faker.config
from babel.core import get_global
from faker import Faker
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from bluebridge.access.principal import Channel, Principal, RequestContext, Role, operator_principal
from bluebridge.access.records import AccessPolicy
from bluebridge.audit import service as audit_service
from bluebridge.members import authentication, reference, service
from bluebridge.members.models import Agency, AgencyKind, UnitSpecialty, User
from bluebridge.records import samples
from bluebridge.records import service as records
from bluebridge.records.kinds.base import (
    HandlingCode,
    InformationGrading,
    SourceGrading,
    SourceType,
)
from bluebridge.runtime import Runtime
from bluebridge.store.base import Base
from bluebridge.store.engine import unit_of_work

SHOWCASE_COUNTRY = "FRA"
PRIVATE_PARTNERS = [("AIRLINE-DOCCHECK", "Airline document checks (private partner)")]
SPECIALTIES = list(UnitSpecialty)
SPECIALTY_NAMES = {
    UnitSpecialty.ORGANIZED_CRIME: "Organized crime unit",
    UnitSpecialty.CYBERCRIME: "Cybercrime unit",
    UnitSpecialty.COUNTER_TERRORISM: "Counter-terrorism unit",
    UnitSpecialty.FINANCIAL_INVESTIGATIONS: "Financial investigations unit",
    UnitSpecialty.CHILD_PROTECTION: "Child protection unit",
    UnitSpecialty.ENVIRONMENTAL_CRIME: "Environmental crime unit",
}
SPECIALTY_CODES = {
    UnitSpecialty.ORGANIZED_CRIME: "OC",
    UnitSpecialty.CYBERCRIME: "CYBER",
    UnitSpecialty.COUNTER_TERRORISM: "CT",
    UnitSpecialty.FINANCIAL_INVESTIGATIONS: "FIN",
    UnitSpecialty.CHILD_PROTECTION: "CHILD",
    UnitSpecialty.ENVIRONMENTAL_CRIME: "ENV",
}


@dataclass(frozen=True, slots=True)
class DemoLogin:
    role: str
    username: str
    password: str
    agency: str
    totp_secret: str


def demo_password(seed: int) -> str:
    """The demo accounts' password: printed by `demo`, derived from the seed."""
    return f"Bluebridge-demo-{seed}!"


def demo_totp_secret(seed: int, username: str) -> str:
    """A deterministic authenticator key per demo account (base32, 160 bits)."""
    digest = hashlib.sha256(f"bluebridge-demo:{seed}:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


# ISO 15924 script codes (from CLDR's likely subtags) to the first word of Unicode letter names.
UNICODE_SCRIPT_WORDS: dict[str, frozenset[str]] = {
    "Latn": frozenset({"LATIN"}),
    "Arab": frozenset({"ARABIC"}),
    "Cyrl": frozenset({"CYRILLIC"}),
    "Grek": frozenset({"GREEK"}),
    "Hebr": frozenset({"HEBREW"}),
    "Kore": frozenset({"HANGUL"}),
    "Jpan": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "Hans": frozenset({"CJK"}),
    "Hant": frozenset({"CJK"}),
    "Thai": frozenset({"THAI"}),
    "Deva": frozenset({"DEVANAGARI"}),
    "Beng": frozenset({"BENGALI"}),
    "Ethi": frozenset({"ETHIOPIC"}),
    "Geor": frozenset({"GEORGIAN"}),
    "Armn": frozenset({"ARMENIAN"}),
    "Taml": frozenset({"TAMIL"}),
    "Gujr": frozenset({"GUJARATI"}),
    "Sinh": frozenset({"SINHALA"}),
}


# Languages whose names put the family name first, and the separator they use.
FAMILY_NAME_FIRST = {"zh": "", "ko": "", "ja": " ", "hu": " ", "vi": " "}


def _script_words(text: str) -> set[str]:
    return {unicodedata.name(ch, "UNKNOWN").split()[0] for ch in text if ch.isalpha()}


def _language_script(language: str) -> str | None:
    likely = get_global("likely_subtags").get(language)
    if not likely:
        return None
    parts = str(likely).split("_")
    return parts[1] if len(parts) > 2 else None


def _writes_in_script(locale: str, script: str | None) -> bool:
    """True when the locale's person names really come in the script (some Faker locales
    fall back to English names)."""
    if script is None or script not in UNICODE_SCRIPT_WORDS:
        return True
    sample = _faker(locale)
    sample.seed_instance(0)
    return bool(
        _script_words(f"{sample.first_name()} {sample.last_name()}") & UNICODE_SCRIPT_WORDS[script]
    )


@cache
def faker_locale(alpha2: str) -> str:
    """The Faker locale that best writes names of a country, in its own script."""
    available = faker.config.AVAILABLE_LOCALES
    languages = get_global("territory_languages").get(alpha2, {})
    ranked = sorted(languages.items(), key=lambda kv: -float(kv[1].get("population_percent", 0)))
    for language, info in ranked:
        if info.get("official_status") is None and f"{language}_{alpha2}" not in available:
            continue
        script = _language_script(language)
        candidates = [f"{language}_{alpha2}"] if f"{language}_{alpha2}" in available else []
        candidates += sorted(loc for loc in available if loc.split("_")[0] == language)
        for locale in candidates:
            if _writes_in_script(locale, script):
                return locale
    in_country = sorted(loc for loc in available if loc.endswith("_" + alpha2))
    return in_country[0] if in_country else "en_US"


@cache
def _faker(locale: str) -> Faker:
    return Faker(locale)


def person_name(alpha2: str, seed: int) -> str:
    """A plausible person name for the country, in its script; the same for the same seed."""
    locale = faker_locale(alpha2)
    generator = _faker(locale)
    generator.seed_instance(seed)
    given, family = generator.first_name(), generator.last_name()
    language = locale.split("_")[0]
    if language in FAMILY_NAME_FIRST:
        return f"{family}{FAMILY_NAME_FIRST[language]}{given}"
    return f"{given} {family}"


def place_name(alpha2: str, seed: int) -> str:
    generator = _faker(faker_locale(alpha2))
    generator.seed_instance(seed)
    return str(generator.city())


def has_data(runtime: Runtime) -> bool:
    """True when the database already has accounts or agencies."""
    inspector = inspect(runtime.engine)
    if not inspector.has_table("agencies"):
        return False
    with runtime.sessions() as session:
        return bool(session.scalar(select(func.count()).select_from(User))) or bool(
            session.scalar(select(func.count()).select_from(Agency))
        )


def wipe(runtime: Runtime) -> None:
    """Drop every table, for `demo --reset`."""
    Base.metadata.drop_all(runtime.engine)
    with runtime.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _seed_int(seed: int, *parts: object) -> int:
    digest = hashlib.sha256(":".join(str(p) for p in (seed, *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _agency(session: Session, **fields: Any) -> Agency:
    existing = session.scalar(select(Agency).where(Agency.code == fields["code"]))
    if existing is not None:
        return existing
    agency = Agency(**fields)
    session.add(agency)
    session.flush()
    return agency


def _user(
    runtime: Runtime,
    session: Session,
    *,
    seed: int,
    agency: Agency,
    username: str,
    roles: Iterable[Role],
    display_name: str,
) -> DemoLogin:
    user = service.create_user(
        session,
        settings=runtime.settings,
        principal=operator_principal("demo"),
        agency_id=agency.id,
        username=username,
        display_name=display_name,
        roles=[r.value for r in roles],
        password=demo_password(seed),
        email=f"{username}@demo.bluebridge.invalid",
        must_change_password=False,
    )
    secret = demo_totp_secret(seed, username)
    authentication.set_totp_secret(session, settings=runtime.settings, user=user, secret=secret)
    first_role = next(iter(roles))
    return DemoLogin(first_role.value, username, demo_password(seed), agency.code, secret)


# Countries whose NCB enters one record of every kind; the others enter a few.
SHOWCASE_RECORD_COUNTRIES = ("FRA", "DEU", "EGY", "JPN", "BRA", "NGA", "RUS", "USA")
RECORDS_PER_COUNTRY = 3
REFERENCE_KIND = "firearm_references"  # kept by the General Secretariat


def _entering_principal(session: Session, username: str) -> Principal:
    user = session.scalars(select(User).where(User.username == username)).one()
    return authentication.principal_for_user(user, RequestContext(Channel.CLI), second_factor=True)


def add_records(
    runtime: Runtime,
    members: list[reference.MemberCountry],
    *,
    seed: int,
    progress: Any | None = None,
) -> int:
    """Records of every kind from many countries, with a spread of access policies, each
    entered through the records service by the country's NCB officer."""
    rng = random.Random(seed)  # noqa: S311 - a demo world must repeat exactly for a seed
    by_region: dict[str, list[str]] = {}
    for member in members:
        by_region.setdefault(member.region.value, []).append(member.alpha3)
    kinds = [k for k in samples.KIND_NAMES if k != REFERENCE_KIND]
    task = progress.add_task("entering demo records", total=len(members) + 1) if progress else None
    entered = 0
    with unit_of_work(runtime.sessions) as session:
        gs_officer = _entering_principal(session, "gs.officer")
        for _ in range(4):
            payload = samples.sample_payload(REFERENCE_KIND, country=None, rng=rng)
            records.create_record(
                session,
                settings=runtime.settings,
                principal=gs_officer,
                kind_name=REFERENCE_KIND,
                payload=payload,
                envelope=_envelope(rng, None),
            )
            entered += 1
    if progress is not None and task is not None:
        progress.advance(task)
    for member in members:
        chosen = (
            kinds
            if member.alpha3 in SHOWCASE_RECORD_COUNTRIES
            else rng.sample(kinds, RECORDS_PER_COUNTRY)
        )
        neighbours = [c for c in by_region[member.region.value] if c != member.alpha3]
        with unit_of_work(runtime.sessions) as session:
            officer = _entering_principal(session, f"{member.alpha2.lower()}.officer")
            entered_ids: dict[str, int] = {}
            for kind in chosen:
                payload = samples.sample_payload(kind, country=member.alpha3, rng=rng)
                policy = samples.sample_policy(rng, member.alpha3, neighbours)
                record = records.create_record(
                    session,
                    settings=runtime.settings,
                    principal=officer,
                    kind_name=kind,
                    payload=payload,
                    envelope=_envelope(rng, policy),
                )
                entered_ids[kind] = record.id
                entered += 1
            _link_case(session, officer, entered_ids)
        if progress is not None and task is not None:
            progress.advance(task)
    return entered


# One case per country that entered every kind: the person at its centre holds a document, a
# vehicle, an account and a card, belongs to the group, and is a suspect in the incident, where
# the firearm was recovered.
CASE_LINKS = (
    ("persons", "travel_documents", records.Relation.HOLDER),
    ("persons", "vehicles", records.Relation.HOLDER),
    ("persons", "financial_accounts", records.Relation.HOLDER),
    ("persons", "payment_cards", records.Relation.HOLDER),
    ("persons", "organizations", records.Relation.MEMBER),
    ("persons", "incidents", records.Relation.SUSPECT),
    ("firearms", "incidents", records.Relation.RECOVERED_AT),
    ("ballistics", "incidents", records.Relation.RECOVERED_AT),
)


def _link_case(session: Session, officer: Principal, entered: dict[str, int]) -> None:
    for from_kind, to_kind, relation in CASE_LINKS:
        if from_kind in entered and to_kind in entered:
            records.link_records(
                session,
                principal=officer,
                from_id=entered[from_kind],
                to_id=entered[to_kind],
                relation=relation,
            )


def _envelope(rng: random.Random, policy: dict[str, Any] | None) -> records.Envelope:
    return records.Envelope(
        source_type=rng.choice(list(SourceType)),
        source_grading=rng.choice(
            [SourceGrading.A, SourceGrading.B, SourceGrading.B, SourceGrading.C]
        ),
        information_grading=rng.choice(
            [
                InformationGrading.CONFIRMED,
                InformationGrading.PROBABLY_TRUE,
                InformationGrading.POSSIBLY_TRUE,
            ]
        ),
        handling_codes=tuple(rng.sample(list(HandlingCode), rng.choice([0, 0, 1]))),
        access_policy=AccessPolicy.model_validate(policy) if policy else None,
    )


def build(
    runtime: Runtime,
    *,
    seed: int = 2026,
    size: int = 2,
    only_countries: list[str] | None = None,
    progress: Any | None = None,
) -> list[DemoLogin]:
    """Load the demo world into an empty, migrated database; returns the showcase logins."""
    members = [
        m
        for m in reference.member_countries()
        if only_countries is None or m.alpha3 in only_countries
    ]
    if only_countries is not None and SHOWCASE_COUNTRY not in only_countries:
        raise ValueError(f"the demo's showcase country {SHOWCASE_COUNTRY} must be included")
    task = (
        progress.add_task("building the demo world", total=len(members) + 2) if progress else None
    )

    def advance() -> None:
        if progress is not None and task is not None:
            progress.advance(task)

    logins: list[DemoLogin] = []
    with unit_of_work(runtime.sessions) as session:
        audit_service.initialise(session)
        service.sync_reference(session)
        gs = service.get_agency_by_code(session, code=service.GENERAL_SECRETARIAT_CODE)
        for code, name in PRIVATE_PARTNERS:
            _agency(session, code=code, name=name, kind=AgencyKind.PRIVATE_PARTNER.value)
        for username, roles, label in (
            ("gs.admin", [Role.ADMINISTRATOR], "Platform administrator"),
            ("gs.reviewer", [Role.COMPLIANCE_REVIEWER], "Compliance reviewer"),
            ("gs.dpo", [Role.DATA_PROTECTION_OFFICER], "Data protection officer"),
            ("gs.analyst", [Role.ANALYST], "Criminal intelligence analyst"),
            ("gs.officer", [Role.OFFICER], "Reference data officer"),
        ):
            logins.append(
                _user(
                    runtime,
                    session,
                    seed=seed,
                    agency=gs,
                    username=username,
                    roles=roles,
                    display_name=f"{person_name('FR', _seed_int(seed, username))} ({label})",
                )
            )
        advance()

    for index, member in enumerate(members):
        with unit_of_work(runtime.sessions) as session:
            ncb = service.get_agency_by_code(session, code=service.ncb_code(member.alpha3))
            alpha2 = member.alpha2
            for n in range(size):
                specialty = SPECIALTIES[(index + n) % len(SPECIALTIES)]
                suffix = "" if n < len(SPECIALTIES) else f"-{n // len(SPECIALTIES) + 1}"
                _agency(
                    session,
                    code=f"{member.alpha3}-{SPECIALTY_CODES[specialty]}{suffix}",
                    name=f"{SPECIALTY_NAMES[specialty]} ({member.name('en')})",
                    kind=AgencyKind.SPECIALIZED_UNIT.value,
                    specialty=specialty.value,
                    country=member.alpha3,
                    region=member.region.value,
                    parent_id=ncb.id,
                )
                _agency(
                    session,
                    code=f"{member.alpha3}-BP{n + 1}",
                    name=f"Border post {place_name(alpha2, _seed_int(seed, member.alpha3, 'bp', n))}",
                    kind=AgencyKind.BORDER_POST.value,
                    country=member.alpha3,
                    region=member.region.value,
                    parent_id=ncb.id,
                )
            prefix = alpha2.lower()
            login = _user(
                runtime,
                session,
                seed=seed,
                agency=ncb,
                username=f"{prefix}.officer",
                roles=[Role.OFFICER],
                display_name=person_name(alpha2, _seed_int(seed, member.alpha3, "officer")),
            )
            if member.alpha3 == SHOWCASE_COUNTRY:
                logins.append(login)
                border_post = service.get_agency_by_code(session, code=f"{member.alpha3}-BP1")
                for username, roles, agency in (
                    (f"{prefix}.supervisor", [Role.SUPERVISOR], ncb),
                    (f"{prefix}.analyst", [Role.ANALYST], ncb),
                    (f"{prefix}.dpo", [Role.DATA_PROTECTION_OFFICER], ncb),
                    (f"{prefix}.admin", [Role.ADMINISTRATOR], ncb),
                    (f"{prefix}.border", [Role.BORDER_OFFICER], border_post),
                ):
                    logins.append(
                        _user(
                            runtime,
                            session,
                            seed=seed,
                            agency=agency,
                            username=username,
                            roles=roles,
                            display_name=person_name(alpha2, _seed_int(seed, username)),
                        )
                    )
        advance()
    add_records(runtime, members, seed=seed, progress=progress)
    with unit_of_work(runtime.sessions) as session:
        audit_service.record(
            session,
            principal=operator_principal("demo"),
            action="demo.build",
            details={"seed": seed, "size": size, "countries": len(members)},
        )
    advance()
    order = [r.value for r in Role]
    return sorted(logins, key=lambda login: (order.index(login.role), login.username))
