"""The demo world: every member with its NCB, specialized units and border posts, the regional
and private partners, accounts for every role, records of every kind, and notices and
diffusions of every kind in every state. Deterministic from a seed, so two runs with the same
seed give the same world; `size` scales the units and border posts per country for
benchmarks. Person names come from the Faker locale of each country, in its script; a
request's words are in its NCB's language (Arabic, English, French or Spanish)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import faker.config
import pycountry
from babel.core import get_global
from babel.dates import format_date
from faker import Faker
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from bluebridge.access.principal import Channel, Principal, RequestContext, Role, operator_principal
from bluebridge.access.records import AccessMode, AccessPolicy
from bluebridge.audit import service as audit_service
from bluebridge.members import authentication, reference, service
from bluebridge.members.models import Agency, AgencyKind, UnitSpecialty, User
from bluebridge.messaging import samples as messaging_samples
from bluebridge.notices import service as notices
from bluebridge.notices.enums import (
    PUBLIC_TYPES,
    Decision,
    DiffusionType,
    Kind,
    NoticeType,
    ReviewState,
    Status,
    SubjectRole,
)
from bluebridge.notices.models import Notice
from bluebridge.notices.samples import (
    ABROAD,
    ARABIC_CITIES,
    CANCELLATIONS,
    CASE_ADDITIONS,
    COMPLIANT_REASONS,
    DIFFUSION_STATES,
    INFORMATION_REQUESTS,
    NON_COMPLIANT,
    NOTICE_REVIEWER,
    NOTICE_STATES,
    PLATFORM_LANGUAGES,
    PUBLISHED_REASONS,
    REFUSALS,
    REQUEST_CASES,
    REVIEWER_NATIONALITY,
    SANCTIONED_GROUPS,
    SPECIAL_CASES,
    SUBJECT_AGES,
    SUBJECT_STATUS,
    WITHDRAWALS,
    RequestCase,
    Values,
)
from bluebridge.payments import samples as payments_samples
from bluebridge.records import samples
from bluebridge.records import service as records
from bluebridge.records.kinds.base import (
    HandlingCode,
    InformationGrading,
    SourceGrading,
    SourceType,
)
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
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
    nationality: str | None = None,
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
        nationality=nationality,
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


# ---------------------------------------------------------------- notices and diffusions


@cache
def working_language(alpha2: str) -> str:
    """The platform language (Arabic, English, French or Spanish) a country's NCB writes
    in: its most spoken official one among them, else English."""
    languages = get_global("territory_languages").get(alpha2, {})
    official = [
        (float(info.get("population_percent", 0)), language)
        for language, info in languages.items()
        if language in PLATFORM_LANGUAGES
        and info.get("official_status") in ("official", "de_facto_official")
    ]
    return max(official)[1] if official else "en"


class _Requesters:
    """Which NCB asks for each demo request: countries whose language the case is written in,
    in turn, the showcase countries first; never the reviewer's own."""

    def __init__(self, members: list[reference.MemberCountry]) -> None:
        preferred = (SHOWCASE_COUNTRY, *SHOWCASE_RECORD_COUNTRIES)
        self.members = {m.alpha3: m for m in members if m.alpha3 != REVIEWER_NATIONALITY}
        self.order = sorted(
            self.members,
            key=lambda c: (preferred.index(c) if c in preferred else len(preferred), c),
        )
        self.turn = 0

    def pick(self, case: RequestCase, pilot: Collection[str] | None) -> str:
        allowed = [c for c in self.order if pilot is None or c in pilot]
        fitting = allowed
        for languages in (case.prefer, case.texts):
            found = [c for c in allowed if working_language(self.members[c].alpha2) in languages]
            if found:
                fitting = found
                break
        chosen = fitting[self.turn % len(fitting)]
        self.turn += 1
        return chosen


