"""The first ten kinds of record: persons, travel documents, administrative documents, vehicles,
vessels, artworks, firearms, ballistics, the firearms reference table and fingerprints. For each,
a valid example, every validator's refusal (naming the field), the lookup keys, retention and
who may enter it; hypothesis for the normalisers and the check-digit validators."""

from __future__ import annotations

import datetime as dt
import math
import string
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from bluebridge.errors import FieldProblem
from bluebridge.records.kinds import (
    admin_documents,
    artworks,
    ballistics,
    base,
    fingerprints,
    firearm_references,
    firearms,
    persons,
    travel_documents,
    vehicles,
    vessels,
)
from bluebridge.records.kinds.base import LookupKey, compact_identifier

TODAY = dt.datetime.now(dt.UTC).date()
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()
NEXT_YEAR = TODAY.year + 1

NA_VIN = "1M8GDM9AXKP042788"  # North American, check digit X
EU_VIN_WRONG = "WVWZZZ1JZXW000001"  # European, position 9 is not its check digit (0)
EU_VIN_RIGHT = "WVWZZZ1J0XW000001"


def problems(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[str, str]]:
    """The (location, message) of each error validating `data`; fails if it is valid."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in caught.value.errors()]


def refused(model: type[BaseModel], data: dict[str, Any], field: str, words: str = "") -> None:
    """`data` is refused with an error on `field` whose message contains `words`."""
    found = problems(model, data)
    assert any(loc == field and words in msg for loc, msg in found), found


def keys_of(module: ModuleType, data: dict[str, Any]) -> list[LookupKey]:
    kind = module.KIND
    return list(kind.lookup_keys(kind.payload.model_validate(data)))


# ---------------------------------------------------------------- examples


PERSON: dict[str, Any] = {
    "names": [
        {"value": "José MARÍA  Gómez", "type": "primary"},
        {"value": "محمد علي", "type": "alias"},
        {"value": "Иван Петров", "type": "alias", "script": "cyrl"},
    ],
    "gender": "male",
    "date_of_birth": {"year": 1980, "month": 4},
    "place_of_birth": "Sevilla",
    "nationalities": ["ESP", "D", "ES"],
    "physical_description": "Scar on the left cheek",
    "languages": ["es", "ara", "fre"],
    "status": "wanted",
    "offences": ["armed robbery"],
}
TRAVEL_DOCUMENT: dict[str, Any] = {
    "number": "12 ab-345/67",
    "issuing_country": "FRA",
    "document_type": "passport",
    "status": "stolen_issued",
    "date_reported": "2024-03-01",
    "holder_name": "DUPONT Jean",
    "date_of_issue": "2020-01-15",
    "date_of_expiry": "2030-01-14",
}
ADMIN_SINGLE: dict[str, Any] = {
    "document_type": "vehicle_registration",
    "issuing_country": "ITA",
    "serial_number": "AB 000123",
}
ADMIN_RANGE: dict[str, Any] = {
    "document_type": "seal",
    "description": "customs seals",
    "issuing_country": "BEL",
    "serial_from": "SX-001000",
    "serial_to": "SX-001999",
}
VEHICLE: dict[str, Any] = {
    "vin": NA_VIN,
    "plates": [{"number": "ab-123-cd", "country": "FR"}],
    "make": "Kenworth",
    "model": "T800",
    "colour": "white",
    "year": 2019,
    "date_stolen": "2024-05-02",
}
VESSEL: dict[str, Any] = {
    "imo": "IMO 9074729",
    "mmsi": "227 006 760",
    "name": "Sea  Breeze",
    "flag": "PAN",
    "vessel_type": "yacht",
    "hull_id": "ABC12345D404",
}
ARTWORK: dict[str, Any] = {
    "title": "La Joconde (Mona Lisa)",
    "artist": "Léonard de Vinci",
    "object_type": "painting",
    "materials": ["oil", "poplar panel"],
    "dimensions": "77 × 53 cm",
    "period": "1503-1519",
    "images": ["img:4f2a", "https://images.example.org/joconde.jpg"],
    "theft_date": "1911-08-21",
    "theft_place": "Musée du Louvre, Paris",
    "theft_country": "FRA",
}
FIREARM: dict[str, Any] = {
    "serial_number": "ab-1234 5",
    "make": "Glock",
    "model": "17",
    "calibre": "9×19mm",
    "firearm_type": "pistol",
    "country_of_manufacture": "AUT",
    "status": "stolen",
    "reference_id": 42,
}
BALLISTIC: dict[str, Any] = {
    "item": "cartridge_case",
    "calibre": "9x19 mm",
    "class_characteristics": {"firing_pin_shape": "circular", "breech_face": "parallel"},
    "signature": [0.1 * i for i in range(16)],
    "incident_reference": 1234,
}
FIREARM_REFERENCE: dict[str, Any] = {
    "make": "Heckler & Koch",
    "model": "MP5",
    "calibre": "9x19mm Parabellum",
    "firearm_type": "submachine_gun",
    "country_of_manufacture": "DEU",
}
FINGERPRINT_KNOWN: dict[str, Any] = {
    "positions": [1, 2, "left_thumb", "7"],
    "template_format": "ISO/IEC 19794-2:2005",
    "template_reference": "tpl-00042",
    "quality": 78,
    "subject": "known",
    "person_reference": 17,
}
FINGERPRINT_LATENT: dict[str, Any] = {
    "positions": [0],
    "image_reference": "img-latent-9",
    "subject": "unknown_latent",
    "latent_source": "crime_scene",
}

EXAMPLES: list[tuple[ModuleType, dict[str, Any]]] = [
    (persons, PERSON),
    (travel_documents, TRAVEL_DOCUMENT),
    (admin_documents, ADMIN_SINGLE),
    (admin_documents, ADMIN_RANGE),
    (vehicles, VEHICLE),
    (vessels, VESSEL),
    (artworks, ARTWORK),
    (firearms, FIREARM),
    (ballistics, BALLISTIC),
    (firearm_references, FIREARM_REFERENCE),
    (fingerprints, FINGERPRINT_KNOWN),
    (fingerprints, FINGERPRINT_LATENT),
]
EXAMPLE_IDS = [f"{m.KIND.name}-{i}" for i, (m, _) in enumerate(EXAMPLES)]


def change(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of `data` with fields changed; a value of None removes the field."""
    copy = {**data, **changes}
    return {k: v for k, v in copy.items() if v is not None}


