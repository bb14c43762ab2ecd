"""Notices for tests: principals of requesting NCBs and of the compliance review, subject
records, and complete contents of each kind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bluebridge.access.principal import Channel, RequestContext, Role, operator_principal
from bluebridge.members import authentication
from bluebridge.members import service as members
from bluebridge.notices import service
from bluebridge.store.engine import unit_of_work
from tests.screening.factories import enter, person

TODAY = dt.date(2026, 6, 1)


def reviewer(runtime, nationality: str | None = "CHE", second_factor: bool = True):  # type: ignore[no-untyped-def]
    """A compliance reviewer of the General Secretariat, of a given nationality."""
    with unit_of_work(runtime.sessions) as session:
        gs = members.get_agency_by_code(session, code="GS")
        user = members.create_user(
            session,
            settings=runtime.settings,
            principal=operator_principal("test"),
            agency_id=gs.id,
            username=f"reviewer.{nationality or 'none'}.{second_factor}".lower(),
            display_name="Reviewer",
            roles=[Role.COMPLIANCE_REVIEWER.value],
            password="correct horse battery staple",
            nationality=nationality,
        )
        session.flush()
        return authentication.principal_for_user(
            user, RequestContext(Channel.API), second_factor=second_factor
        )


def subject(runtime, principal, names=("Jean Dupont",), birth=(1980, 4, 17), **kw):  # type: ignore[no-untyped-def]
    return enter(
        runtime,
        principal,
        "persons",
        person(list(names), birth, kw.get("nationalities", ["FRA"]), "male"),
    )


def red_content(**changes: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "summary": "Armed robbery of a jewellery shop in Lyon",
        "facts": "On 3 March 2025 the person and two others robbed a jewellery shop at gunpoint.",
        "offences": [
            {
                "category": "robbery",
                "description": "Armed robbery by an organised gang",
                "legal_provision": "Code pénal, article 311-9",
                "max_penalty_months": 360,
            }
        ],
        "purpose": "prosecution",
        "legal_basis": {
            "kind": "arrest_warrant",
            "reference": "MA-2025-0042",
            "date": "2025-03-20",
            "authority": "Juge d'instruction, Tribunal judiciaire de Lyon",
        },
    }
    content.update(changes)
    return content


CONTENTS: dict[str, dict[str, Any]] = {
    "red": red_content(),
    "yellow": {
        "summary": "Missing girl, 14",
        "disappearance": {
            "date": "2026-01-10",
            "place": "Marseille",
            "circumstances": "Left school",
        },
    },
    "blue": {
        "summary": "Identity of a suspect in a fraud ring",
        "facts": "The person used several identities to open accounts.",
        "information_sought": ["identity", "location"],
    },
    "black": {
        "summary": "Unidentified man found in the Rhône",
        "body": {
            "date": "2026-02-01",
            "place": "Rhône river, Arles",
            "sex": "male",
            "identifiers": [
                {"kind": "dental", "description": "Gold crown on the upper left molar"}
            ],
        },
    },
    "green": {
        "summary": "Convicted child sex offender who travels",
        "facts": "Convicted in 2019; known to travel to South-East Asia.",
        "conviction": {
            "offence": "Sexual abuse of a minor",
            "date": "2019-05-02",
            "court": "Cour d'assises du Rhône",
        },
    },
    "orange": {
        "summary": "Parcel bombs sent to newspapers",
        "threat": {"kind": "object", "description": "Parcels with an improvised explosive device"},
    },
    "purple": {
        "summary": "Cocaine hidden in banana boxes",
        "facts": "Seizure at Le Havre",
        "modus_operandi": {"description": "Blocks of cocaine inside hollowed banana boxes"},
    },
    "silver": {
        "summary": "Assets of a money launderer",
        "facts": "Proceeds of drug trafficking invested abroad",
        "offences": [
            {"category": "money_laundering", "description": "Laundering of drug proceeds"}
        ],
        "assets": [{"kind": "property", "description": "A villa", "location": "Marbella"}],
    },
    "un": {
        "summary": "Listed under resolution 1267",
        "sanction": {
            "committee": "ISIL (Da'esh) and Al-Qaida Sanctions Committee",
            "reference": "QDi.431",
            "measures": ["asset_freeze", "travel_ban", "arms_embargo"],
            "listed_on": "2019-03-01",
        },
    },
}

DIFFUSIONS: dict[str, dict[str, Any]] = {
    "wanted": {
        "summary": "Wanted for armed robbery",
        "facts": "Armed robbery of a bank in Lyon.",
        "offences": [{"category": "robbery", "description": "Armed robbery"}],
        "legal_basis": {
            "kind": "arrest_warrant",
            "reference": "MA-2026-1",
            "date": "2026-01-02",
            "authority": "Tribunal judiciaire de Lyon",
        },
    },
    "missing": CONTENTS["yellow"],
    "information": {"summary": "Information on a suspect", "facts": "Seen with a stolen car."},
    "warning": {"summary": "A violent offender", "facts": "Convicted of assaults; travels often."},
}


def draft(runtime, principal, type_="red", kind="notice", subjects=(), content=None, **kw):  # type: ignore[no-untyped-def]
    with unit_of_work(runtime.sessions) as session:
        notice = service.create(
            session,
            settings=runtime.settings,
            principal=principal,
            kind=kind,
            type=type_,
            draft=service.Draft(
                content=content
                if content is not None
                else (CONTENTS if kind == "notice" else DIFFUSIONS)[type_],
                subjects=tuple(service.SubjectIn(s) if isinstance(s, int) else s for s in subjects),
                **kw,
            ),
        )
        return notice.id


def act(runtime, name, principal, notice_id, **kw):  # type: ignore[no-untyped-def]
    """Run one service action in its own transaction; return the notice's state after."""
    with unit_of_work(runtime.sessions) as session:
        result = getattr(service, name)(
            session, settings=runtime.settings, principal=principal, notice_id=notice_id, **kw
        )
        return getattr(result, "status", None)


def state(runtime, principal, notice_id):  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        view = service.get(
            session, settings=runtime.settings, principal=principal, notice_id=notice_id
        )
        return view.notice.status, view.notice.review_state