@dataclass
class _Desk:
    """Who acts on the demo's requests: the settings, the compliance reviewer, the NCB
    officers by country, and the draws that make the requests repeat for a seed."""

    settings: Settings
    reviewer: Principal
    rng: random.Random
    requesters: _Requesters
    pilot: frozenset[str]
    officers: dict[str, Principal] = field(default_factory=dict)

    def officer(self, session: Session, alpha3: str) -> Principal:
        if alpha3 not in self.officers:
            alpha2 = self.requesters.members[alpha3].alpha2
            self.officers[alpha3] = _entering_principal(session, f"{alpha2.lower()}.officer")
        return self.officers[alpha3]


def _values(rng: random.Random, country: str, language: str) -> Values:
    """The facts' particulars: place, dates (in words for the texts, ISO for the fields),
    references."""
    day = samples.REFERENCE_DATE - dt.timedelta(days=rng.randint(60, 700))
    issued = day + dt.timedelta(days=rng.randint(3, 40))
    return {
        "place": _place(country, rng),
        "date": format_date(day, format="long", locale=language),
        "day": day.isoformat(),
        "issued": issued.isoformat(),
        "convicted": (day - dt.timedelta(days=rng.randint(3 * 365, 8 * 365))).isoformat(),
        "until": (samples.REFERENCE_DATE + dt.timedelta(days=365)).isoformat(),
        "listed": (samples.REFERENCE_DATE - dt.timedelta(days=rng.randint(200, 3000))).isoformat(),
        "reference": f"{country}/{issued.year}/{rng.randint(100, 99999):05d}",
        "sex": rng.choice(["male", "female"]),
        "abroad": rng.choice(ABROAD),
    }


def _place(country: str, rng: random.Random) -> str:
    """A place of the country named in one script: from its Faker locale, else one of its
    Arabic cities, else one of its ISO 3166-2 subdivisions."""
    if country in ARABIC_CITIES:
        return rng.choice(ARABIC_CITIES[country])
    place = samples._place(country, rng)
    if len(_script_words(place) - {"CJK", "HIRAGANA", "KATAKANA"}) <= 1:
        return place
    alpha2 = reference.member_by_alpha3(country).alpha2
    subdivisions = sorted(str(s.name) for s in pycountry.subdivisions if s.country_code == alpha2)
    return rng.choice(subdivisions) if subdivisions else place


def _record(
    session: Session,
    desk: _Desk,
    officer: Principal,
    kind: str,
    payload: dict[str, Any],
) -> int:
    record = records.create_record(
        session,
        settings=desk.settings,
        principal=officer,
        kind_name=kind,
        payload=payload,
        envelope=_envelope(desk.rng, None),
    )
    return record.id


def _person(session: Session, desk: _Desk, officer: Principal, country: str, type_: str) -> int:
    """A person record of the requesting country, as the request describes them."""
    rng = desk.rng
    payload = samples.sample_payload("persons", country=country, rng=rng)
    payload["status"] = SUBJECT_STATUS[type_]
    payload.pop("offences", None)
    # Adults unless the kind says otherwise; the birth date as precise as the sample's.
    low, high = SUBJECT_AGES.get(type_, (22, 65))
    born = samples.REFERENCE_DATE - dt.timedelta(days=rng.randint(low * 365, high * 365))
    sampled = payload.get("date_of_birth")
    given = set(sampled) if isinstance(sampled, dict) else {"year", "month", "day"}
    birth = {"year": born.year, "month": born.month, "day": born.day}
    payload["date_of_birth"] = {k: v for k, v in birth.items() if k in given}
    return _record(session, desk, officer, "persons", payload)