# ---------------------------------------------------------------- every kind


@pytest.mark.parametrize(("module", "data"), EXAMPLES, ids=EXAMPLE_IDS)
def test_example_is_valid_keyed_titled_and_survives_storage(
    module: ModuleType, data: dict[str, Any]
) -> None:
    kind = module.KIND
    payload = kind.payload.model_validate(data)
    if data is not FINGERPRINT_LATENT:  # a latent image alone has no exact key
        assert kind.lookup_keys(payload), "the example has at least one lookup key"
    title = kind.title(payload)
    assert 0 < len(title) <= 300
    # Stored as JSON, read back as the same payload with the same keys.
    stored = payload.model_dump(mode="json")
    again = kind.payload.model_validate(stored)
    assert again == payload
    assert kind.lookup_keys(again) == kind.lookup_keys(payload)


@pytest.mark.parametrize(
    "module",
    [
        persons,
        travel_documents,
        admin_documents,
        vehicles,
        vessels,
        artworks,
        firearms,
        ballistics,
        firearm_references,
        fingerprints,
    ],
)
def test_kind_declaration(module: ModuleType) -> None:
    kind = module.KIND
    assert kind.name == module.__name__.rsplit(".", 1)[1]
    assert kind.label
    assert kind.description.endswith(".")
    assert kind.description.count(". ") == 0, "one sentence"
    assert kind.payload.model_json_schema()["type"] == "object"


@pytest.mark.parametrize(("module", "data"), EXAMPLES, ids=EXAMPLE_IDS)
def test_unknown_fields_are_refused(module: ModuleType, data: dict[str, Any]) -> None:
    refused(module.KIND.payload, {**data, "colour_of_hat": "red"}, "colour_of_hat")


@pytest.mark.parametrize(
    ("module", "years", "personal"),
    [
        (persons, 5, True),
        (travel_documents, 5, True),
        (admin_documents, 5, False),
        (vehicles, 5, False),
        (vessels, 5, False),
        (artworks, 5, False),
        (firearms, 5, False),
        (ballistics, 30, False),
        (firearm_references, 99, False),
    ],
)
def test_retention_and_personal_data(module: ModuleType, years: int, personal: bool) -> None:
    assert module.KIND.retention_years == years
    assert module.KIND.personal_data is personal


# ---------------------------------------------------------------- shared normalisation


def test_compact_identifier_example() -> None:
    assert compact_identifier("12 ab-345/67") == compact_identifier("12AB34567") == "12AB34567"


@given(st.text())
def test_compact_identifier_is_idempotent(text: str) -> None:
    once = compact_identifier(text)
    assert compact_identifier(once) == once
    assert set(once) <= set(string.ascii_uppercase + string.digits)


@given(st.text(max_size=60))
def test_fold_name_is_idempotent(text: str) -> None:
    once = base.fold_name(text)
    assert base.fold_name(once) == once
    assert "  " not in once
    assert once == once.strip()


