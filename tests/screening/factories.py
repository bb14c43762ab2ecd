"""Records for screening tests: a person's payload and a record entered with a policy."""

from __future__ import annotations

from bluebridge.records import service as records
from bluebridge.records.kinds.base import InformationGrading, SourceGrading, SourceType
from bluebridge.screening.mrz import check_digit
from bluebridge.store.engine import unit_of_work

ENVELOPE = records.Envelope(
    source_type=SourceType.POLICE_INVESTIGATION,
    source_grading=SourceGrading.B,
    information_grading=InformationGrading.PROBABLY_TRUE,
)


def person(names, birth=None, nationalities=(), gender=None, status="wanted"):
    payload = {
        "names": [
            {"value": n, "type": "primary" if i == 0 else "alias"} for i, n in enumerate(names)
        ],
        "status": status,
    }
    if birth:
        year, month, day = birth
        payload["date_of_birth"] = {"year": year, "month": month, "day": day}
    if nationalities:
        payload["nationalities"] = list(nationalities)
    if gender:
        payload["gender"] = gender
    return payload


def enter(runtime, principal, kind, payload, policy=None):
    envelope = records.Envelope(
        source_type=ENVELOPE.source_type,
        source_grading=ENVELOPE.source_grading,
        information_grading=ENVELOPE.information_grading,
        access_policy=policy,
    )
    with unit_of_work(runtime.sessions) as session:
        record = records.create_record(
            session,
            settings=runtime.settings,
            principal=principal,
            kind_name=kind,
            payload=payload,
            envelope=envelope,
        )
        return record.id


def td3(
    number: str, country: str, surname: str, given: str, birth: str, corrupt: bool = False
) -> str:
    """A passport's two MRZ lines; `corrupt` breaks the document number's check digit."""
    name = f"{surname}<<{given.replace(' ', '<')}"
    line1 = f"P<{country}{name}".ljust(44, "<")[:44]
    number_field = number.ljust(9, "<")
    number_digit = check_digit(number_field)
    if corrupt:
        number_digit = str((int(number_digit) + 1) % 10)
    birth_digit = check_digit(birth)
    expiry = "310101"
    expiry_digit = check_digit(expiry)
    optional = "<" * 14
    optional_digit = check_digit(optional)
    composite = (
        number_field
        + number_digit
        + birth
        + birth_digit
        + expiry
        + expiry_digit
        + optional
        + optional_digit
    )
    line2 = (
        f"{number_field}{number_digit}{country}{birth}{birth_digit}M{expiry}{expiry_digit}"
        f"{optional}{optional_digit}{check_digit(composite)}"
    )
    return line1 + "\n" + line2