def _subjects(
    session: Session, desk: _Desk, officer: Principal, country: str, type_: str, index: int
) -> tuple[notices.SubjectIn, ...]:
    """The records a request is about, entered by the requesting NCB: a person, the
    biometric records of a body, the vehicle or firearm of a threat or method, the account
    of a silver notice's subject, the group or person under UN sanctions."""
    rng = desk.rng
    if type_ == NoticeType.BLACK:
        prints = {
            "positions": list(range(1, 11)),
            "image_reference": f"img-{rng.getrandbits(64):016x}",
            "quality": rng.randint(35, 70),
            "subject": "unknown_latent",
            "latent_source": "crime_scene",
        }
        profile = samples.sample_payload("dna_profiles", country=country, rng=rng)
        profile["sample_kind"] = "unidentified_remains"
        profile.pop("person_reference", None)
        return (
            notices.SubjectIn(
                _record(session, desk, officer, "fingerprints", prints), SubjectRole.BIOMETRIC
            ),
            notices.SubjectIn(
                _record(session, desk, officer, "dna_profiles", profile), SubjectRole.BIOMETRIC
            ),
        )
    if type_ in (NoticeType.ORANGE, NoticeType.PURPLE):
        kind = "vehicles" if type_ == NoticeType.ORANGE else "firearms"
        payload = samples.sample_payload(kind, country=country, rng=rng)
        return (
            notices.SubjectIn(_record(session, desk, officer, kind, payload), SubjectRole.OBJECT),
        )
    if type_ == NoticeType.UN and index % 2 == 0:
        group = samples.sample_payload("organizations", country=country, rng=rng)
        latin, arabic = rng.choice(SANCTIONED_GROUPS)
        arabic_first = working_language(desk.requesters.members[country].alpha2) == "ar"
        group["organization_type"] = "terrorist_group"
        group["name"], alias = (arabic, latin) if arabic_first else (latin, arabic)
        group["aliases"] = [alias]
        group["financing_sources"] = ["kidnapping for ransom", "donations", "extortion"]
        return (notices.SubjectIn(_record(session, desk, officer, "organizations", group)),)
    person = _person(session, desk, officer, country, type_)
    if type_ != NoticeType.SILVER:
        return (notices.SubjectIn(person),)
    account = _record(
        session,
        desk,
        officer,
        "financial_accounts",
        samples.sample_payload("financial_accounts", country=country, rng=rng),
    )
    records.link_records(
        session, principal=officer, from_id=person, to_id=account, relation=records.Relation.HOLDER
    )
    return (notices.SubjectIn(person), notices.SubjectIn(account, SubjectRole.ASSET))


def _draft(
    session: Session,
    desk: _Desk,
    kind: Kind,
    type_: str,
    state: Status,
    index: int,
    recipients: Callable[[str], notices.Recipients] | None = None,
) -> tuple[Notice, Principal, str]:
    """A request of the kind, drafted by an NCB whose language its case is written in."""
    case = REQUEST_CASES[SPECIAL_CASES.get((type_, state), type_)]
    country = desk.requesters.pick(case, desk.pilot if type_ == NoticeType.SILVER else None)
    language = working_language(desk.requesters.members[country].alpha2)
    officer = desk.officer(session, country)
    subjects = _subjects(session, desk, officer, country, type_, index)
    values = _values(desk.rng, country, language)
    values["un_reference"] = (
        f"QDe.{desk.rng.randint(150, 199)}"
        if index % 2 == 0
        else f"QDi.{desk.rng.randint(400, 460)}"
    )
    content = case.content(language, values) | CASE_ADDITIONS.get((type_, state), {})
    policy = None
    if type_ == NoticeType.BLUE and state in (Status.PUBLISHED, Status.CANCELLED):
        region = desk.requesters.members[country].region
        policy = AccessPolicy(mode=AccessMode.LISTED, regions=[region])
    public = (
        kind is Kind.NOTICE
        and type_ in PUBLIC_TYPES
        and state in (Status.PUBLISHED, Status.CANCELLED, Status.EXPIRED)
    )
    notice = notices.create(
        session,
        settings=desk.settings,
        principal=officer,
        kind=kind.value,
        type=type_,
        draft=notices.Draft(
            content=content,
            subjects=subjects,
            access_policy=policy,
            public_extract=public,
            recipients=recipients(country) if recipients else None,
        ),
    )
    return notice, officer, language


def _decide(
    session: Session, desk: _Desk, notice: Notice, decision: Decision, reasons: str
) -> None:
    notices.decide(
        session,
        settings=desk.settings,
        principal=desk.reviewer,
        notice_id=notice.id,
        decision=decision.value,
        reasons=reasons,
    )