def test_fold_name() -> None:
    assert base.fold_name("  José   MARÍA ") == "jose maria"
    assert base.fold_name("Øster Łukasz Straße") == "oster lukasz strasse"
    assert base.fold_name("مُحَمَّد") == "محمد"  # the optional vowel marks go
    assert base.fold_name("ｊｏｓｅ") == "jose"  # NFKC: full-width forms
    assert base.fold_name("がくせい") == "がくせい"  # kana voicing marks are kept
    assert base.fold_compact("La Joconde (Mona Lisa)") == "lajocondemonalisa"
    assert base.fold_compact("蒙娜丽莎") == "蒙娜丽莎"


# ---------------------------------------------------------------- persons


@pytest.mark.parametrize(
    ("name", "script"),
    [
        ("Jean Dupont", "Latn"),
        ("محمد علي", "Arab"),
        ("Иван Петров", "Cyrl"),
        ("Ελένη Παπαδοπούλου", "Grek"),
        ("אברהם כהן", "Hebr"),
        ("山田太郎", "Hani"),
        ("やまだ たろう", "Hira"),
        ("山田たろう", "Jpan"),
        ("김철수", "Hang"),
        ("金 철수", "Kore"),
        ("राम शर्मा", "Deva"),
        ("สมชาย ใจดี", "Thai"),
        ("ግርማ", "Ethi"),
        ("007", "Zyyy"),
    ],
)
def test_script_is_detected(name: str, script: str) -> None:
    person = persons.Person.model_validate(change(PERSON, names=[{"value": name}]))
    assert person.names[0].script == script
    assert person.names[0].type is persons.NameType.PRIMARY


def test_person_example_normalised() -> None:
    person = persons.Person.model_validate(PERSON)
    assert [n.script for n in person.names] == ["Latn", "Arab", "Cyrl"]
    assert person.nationalities == ["ESP", "DEU"]  # ICAO D, alpha-2 ES, duplicates dropped
    assert person.languages == ["es", "ara", "fre"]
    assert person.primary_name == "José MARÍA  Gómez"


def test_person_keys() -> None:
    keys = keys_of(persons, PERSON)
    assert LookupKey("name", "jose maria gomez") in keys
    assert LookupKey("birth_name_year", "jose maria gomez:1980") in keys
    assert LookupKey("name", "محمد علي") in keys
    assert LookupKey("birth_name_year", "иван петров:1980") in keys
    same = keys_of(persons, change(PERSON, names=[{"value": "JOSE maria gómez"}]))
    assert LookupKey("name", "jose maria gomez") in same
    no_year = keys_of(persons, change(PERSON, date_of_birth=None))
    assert {k.key_type for k in no_year} == {"name"}


def test_person_title() -> None:
    person = persons.Person.model_validate(PERSON)
    assert persons.KIND.title(person) == "José MARÍA  Gómez (1980-04)"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"names": []}, "names", "at least 1"),
        ({"names": [{"value": "A", "type": "alias"}]}, "names", "exactly one primary"),
        ({"names": [{"value": "A"}, {"value": "B"}]}, "names", "not 2"),
        ({"names": [{"value": ""}]}, "names.0.value", ""),
        ({"names": [{"value": "x" * 201}]}, "names.0.value", "200"),
        ({"names": [{"value": "Jean\x00Dupont"}]}, "names.0.value", "control character"),
        ({"names": [{"value": "---"}]}, "names.0.value", "no letters or digits"),
        ({"names": [{"value": "A", "type": "nickname"}]}, "names.0.type", ""),
        ({"names": [{"value": "A", "script": "Abcd"}]}, "names.0.script", "ISO 15924"),
        ({"names": [{"value": "A", "script": "Latin"}]}, "names.0.script", "four letters"),
        ({"gender": "other"}, "gender", ""),
        ({"date_of_birth": {"year": 1700}}, "date_of_birth", "year out of range"),
        ({"date_of_birth": {"year": 1980, "month": 2, "day": 30}}, "date_of_birth", ""),
        ({"place_of_birth": "x" * 201}, "place_of_birth", ""),
        ({"nationalities": ["ZZZ"]}, "nationalities.0", "country code"),
        ({"physical_description": "x" * 2001}, "physical_description", "2000"),
        ({"languages": ["xx"]}, "languages", "ISO 639"),
        ({"languages": ["english"]}, "languages.0", ""),
        ({"status": "fugitive"}, "status", ""),
        ({"status": None}, "status", "required"),
        ({"offences": ["x" * 201]}, "offences.0", ""),
    ],
)
def test_person_refusals(changes: dict[str, Any], field: str, words: str) -> None:
    refused(persons.Person, change(PERSON, **changes), field, words)