def _request_notice(
    session: Session, desk: _Desk, notice_type: NoticeType, state: Status, index: int
) -> Notice:
    """A notice brought to the state through the steps a requester and a reviewer take;
    an expiring one is left published for `run_expiry`."""
    notice, officer, language = _draft(session, desk, Kind.NOTICE, notice_type, state, index)
    settings = desk.settings
    if state is Status.DRAFT:
        return notice
    notices.submit(session, settings=settings, principal=officer, notice_id=notice.id)
    if state is Status.WITHDRAWN:
        notices.withdraw(
            session,
            settings=settings,
            principal=officer,
            notice_id=notice.id,
            reasons=WITHDRAWALS[language],
        )
    elif state is Status.INFORMATION_REQUESTED:
        _decide(
            session, desk, notice, Decision.REQUEST_INFORMATION, INFORMATION_REQUESTS[notice_type]
        )
    elif state is Status.REFUSED:
        _decide(session, desk, notice, Decision.REFUSE, REFUSALS[notice_type])
    elif state is not Status.IN_REVIEW:
        _decide(session, desk, notice, Decision.PUBLISH, PUBLISHED_REASONS)
    if state is Status.CANCELLED:
        notices.cancel(
            session,
            settings=settings,
            principal=officer,
            notice_id=notice.id,
            reasons=CANCELLATIONS[language],
        )
    return notice


def _recipients_for(
    desk: _Desk, diffusion_type: DiffusionType
) -> Callable[[str], notices.Recipients]:
    """Whom a diffusion goes to: a few countries of the requester's region and beyond, or
    its whole region (a missing person), or its region and a few more (a warning)."""

    def choose(country: str) -> notices.Recipients:
        members = desk.requesters.members
        region = members[country].region
        near = sorted(c for c, m in members.items() if m.region is region and c != country)
        far = sorted(c for c, m in members.items() if m.region is not region)
        chosen = desk.rng.sample(near, min(3, len(near))) + desk.rng.sample(far, min(2, len(far)))
        if diffusion_type is DiffusionType.MISSING or not chosen:
            return notices.Recipients(regions=(region,))
        if diffusion_type is DiffusionType.WARNING:
            return notices.Recipients(countries=tuple(sorted(chosen)), regions=(region,))
        return notices.Recipients(countries=tuple(sorted(chosen)))

    return choose


def _send_diffusion(
    session: Session,
    desk: _Desk,
    diffusion_type: DiffusionType,
    outcome: tuple[Status, ReviewState],
    index: int,
) -> Notice:
    """A diffusion sent, acknowledged by some of its recipients with demo accounts, and
    brought to the state and review finding; the compliance review follows its sending."""
    status, finding = outcome
    notice, officer, language = _draft(
        session,
        desk,
        Kind.DIFFUSION,
        diffusion_type,
        status,
        index,
        recipients=_recipients_for(desk, diffusion_type),
    )
    settings = desk.settings
    notices.send(session, settings=settings, principal=officer, notice_id=notice.id)
    with_accounts = [r.country for r in notice.recipients if r.country in desk.requesters.members]
    for country in with_accounts[: min(3, (len(with_accounts) + 1) // 2)]:
        notices.acknowledge(
            session,
            settings=settings,
            principal=desk.officer(session, country),
            notice_id=notice.id,
        )
    if finding is ReviewState.PENDING:
        return notice
    if finding is ReviewState.NON_COMPLIANT:
        _decide(session, desk, notice, Decision.REFUSE, NON_COMPLIANT[diffusion_type])
        return notice
    _decide(session, desk, notice, Decision.PUBLISH, COMPLIANT_REASONS)
    if status is Status.CANCELLED:
        notices.cancel(
            session,
            settings=settings,
            principal=officer,
            notice_id=notice.id,
            reasons=CANCELLATIONS[language],
        )
    return notice


def add_notices(
    runtime: Runtime,
    members: list[reference.MemberCountry],
    *,
    seed: int,
    progress: Any | None = None,
) -> int:
    """Notices of every kind in every state, and diffusions of every kind in every state,
    requested by NCB officers and decided by the General Secretariat's compliance reviewer
    through the notices service, so that each step is checked and audited as in real use.
    The expiring ones come first and are ended by the expiry job, run as of a day after
    they expire (nothing else is live yet); then the rest. One diffusion becomes a notice
    request. Silver notices come from the pilot's countries only, and are left out when
    none of them is in the demo world."""
    pilot = frozenset(c.upper() for c in runtime.settings.silver_pilot_countries)
    requesters = _Requesters(members)
    types = [t for t in NoticeType if t is not NoticeType.SILVER or pilot & set(requesters.order)]
    task = (
        progress.add_task("requesting demo notices", total=1 + len(types) + len(DiffusionType))
        if progress
        else None
    )

    def advance() -> None:
        if progress is not None and task is not None:
            progress.advance(task)

    expired_at = NOTICE_STATES.index(Status.EXPIRED)
    with unit_of_work(runtime.sessions) as session:
        desk = _Desk(
            settings=runtime.settings,
            reviewer=_entering_principal(session, NOTICE_REVIEWER),
            rng=random.Random(_seed_int(seed, "notices")),  # noqa: S311 - a repeatable demo
            requesters=requesters,
            pilot=pilot,
        )
        expiring = [
            _request_notice(session, desk, notice_type, Status.EXPIRED, expired_at)
            for notice_type in types
        ]
        expiring += [
            _send_diffusion(session, desk, diffusion_type, outcome, index)
            for diffusion_type in DiffusionType
            for index, outcome in enumerate(DIFFUSION_STATES)
            if outcome[0] is Status.EXPIRED
        ]
        latest = max(n.expires_at for n in expiring if n.expires_at is not None)
        notices.run_expiry(
            session, principal=operator_principal("demo"), now=latest + dt.timedelta(days=1)
        )
    requested = len(expiring)
    advance()
    for notice_type in types:
        with unit_of_work(runtime.sessions) as session:
            for index, state in enumerate(NOTICE_STATES):
                if state is not Status.EXPIRED:
                    _request_notice(session, desk, notice_type, state, index)
                    requested += 1
        advance()
    for diffusion_type in DiffusionType:
        with unit_of_work(runtime.sessions) as session:
            for index, outcome in enumerate(DIFFUSION_STATES):
                if outcome[0] is Status.EXPIRED:
                    continue
                diffusion = _send_diffusion(session, desk, diffusion_type, outcome, index)
                requested += 1
                if (diffusion_type, outcome) == (DiffusionType.WANTED, DIFFUSION_STATES[1]):
                    officer = desk.officer(session, diffusion.requesting_country or "")
                    notice = notices.convert(
                        session, settings=desk.settings, principal=officer, notice_id=diffusion.id
                    )
                    notices.submit(
                        session, settings=desk.settings, principal=officer, notice_id=notice.id
                    )
                    requested += 1
        advance()
    return requested


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
        for username, roles, label, nationality in (
            ("gs.admin", [Role.ADMINISTRATOR], "Platform administrator", None),
            (
                NOTICE_REVIEWER,
                [Role.COMPLIANCE_REVIEWER],
                "Compliance reviewer",
                REVIEWER_NATIONALITY,
            ),
            ("gs.dpo", [Role.DATA_PROTECTION_OFFICER], "Data protection officer", None),
            ("gs.analyst", [Role.ANALYST], "Criminal intelligence analyst", None),
            ("gs.officer", [Role.OFFICER], "Reference data officer", None),
        ):
            # A person is named after their nationality, where recorded; else in French.
            alpha2 = reference.member_by_alpha3(nationality).alpha2 if nationality else "FR"
            logins.append(
                _user(
                    runtime,
                    session,
                    seed=seed,
                    agency=gs,
                    username=username,
                    roles=roles,
                    display_name=f"{person_name(alpha2, _seed_int(seed, username))} ({label})",
                    nationality=nationality,
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
    add_notices(runtime, members, seed=seed, progress=progress)
    messaging_samples.add_messages(runtime, members, showcase=SHOWCASE_COUNTRY)
    payments_samples.add_cases(runtime, members, showcase=SHOWCASE_COUNTRY)
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