def test_given_script_is_kept_and_normalised() -> None:
    person = persons.Person.model_validate(
        change(PERSON, names=[{"value": "Jean Dupont", "script": "LATN"}])
    )
    assert person.names[0].script == "Latn"


# ---------------------------------------------------------------- travel documents


def test_travel_document_key_is_country_and_compact_number() -> None:
    spaced = keys_of(travel_documents, TRAVEL_DOCUMENT)
    packed = keys_of(travel_documents, change(TRAVEL_DOCUMENT, number="12AB34567"))
    assert spaced == packed == [LookupKey("document", "FRA:12AB34567")]
    german = keys_of(travel_documents, change(TRAVEL_DOCUMENT, issuing_country="D"))
    assert german == [LookupKey("document", "DEU:12AB34567")]


def test_travel_document_title() -> None:
    document = travel_documents.TravelDocument.model_validate(TRAVEL_DOCUMENT)
    assert travel_documents.KIND.title(document) == "Passport FRA 12AB34567 (stolen issued)"


def test_stolen_blank_needs_no_holder() -> None:
    blank = change(
        TRAVEL_DOCUMENT,
        status="stolen_blank",
        holder_name=None,
        date_of_issue=None,
        date_of_expiry=None,
    )
    travel_documents.TravelDocument.model_validate(blank)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"number": "1"}, "number", "not 1"),
        ({"number": "1-/-"}, "number", "2 to 20"),
        ({"number": "A" * 21}, "number", "not 21"),
        ({"number": "x" * 41}, "number", "40"),
        ({"issuing_country": "XYZ"}, "issuing_country", "country code"),
        ({"issuing_country": "UNO"}, "issuing_country", "names no country"),
        ({"document_type": "driving_licence"}, "document_type", ""),
        ({"status": "found"}, "status", ""),
        ({"date_reported": TOMORROW}, "date_reported", "future"),
        ({"date_of_issue": TOMORROW}, "date_of_issue", "future"),
        ({"date_of_expiry": "2019-01-01"}, "date_of_expiry", "after the date of issue"),
        ({"holder_name": ""}, "holder_name", ""),
    ],
)
def test_travel_document_refusals(changes: dict[str, Any], field: str, words: str) -> None:
    refused(travel_documents.TravelDocument, change(TRAVEL_DOCUMENT, **changes), field, words)


@pytest.mark.parametrize(
    ("owner_country", "allowed"), [("FRA", True), ("DEU", False), (None, False)]
)
def test_only_the_issuing_country_enters_its_documents(
    owner_country: str | None, allowed: bool
) -> None:
    document = travel_documents.TravelDocument.model_validate(TRAVEL_DOCUMENT)
    rule = travel_documents.KIND.owner_rule
    assert rule is not None
    found = rule(document, owner_country, "ncb")
    expected = [
        FieldProblem(
            "issuing_country", "only an agency of the issuing country may enter this document"
        )
    ]
    assert found == ([] if allowed else expected)


# ---------------------------------------------------------------- administrative documents


def test_admin_document_keys() -> None:
    assert keys_of(admin_documents, ADMIN_SINGLE) == [LookupKey("admin_document", "ITA:AB000123")]
    assert keys_of(admin_documents, change(ADMIN_SINGLE, serial_number="ab000123")) == [
        LookupKey("admin_document", "ITA:AB000123")
    ]
    assert keys_of(admin_documents, ADMIN_RANGE) == [
        LookupKey("admin_document_from", "BEL:SX001000"),
        LookupKey("admin_document_to", "BEL:SX001999"),
    ]


def test_admin_document_titles() -> None:
    kind = admin_documents.KIND
    single = kind.payload.model_validate(ADMIN_SINGLE)
    ranged = kind.payload.model_validate(ADMIN_RANGE)
    assert kind.title(single) == "Vehicle registration ITA AB000123"
    assert kind.title(ranged) == "Seal BEL SX001000–SX001999"


def test_admin_document_range_of_one() -> None:
    admin_documents.AdminDocument.model_validate(
        change(ADMIN_RANGE, serial_from="SX 5", serial_to="sx-5")
    )


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"serial_number": "AB1"}, "serial_number", "not both"),
        ({"serial_from": None, "serial_to": None}, "serial_number", "give a serial_number"),
        ({"serial_to": None}, "serial_to", "needs serial_to"),
        ({"serial_from": None}, "serial_to", "needs serial_from"),
        ({"serial_to": "SX-01999"}, "serial_to", "as many characters"),
        ({"serial_to": "SY-001999"}, "serial_to", "prefix"),
        ({"serial_to": "SX-000999"}, "serial_to", "must not come before"),
        ({"serial_from": "SX-00100A", "serial_to": "SX-00199A"}, "serial_to", "end in digits"),
        ({"serial_from": "--"}, "serial_from", "not 0"),
        ({"document_type": "passport"}, "document_type", ""),
        ({"issuing_country": "Italy"}, "issuing_country", "country code"),
        ({"description": "x" * 501}, "description", ""),
    ],
)
def test_admin_document_refusals(changes: dict[str, Any], field: str, words: str) -> None:
    refused(admin_documents.AdminDocument, change(ADMIN_RANGE, **changes), field, words)


# ---------------------------------------------------------------- vehicles


def test_north_american_vin_with_its_check_digit_passes() -> None:
    vehicle = vehicles.Vehicle.model_validate(VEHICLE)
    assert vehicle.vin == NA_VIN
    assert vehicle.vin_check_digit_valid is True
    assert vehicles.vin_check_digit(NA_VIN) == "X"


def test_north_american_vin_with_a_wrong_check_digit_is_refused() -> None:
    wrong = NA_VIN[:8] + "1" + NA_VIN[9:]
    refused(
        vehicles.Vehicle,
        change(VEHICLE, vin=wrong),
        "vin",
        "check digit does not match: expected X",
    )


def test_european_vin_with_a_wrong_check_digit_passes_with_a_warning() -> None:
    vehicle = vehicles.Vehicle.model_validate(change(VEHICLE, vin=EU_VIN_WRONG))
    assert vehicle.vin_check_digit_valid is False
    right = vehicles.Vehicle.model_validate(change(VEHICLE, vin=EU_VIN_RIGHT))
    assert right.vin_check_digit_valid is True


def test_vin_check_digit_flag_is_computed_not_taken() -> None:
    given_flag = change(VEHICLE, vin=EU_VIN_WRONG, vin_check_digit_valid=True)
    assert vehicles.Vehicle.model_validate(given_flag).vin_check_digit_valid is False
    no_vin = change(VEHICLE, vin=None, vin_check_digit_valid=True)
    assert vehicles.Vehicle.model_validate(no_vin).vin_check_digit_valid is None


def test_vin_is_normalised() -> None:
    spaced = "1m8gdm9a xkp-042788"
    assert vehicles.Vehicle.model_validate(change(VEHICLE, vin=spaced)).vin == NA_VIN


def test_vehicle_keys() -> None:
    assert keys_of(vehicles, VEHICLE) == [
        LookupKey("vin", NA_VIN),
        LookupKey("plate", "FRA:AB123CD"),
    ]
    plates_only = change(VEHICLE, vin=None, plates=[{"number": "AB 123 CD", "country": "FRA"}])
    assert keys_of(vehicles, plates_only) == [LookupKey("plate", "FRA:AB123CD")]


def test_vehicle_title() -> None:
    kind = vehicles.KIND
    assert kind.title(kind.payload.model_validate(VEHICLE)) == f"Kenworth T800 {NA_VIN}"
    plates_only = kind.payload.model_validate(change(VEHICLE, vin=None))
    assert kind.title(plates_only) == "Kenworth T800 FRA AB123CD"


def test_vehicle_year_bounds() -> None:
    for year in (1886, NEXT_YEAR):
        vehicles.Vehicle.model_validate(change(VEHICLE, year=year))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"vin": "1M8GDM9AXKP04278"}, "vin", "17 letters and digits, not 16"),
        ({"vin": "1M8GDM9AXKP0427888"}, "vin", "not 18"),
        ({"vin": "WVWZZZ1JZXW00000O"}, "vin", "found O at position 17"),
        ({"vin": "IVWZZZ1JZXW000001"}, "vin", "never contains I, O or Q"),
        ({"vin": "WVWZZZQJZXW000001"}, "vin", "found Q at position 7"),
        ({"vin": None, "plates": []}, "plates", "give a VIN or at least one plate"),
        ({"plates": [{"number": "--", "country": "FRA"}]}, "plates.0.number", "not 0"),
        ({"plates": [{"number": "AB1", "country": "XX"}]}, "plates.0.country", ""),
        ({"plates": [{"number": "AB1"}]}, "plates.0.country", ""),
        ({"make": ""}, "make", ""),
        ({"year": 1885}, "year", "from 1886"),
        ({"year": NEXT_YEAR + 1}, "year", f"not {NEXT_YEAR + 1}"),
        ({"date_stolen": TOMORROW}, "date_stolen", "future"),
        ({"date_stolen": None}, "date_stolen", ""),
    ],
)
def test_vehicle_refusals(changes: dict[str, Any], field: str, words: str) -> None:
    refused(vehicles.Vehicle, change(VEHICLE, **changes), field, words)


VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


@given(st.text(alphabet=VIN_CHARS, min_size=17, max_size=17))
def test_any_vin_with_its_check_digit_passes(draw: str) -> None:
    vin = draw[:8] + vehicles.vin_check_digit(draw) + draw[9:]
    assert vehicles.vin_check_digit(vin) == vin[8]  # position 9 has weight 0
    vehicle = vehicles.Vehicle.model_validate(change(VEHICLE, vin=vin))
    assert vehicle.vin_check_digit_valid is True


@given(st.text(max_size=40))
def test_vin_validator_raises_only_validation_errors(text: str) -> None:
    try:
        vehicle = vehicles.Vehicle.model_validate(change(VEHICLE, vin=text))
    except ValidationError:
        return
    assert vehicle.vin is not None
    assert len(vehicle.vin) == 17


# ---------------------------------------------------------------- vessels


def test_imo_check_digit() -> None:
    assert vessels.normalise_imo("IMO 9074729") == "9074729"
    assert vessels.normalise_imo("9074729") == "9074729"
    assert vessels.normalise_imo("imo9074729") == "9074729"
    refused(vessels.Vessel, change(VESSEL, imo="9074728"), "imo", "expected 9")
    refused(vessels.Vessel, change(VESSEL, imo="IMO 9074728"), "imo", "check digit does not match")


@given(st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_any_imo_with_its_check_digit_passes(first_six: str) -> None:
    imo = first_six + str(vessels.imo_check_digit(first_six))
    assert vessels.normalise_imo(f"IMO {imo}") == imo
    wrong = first_six + str((vessels.imo_check_digit(first_six) + 1) % 10)
    with pytest.raises(ValueError, match="check digit"):
        vessels.normalise_imo(wrong)


@given(st.text(max_size=30))
def test_imo_validator_raises_only_validation_errors(text: str) -> None:
    try:
        vessel = vessels.Vessel.model_validate(change(VESSEL, imo=text))
    except ValidationError:
        return
    assert vessel.imo is not None
    assert len(vessel.imo) == 7


def test_vessel_keys() -> None:
    assert keys_of(vessels, VESSEL) == [
        LookupKey("imo", "9074729"),
        LookupKey("mmsi", "227006760"),
        LookupKey("vessel_name", "seabreeze:PAN"),
    ]
    renamed = keys_of(vessels, change(VESSEL, name="SEA-BREEZE", flag="PA"))
    assert LookupKey("vessel_name", "seabreeze:PAN") in renamed


def test_vessel_needs_only_one_identifier() -> None:
    for only in ("imo", "mmsi", "name"):
        data = {"flag": "PAN", only: VESSEL[only]}
        vessels.Vessel.model_validate(data)


def test_vessel_title() -> None:
    vessel = vessels.Vessel.model_validate(VESSEL)
    assert vessels.KIND.title(vessel) == "Sea  Breeze IMO 9074729 (PAN)"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"imo": "907472"}, "imo", "7 digits"),
        ({"imo": "IMO 90747290"}, "imo", "7 digits"),
        ({"mmsi": "22700676"}, "mmsi", "9 digits"),
        ({"mmsi": "22700676A"}, "mmsi", "9 digits"),
        ({"imo": None, "mmsi": None, "name": None}, "name", "at least one of imo, mmsi or name"),
        ({"name": "***"}, "name", "no letters or digits"),
        ({"flag": "Panama"}, "flag", "country code"),
        ({"flag": None}, "flag", ""),
    ],
)
def test_vessel_refusals(changes: dict[str, Any], field: str, words: str) -> None:
    refused(vessels.Vessel, change(VESSEL, **changes), field, words)


# ---------------------------------------------------------------- artworks


def test_artwork_key_ignores_case_accents_and_punctuation() -> None:
    key = keys_of(artworks, ARTWORK)
    assert key == [LookupKey("artwork", "lajocondemonalisa:leonarddevinci")]
    same = keys_of(
        artworks, change(ARTWORK, title="LA JOCONDE - MONA LISA", artist="Leonard de VINCI")
    )
    assert same == key
    no_artist = keys_of(artworks, change(ARTWORK, artist=None))
    assert no_artist == [LookupKey("artwork", "lajocondemonalisa:")]
    chinese = keys_of(artworks, change(ARTWORK, title="清明上河图", artist="张择端"))
    assert chinese == [LookupKey("artwork", "清明上河图:张择端")]


def test_artwork_title() -> None:
    artwork = artworks.Artwork.model_validate(ARTWORK)
    assert artworks.KIND.title(artwork) == "La Joconde (Mona Lisa) — Léonard de Vinci"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": ""}, "title", ""),
        ({"title": "…"}, "title", "no letters or digits"),
        ({"object_type": "furniture"}, "object_type", ""),
        ({"materials": [""]}, "materials.0", ""),
        ({"images": ["data:image/png;base64,iVBORw0KGgo="]}, "images", "not embedded"),
        ({"images": ["my image.jpg"]}, "images", "no spaces"),
        ({"images": ["x" * 501]}, "images.0", ""),
        ({"theft_date": TOMORROW}, "theft_date", "future"),
        ({"theft_country": None}, "theft_country", ""),
        ({"theft_country": "Louvre"}, "theft_country", "country code"),
    ],
)
def test_artwork_refusals(changes: dict[str, Any], field: str, words: str) -> None:
    refused(artworks.Artwork, change(ARTWORK, **changes), field, words)


# ---------------------------------------------------------------- firearms


def test_firearm_keys() -> None:
    assert keys_of(firearms, FIREARM) == [LookupKey("firearm", "GLOCK:AB12345")]
    same = keys_of(firearms, change(FIREARM, make="glock", serial_number="AB12345"))
    assert same == keys_of(firearms, FIREARM)


def test_calibre_compaction() -> None:
    assert firearms.compact_calibre("7.62×39 mm") == firearms.compact_calibre("7,62 x 39mm")
    assert firearms.compact_calibre("9×19mm") == "9X19MM"
    assert firearms.compact_calibre(".45 ACP") == "45ACP"


def test_firearm_title() -> None:
    firearm = firearms.Firearm.model_validate(FIREARM)
    assert firearms.KIND.title(firearm) == "Glock 17 pistol ab-1234 5"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"serial_number": "-/-"}, "serial_number", "at least one letter or digit"),
        ({"serial_number": None}, "serial_number", ""),
        ({"make": ""}, "make", ""),
        ({"model": None}, "model", ""),
        ({"calibre": "--"}, "calibre", "at least one letter or digit"),
        ({"firearm_type": "cannon"}, "firearm_type", ""),
        ({"status": "seized"}, "status", ""),
        ({"country_of_manufacture": "ZZ"}, "country_of_manufacture", "country code"),
        ({"reference_id": 0}, "reference_id", ""),
        ({"reference_id": "abc"}, "reference_id", ""),
    ],
)
def test_firearm_refusals(changes: dict[str, Any], field: str, words: str) -> None:
    refused(firearms.Firearm, change(FIREARM, **changes), field, words)


# ---------------------------------------------------------------- ballistics


def test_ballistics_key_and_retention() -> None:
    keys = keys_of(ballistics, BALLISTIC)
    assert keys == [LookupKey("ballistics_calibre", "9X19MM")]
    assert keys_of(ballistics, change(BALLISTIC, calibre="9×19mm")) == keys
    sample = ballistics.BallisticSample.model_validate(BALLISTIC)
    assert ballistics.KIND.retention_for(sample) == 30


def test_ballistics_signature_bounds_and_references() -> None:
    model = ballistics.BallisticSample
    model.model_validate(change(BALLISTIC, signature=[1.0] * 8))
    model.model_validate(change(BALLISTIC, signature=[1.0] * 4096))
    text_reference = model.model_validate(change(BALLISTIC, incident_reference="OP-2024-17"))
    assert text_reference.incident_reference == "OP-2024-17"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"item": "shell"}, "item", ""),
        ({"calibre": ""}, "calibre", ""),
        ({"calibre": "--"}, "calibre", "at least one letter or digit"),
        ({"signature": [1.0] * 7}, "signature", "at least 8"),
        ({"signature": [1.0] * 4097}, "signature", "at most 4096"),
        ({"signature": [1.0] * 8 + [math.nan]}, "signature", "value 8 is nan"),
        ({"signature": [math.inf] + [1.0] * 8}, "signature", "finite"),
        ({"signature": ["a"] * 8}, "signature.0", ""),
        ({"class_characteristics": {"rifling": "x" * 201}}, "class_characteristics.rifling", ""),
        ({"class_characteristics": {"": "right"}}, "class_characteristics..[key]", ""),
        ({"incident_reference": 0}, "incident_reference", "positive"),
        ({"incident_reference": "x" * 101}, "incident_reference", "1 to 100"),
    ],
)
def test_ballistics_refusals(changes: dict[str, Any], field: str, words: str) -> None:
    refused(ballistics.BallisticSample, change(BALLISTIC, **changes), field, words)


# ---------------------------------------------------------------- firearms reference table


def test_firearm_reference_key() -> None:
    assert keys_of(firearm_references, FIREARM_REFERENCE) == [
        LookupKey("firearm_reference", "HECKLERKOCH:MP5:9X19MMPARABELLUM")
    ]


@pytest.mark.parametrize(
    ("agency_kind", "allowed"),
    [("general_secretariat", True), ("ncb", False), ("specialized_unit", False)],
)
def test_only_the_general_secretariat_keeps_the_reference_table(
    agency_kind: str, allowed: bool
) -> None:
    entry = firearm_references.FirearmReference.model_validate(FIREARM_REFERENCE)
    rule = firearm_references.KIND.owner_rule
    assert rule is not None
    found = rule(entry, "FRA" if agency_kind != "general_secretariat" else None, agency_kind)
    if allowed:
        assert found == []
    else:
        assert [p.field for p in found] == ["_"]
        assert "General Secretariat" in found[0].reason


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"make": "&"}, "make", "at least one letter or digit"),
        ({"model": None}, "model", ""),
        ({"calibre": "-/-"}, "calibre", "at least one letter or digit"),
        ({"firearm_type": "bazooka"}, "firearm_type", ""),
        ({"country_of_manufacture": "Germany"}, "country_of_manufacture", "country code"),
    ],
)
def test_firearm_reference_refusals(changes: dict[str, Any], field: str, words: str) -> None:
    refused(firearm_references.FirearmReference, change(FIREARM_REFERENCE, **changes), field, words)


# ---------------------------------------------------------------- fingerprints


def test_fingerprint_positions_by_code_or_name() -> None:
    prints = fingerprints.Fingerprint.model_validate(FINGERPRINT_KNOWN)
    assert prints.positions == [1, 2, 6, 7]
    palms = fingerprints.Fingerprint.model_validate(
        change(FINGERPRINT_LATENT, positions=[21, "left thenar", 36])
    )
    assert palms.positions == [21, 35, 36]


def test_fingerprint_retention_depends_on_the_subject() -> None:
    kind = fingerprints.KIND
    known = kind.payload.model_validate(FINGERPRINT_KNOWN)
    latent = kind.payload.model_validate(FINGERPRINT_LATENT)
    assert kind.retention_for(known) == 5
    assert kind.retention_for(latent) == 15
    assert kind.personal_data is True


def test_fingerprint_keys() -> None:
    assert keys_of(fingerprints, FINGERPRINT_KNOWN) == [
        LookupKey("fingerprint_template", "tpl-00042")
    ]
    assert keys_of(fingerprints, FINGERPRINT_LATENT) == []


def test_fingerprint_titles() -> None:
    kind = fingerprints.KIND
    assert kind.title(kind.payload.model_validate(FINGERPRINT_KNOWN)) == "Known person, 4 positions"
    latent = kind.payload.model_validate(FINGERPRINT_LATENT)
    assert kind.title(latent) == "Latent (crime scene), unknown finger"


@pytest.mark.parametrize(
    ("base", "changes", "field", "words"),
    [
        (FINGERPRINT_KNOWN, {"positions": []}, "positions", "at least 1"),
        (FINGERPRINT_KNOWN, {"positions": [11]}, "positions.0", "0-10 for fingers"),
        (FINGERPRINT_KNOWN, {"positions": [37]}, "positions.0", "palm position"),
        (FINGERPRINT_KNOWN, {"positions": [-1]}, "positions.0", ""),
        (FINGERPRINT_KNOWN, {"positions": ["left_toe"]}, "positions.0", "not an ANSI/NIST-ITL"),
        (FINGERPRINT_KNOWN, {"positions": [True]}, "positions.0", ""),
        (FINGERPRINT_KNOWN, {"positions": [1, "right_thumb"]}, "positions", "repeated: [1]"),
        (FINGERPRINT_KNOWN, {"template_format": None}, "template_format", "needs its"),
        (
            FINGERPRINT_KNOWN,
            {"template_format": None, "template_reference": None},
            "image_reference",
            "give a template_reference or an image_reference",
        ),
        (FINGERPRINT_KNOWN, {"quality": 101}, "quality", ""),
        (FINGERPRINT_KNOWN, {"quality": -1}, "quality", ""),
        (FINGERPRINT_KNOWN, {"subject": "suspect"}, "subject", ""),
        (FINGERPRINT_KNOWN, {"latent_source": "crime_scene"}, "latent_source", "only a latent"),
        (FINGERPRINT_LATENT, {"latent_source": None}, "latent_source", "needs its source"),
        (FINGERPRINT_LATENT, {"latent_source": "dustbin"}, "latent_source", ""),
        (FINGERPRINT_LATENT, {"person_reference": 17}, "person_reference", "no person reference"),
        (FINGERPRINT_KNOWN, {"person_reference": 0}, "person_reference", "positive"),
    ],
)
def test_fingerprint_refusals(
    base: dict[str, Any], changes: dict[str, Any], field: str, words: str
) -> None:
    refused(fingerprints.Fingerprint, change(base, **changes), field, words)
