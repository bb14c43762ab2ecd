"""The last nine kinds of record: DNA profiles, faces, child sexual exploitation media (ICSE),
counterfeit documents, payment cards, cyber indicators, organizations, incidents and financial
accounts, with the shared cryptocurrency address checker. For each, a valid example, every
validator's refusal (naming the field), the lookup keys, retention and defaults; the payment
card's number never stored; IBAN, BIC and wallet checks; STIX 2.1 round trips; hypothesis for
Luhn, profiles, addresses and IP addresses."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import random
import re
from types import ModuleType
from typing import Any

import pytest
import stix2  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from bluebridge.access.records import AccessMode, AccessPolicy
from bluebridge.members.models import UnitSpecialty
from bluebridge.records import registry
from bluebridge.records.kinds import (
    child_exploitation,
    counterfeit_documents,
    crypto_addresses,
    cyber_indicators,
    dna_profiles,
    faces,
    financial_accounts,
    incidents,
    organizations,
    payment_cards,
)
from bluebridge.records.kinds.base import LookupKey, Payload

TODAY = dt.datetime.now(dt.UTC).date()
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()
NEXT_WEEK = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
TEST_KEY = b"test key for the keyed hash"


def keyed_hash(purpose: str, value: str) -> str:
    """As the record service does: HMAC-SHA256 under a key per purpose."""
    key = hmac.new(TEST_KEY, purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def problems(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[str, str]]:
    """The (location, message) of each error validating `data`; fails if it is valid."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in caught.value.errors()]


def refused(model: type[BaseModel], data: dict[str, Any], field: str, words: str = "") -> None:
    """`data` is refused with an error on `field` whose message contains `words`."""
    found = problems(model, data)
    assert any(loc == field and words in msg for loc, msg in found), found


def change(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of `data` with fields changed; a value of None removes the field."""
    copy = {**data, **changes}
    return {k: v for k, v in copy.items() if v is not None}


def stored(module: ModuleType, data: dict[str, Any]) -> Payload:
    kind = module.KIND
    stored_payload: Payload = kind.to_stored(kind.input_schema.model_validate(data), keyed_hash)
    return stored_payload


def keys_of(module: ModuleType, data: dict[str, Any]) -> list[LookupKey]:
    return list(module.KIND.lookup_keys(stored(module, data)))


# ---------------------------------------------------------------- examples

LOCI: dict[str, list[str]] = {
    "D3S1358": ["15", "16"],
    "vWA": ["17", "18"],
    "D16S539": ["9", "11"],
    "CSF1PO": ["10", "12"],
    "TPOX": ["8"],
    "D8S1179": ["12", "14"],
    "D21S11": ["29", "30.2"],
    "TH01": ["6", "9.3"],
    "Amelogenin": ["X", "Y"],
}
DNA_PROFILE: dict[str, Any] = {
    "kit": "GlobalFiler",
    "loci": LOCI,
    "sample_kind": "crime_scene",
}
FACE_KNOWN: dict[str, Any] = {
    "image_reference": "face-img-0001",
    "subject": "known",
    "person_reference": 17,
    "capture_date": "2023-11-05",
    "quality": 82,
}
FACE_UNKNOWN: dict[str, Any] = {
    "image_reference": "urn:bluebridge:image:7f3a",
    "subject": "unknown",
    "quality": 40,
}
PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
SHA256 = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"
ICSE: dict[str, Any] = {
    "media_hashes": {"pdq": PDQ, "sha256": SHA256, "md5": MD5},
    "series": "Series X-14",
    "victim_identified": True,
    "victim_identified_in": "PH",
    "offender_identified": False,
}
COUNTERFEIT: dict[str, Any] = {
    "document_type": "passport",
    "country": "FR",
    "features": ["data page laminate lacks the optically variable ink", "MRZ font is wrong"],
    "images": ["img-cf-1", "img-cf-2"],
}
VISA_NUMBER = "4111 1111-1111 1111"
VISA_DIGITS = "4111111111111111"
CARD: dict[str, Any] = {
    "card_number": VISA_NUMBER,
    "expiry": "07/27",
    "issuer": "Example Bank",
    "status": "skimmed",
}
CYBER: dict[str, Any] = {
    "indicator_type": "ip_address",
    "value": "198.51.100.7",
    "threat": "ransomware",
    "first_seen": "2024-05-01T10:00:00+02:00",
    "last_seen": "2024-06-01T00:00:00Z",
    "tlp": "amber",
}
ORGANIZATION: dict[str, Any] = {
    "name": "Cártel del  Golfo",
    "aliases": ["CDG", "Gulf Cartel", "CARTEL DEL GOLFO"],
    "organization_type": "criminal_group",
    "regions_of_activity": ["americas", "europe"],
    "financing_sources": ["drug trafficking", "extortion"],
}
INCIDENT: dict[str, Any] = {
    "incident_type": "ied",
    "date": "2023-04-12",
    "place": "Main market, Kano",
    "country": "NG",
    "modus_operandi": "Device hidden in a motorcycle pannier, detonated at peak hour.",
    "device": {"characteristics": "pressure cooker, mobile phone trigger", "materials": ["TATP"]},
    "casualties": {"killed": 3, "injured": 21},
}
IBAN_DE = "DE89 3704 0044 0532 0130 00"
BANK_IBAN: dict[str, Any] = {
    "account_type": "bank_account",
    "iban": IBAN_DE,
    "bic": "COBADEFFXXX",
    "holder_name": "Example GmbH",
    "status": "used_in_fraud",
}
BANK_NATIONAL: dict[str, Any] = {
    "account_type": "bank_account",
    "national_account_number": "0532 0130 00",
    "bank_code": "370 400 44",
    "country": "DE",
    "status": "frozen",
}
BTC_LEGACY = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
BTC_P2SH = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
BTC_BECH32 = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
BTC_TAPROOT = "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"
ETH = "0x52908400098527886E0F7030069857D2E4169EE7"
TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
WALLET: dict[str, Any] = {
    "account_type": "crypto_wallet",
    "currency": "BTC",
    "wallet_address": BTC_BECH32,
    "status": "under_investigation",
}
E_WALLET: dict[str, Any] = {
    "account_type": "e_wallet",
    "provider": "Pay Pal",
    "wallet_id": "John.Doe@Example.com",
    "status": "closed",
}

EXAMPLES: list[tuple[ModuleType, dict[str, Any]]] = [
    (dna_profiles, DNA_PROFILE),
    (faces, FACE_KNOWN),
    (faces, FACE_UNKNOWN),
    (child_exploitation, ICSE),
    (counterfeit_documents, COUNTERFEIT),
    (payment_cards, CARD),
    (cyber_indicators, CYBER),
    (organizations, ORGANIZATION),
    (incidents, INCIDENT),
    (financial_accounts, BANK_IBAN),
    (financial_accounts, BANK_NATIONAL),
    (financial_accounts, WALLET),
    (financial_accounts, E_WALLET),
]
EXAMPLE_IDS = [f"{m.KIND.name}-{i}" for i, (m, _) in enumerate(EXAMPLES)]


# ---------------------------------------------------------------- every kind


@pytest.mark.parametrize(("module", "data"), EXAMPLES, ids=EXAMPLE_IDS)
def test_example_is_valid_keyed_titled_and_survives_storage(
    module: ModuleType, data: dict[str, Any]
) -> None:
    kind = module.KIND
    payload = stored(module, data)
    assert isinstance(payload, kind.payload)
    assert kind.lookup_keys(payload)
    assert 0 < len(kind.title(payload)) <= 300
    assert kind.retention_for(payload) > 0
    # What the store keeps (JSON) reads back as the same payload.
    assert kind.payload.model_validate(json.loads(payload.model_dump_json())) == payload


KIND_MODULES = sorted({m for m, _ in EXAMPLES}, key=lambda m: m.__name__)


@pytest.mark.parametrize("module", KIND_MODULES, ids=[m.KIND.name for m in KIND_MODULES])
def test_kind_is_registered_and_described(module: ModuleType) -> None:
    kind = module.KIND
    assert registry.get(kind.name) is kind
    assert kind.name == module.__name__.rsplit(".", 1)[-1]
    assert kind.label
    # One sentence.
    assert kind.description.endswith(".")
    assert ". " not in kind.description


@pytest.mark.parametrize("module", KIND_MODULES, ids=[m.KIND.name for m in KIND_MODULES])
def test_schemas_are_published(module: ModuleType) -> None:
    """The API publishes each kind's input schema (a payment card's takes the number, its
    stored payload only the hash)."""
    kind = module.KIND
    assert kind.input_schema.model_json_schema()["properties"]
    assert kind.payload.model_json_schema()["properties"]
    if module is payment_cards:
        assert "card_number" in kind.input_schema.model_json_schema()["properties"]
        assert "card_number" not in kind.payload.model_json_schema()["properties"]


@pytest.mark.parametrize(
    ("module", "years"),
    [
        (child_exploitation, 99),
        (counterfeit_documents, 10),
        (payment_cards, 5),
        (cyber_indicators, 5),
        (organizations, 5),
        (incidents, 5),
        (financial_accounts, 5),
    ],
)
def test_fixed_retention(module: ModuleType, years: int) -> None:
    assert module.KIND.retention_years == years


def test_personal_data_flags() -> None:
    assert counterfeit_documents.KIND.personal_data is False
    assert cyber_indicators.KIND.personal_data is False
    assert incidents.KIND.personal_data is False
    assert payment_cards.KIND.personal_data is True
    assert child_exploitation.KIND.personal_data is True


@pytest.mark.parametrize(("module", "data"), EXAMPLES, ids=EXAMPLE_IDS)
def test_unknown_fields_are_refused(module: ModuleType, data: dict[str, Any]) -> None:
    refused(module.KIND.input_schema, {**data, "comment": "x"}, "comment")


# ---------------------------------------------------------------- DNA profiles


def test_dna_profile_key_is_canonical() -> None:
    assert keys_of(dna_profiles, DNA_PROFILE) == [
        LookupKey(
            "dna_profile",
            "AMELOGENIN=X,Y;CSF1PO=10,12;D16S539=9,11;D21S11=29,30.2;D3S1358=15,16;"
            "D8S1179=12,14;TH01=6,9.3;TPOX=8;VWA=17,18",
        )
    ]


def test_identical_profiles_collide_whatever_the_notation() -> None:
    respelled = {
        "AMEL": ["y", "x"],
        "th01": ["9.3", "06"],
        "D21 S11": ["30.2", "29"],
        "d8s1179": ["14", "12"],
        "TPOX": ["8", "8"],  # a homozygote written twice
        "csf1po": ["12", "10"],
        "d16s539": ["11", "09"],
        "VWA": ["18", "17"],
        "D3S1358": ["16", "15"],
    }
    other = change(DNA_PROFILE, loci=respelled, kit="Identifiler", sample_kind="reference")
    assert keys_of(dna_profiles, other) == keys_of(dna_profiles, DNA_PROFILE)


def test_different_profiles_do_not_collide() -> None:
    other = change(DNA_PROFILE, loci={**LOCI, "TPOX": ["8", "11"]})
    assert keys_of(dna_profiles, other) != keys_of(dna_profiles, DNA_PROFILE)


@given(st.randoms(use_true_random=False))
def test_profile_key_ignores_order(rng: random.Random) -> None:
    items = [(locus, rng.sample(alleles, len(alleles))) for locus, alleles in LOCI.items()]
    rng.shuffle(items)
    shuffled = change(DNA_PROFILE, loci=dict(items))
    assert keys_of(dna_profiles, shuffled) == keys_of(dna_profiles, DNA_PROFILE)


@pytest.mark.parametrize(
    ("loci", "words"),
    [
        ({**LOCI, "TPOX": ["8a"]}, "is not an allele"),
        ({**LOCI, "TPOX": ["123"]}, "is not an allele"),
        ({**LOCI, "TPOX": ["9.12"]}, "is not an allele"),
        ({**LOCI, "TPOX": ["X"]}, "X and Y are alleles of Amelogenin only"),
        ({**LOCI, "Amelogenin": ["12"]}, "Amelogenin takes X or Y"),
        ({**LOCI, "TPOX": ["8", "9", "10"]}, "give 1 or 2"),
        ({**LOCI, "TPOX": []}, "give 1 or 2"),
        ({**LOCI, "VWA": ["17"]}, "given twice"),
        ({**LOCI, "---": ["12"]}, "is not a locus name"),
        (dict(list(LOCI.items())[:7]), "at least 8 loci"),
    ],
)
def test_dna_profile_refusals(loci: dict[str, list[str]], words: str) -> None:
    refused(dna_profiles.DnaProfile, change(DNA_PROFILE, loci=loci), "loci", words)


def test_dna_profile_other_refusals() -> None:
    refused(dna_profiles.DnaProfile, change(DNA_PROFILE, sample_kind="hair"), "sample_kind")
    refused(dna_profiles.DnaProfile, change(DNA_PROFILE, kit=""), "kit")
    refused(dna_profiles.DnaProfile, change(DNA_PROFILE, person_reference=0), "person_reference")


@pytest.mark.parametrize(
    ("sample_kind", "years"),
    [
        ("reference", 5),
        ("crime_scene", 15),
        ("relative_of_missing_person", 15),
        ("unidentified_remains", 15),
    ],
)
def test_dna_retention_known_and_unknown(sample_kind: str, years: int) -> None:
    profile = dna_profiles.DnaProfile.model_validate(change(DNA_PROFILE, sample_kind=sample_kind))
    assert dna_profiles.KIND.retention_for(profile) == years


# ---------------------------------------------------------------- faces


def test_face_keys_and_retention() -> None:
    assert keys_of(faces, FACE_KNOWN) == [LookupKey("face_image", "face-img-0001")]
    assert faces.KIND.retention_for(faces.Face.model_validate(FACE_KNOWN)) == 5
    assert faces.KIND.retention_for(faces.Face.model_validate(FACE_UNKNOWN)) == 15


def test_face_refusals() -> None:
    model = faces.Face
    refused(model, change(FACE_KNOWN, quality=101), "quality")
    refused(model, change(FACE_KNOWN, quality=-1), "quality")
    refused(model, change(FACE_KNOWN, quality=None), "quality")
    refused(model, change(FACE_KNOWN, subject="maybe"), "subject")
    refused(model, change(FACE_KNOWN, capture_date=TOMORROW), "capture_date", "future")
    refused(
        model,
        change(FACE_KNOWN, image_reference="data:image/jpeg;base64,/9j/4AAQ"),
        "image_reference",
        "not the image itself",
    )
    refused(model, change(FACE_KNOWN, image_reference="a" * 201), "image_reference")
    refused(model, change(FACE_KNOWN, image_reference="img 1"), "image_reference", "spaces")
    refused(
        model,
        change(FACE_UNKNOWN, person_reference=17),
        "person_reference",
        "unknown subject",
    )


# ---------------------------------------------------------------- ICSE


def test_icse_hashes_are_lower_cased_and_keyed() -> None:
    media = stored(child_exploitation, ICSE)
    assert isinstance(media, child_exploitation.ChildExploitationMedia)
    assert media.media_hashes.sha256 == SHA256.lower()
    assert media.victim_identified_in == "PHL"
    assert child_exploitation.KIND.lookup_keys(media) == [
        LookupKey("pdq", PDQ),
        LookupKey("sha256", SHA256.lower()),
        LookupKey("md5", MD5),
    ]


def test_icse_one_hash_is_enough() -> None:
    only_md5 = change(ICSE, media_hashes={"md5": MD5.upper()})
    assert keys_of(child_exploitation, only_md5) == [LookupKey("md5", MD5)]


def test_icse_refusals() -> None:
    model = child_exploitation.ChildExploitationMedia
    refused(model, change(ICSE, media_hashes={}), "media_hashes.md5", "at least one")
    refused(model, change(ICSE, media_hashes={"pdq": PDQ[:-1]}), "media_hashes.pdq", "256-bit")
    refused(model, change(ICSE, media_hashes={"sha256": "z" * 64}), "media_hashes.sha256")
    refused(model, change(ICSE, media_hashes={"md5": SHA256}), "media_hashes.md5", "32")
    refused(model, change(ICSE, media_hashes={"sha1": "a" * 40}), "media_hashes.sha1")
    refused(
        model,
        change(ICSE, victim_identified=False),
        "victim_identified_in",
        "only an identified victim",
    )
    refused(model, change(ICSE, victim_identified_in="XX"), "victim_identified_in")
    refused(model, change(ICSE, offender_identified=None), "offender_identified")


def test_icse_is_visible_by_default_to_child_protection_units_only() -> None:
    kind = child_exploitation.KIND
    assert kind.retention_years == 99
    assert kind.default_policy is not None
    policy = AccessPolicy.model_validate(kind.default_policy)
    assert policy.mode is AccessMode.LISTED
    assert policy.specialties == [UnitSpecialty.CHILD_PROTECTION]
    assert policy.countries == []
    assert policy.regions == []
    assert policy.agency_kinds == []


# ---------------------------------------------------------------- counterfeit documents


def test_counterfeit_document_key() -> None:
    assert keys_of(counterfeit_documents, COUNTERFEIT) == [
        LookupKey("counterfeit_document", "FRA:passport")
    ]
    licence = change(COUNTERFEIT, document_type="driving_licence", country="D")
    assert keys_of(counterfeit_documents, licence) == [
        LookupKey("counterfeit_document", "DEU:driving_licence")
    ]


def test_counterfeit_document_refusals() -> None:
    model = counterfeit_documents.CounterfeitDocument
    refused(model, change(COUNTERFEIT, features=[]), "features")
    refused(model, change(COUNTERFEIT, features=["  "]), "features.0")
    refused(model, change(COUNTERFEIT, features=None), "features")
    refused(model, change(COUNTERFEIT, country="ZZZ"), "country", "country code")
    refused(model, change(COUNTERFEIT, document_type="banknote"), "document_type")
    refused(model, change(COUNTERFEIT, images=[""]), "images.0")


# ---------------------------------------------------------------- payment cards


def test_card_is_stored_as_keyed_hash_last_four_and_brand() -> None:
    card = stored(payment_cards, CARD)
    assert isinstance(card, payment_cards.PaymentCard)
    assert card.card_hash == keyed_hash("payment_card", VISA_DIGITS)
    assert card.last_four == "1111"
    assert card.brand is payment_cards.CardBrand.VISA
    assert card.expiry == "2027-07"
    assert payment_cards.KIND.lookup_keys(card) == [LookupKey("payment_card", card.card_hash)]
    assert payment_cards.KIND.title(card) == "Visa ending 1111 (skimmed)"


@pytest.mark.parametrize(
    "number",
    ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117"],
)
def test_stored_card_contains_no_run_of_the_number_beyond_the_last_four(number: str) -> None:
    card = stored(payment_cards, change(CARD, card_number=number))
    text = card.model_dump_json()
    assert number[-4:] in text
    for start in range(len(number) - 4):
        assert number[start : start + 5] not in text
    # Beside the hash, no run of five digits at all: only the last four and the expiry.
    assert not re.findall(r"[0-9]{5,}", card.model_dump_json(exclude={"card_hash"}))
    assert "card_number" not in text


def test_same_number_written_differently_has_the_same_key() -> None:
    spaced = keys_of(payment_cards, CARD)
    plain = keys_of(payment_cards, change(CARD, card_number=VISA_DIGITS))
    assert spaced == plain


def test_card_input_never_shows_the_number() -> None:
    given_card = payment_cards.PaymentCardInput.model_validate(CARD)
    assert VISA_DIGITS not in repr(given_card)
    with pytest.raises(ValidationError) as caught:
        payment_cards.PaymentCardInput.model_validate(change(CARD, card_number="4111111111111112"))
    assert "4111111111111112" not in str(caught.value)
    assert "4111111111111112" not in json.dumps(
        [e["msg"] for e in caught.value.errors()], ensure_ascii=False
    )


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("4111111111111112", "Luhn"),
        ("411111111111", "13 to 19 digits"),
        ("41111111111111111111", "13 to 19 digits"),
        ("4111 1111 1111 111a", "13 to 19 digits"),
        ("4111.1111.1111.1111", "13 to 19 digits"),
        ("", "at least 1 character"),
    ],
)
def test_card_number_refusals(number: str, words: str) -> None:
    refused(payment_cards.PaymentCardInput, change(CARD, card_number=number), "card_number", words)


@pytest.mark.parametrize(
    ("expiry", "normalised"),
    [("07/27", "2027-07"), ("2027-07", "2027-07"), ("12/99", "2099-12"), (None, None)],
)
def test_card_expiry_forms(expiry: str | None, normalised: str | None) -> None:
    card = stored(payment_cards, change(CARD, expiry=expiry))
    assert isinstance(card, payment_cards.PaymentCard)
    assert card.expiry == normalised


@pytest.mark.parametrize("expiry", ["13/27", "00/27", "2027-13", "7/27", "2027/07", "July 2027"])
def test_card_expiry_refusals(expiry: str) -> None:
    refused(payment_cards.PaymentCardInput, change(CARD, expiry=expiry), "expiry")


def test_card_other_refusals() -> None:
    refused(payment_cards.PaymentCardInput, change(CARD, status="lost"), "status")
    # The stored schema never takes a card number in place of the hash.
    refused(
        payment_cards.PaymentCard,
        {"card_hash": VISA_DIGITS, "last_four": "1111", "brand": "visa", "status": "skimmed"},
        "card_hash",
        "never a card number",
    )


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4111111111111111", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("371449635398431", "amex"),
        ("6011111111111117", "discover"),
        ("6500000000000002", "discover"),
        ("6200000000000005", "unionpay"),
        ("3530111333300000", "jcb"),
        ("3566002020360505", "jcb"),
        ("30569309025904", "other"),  # Diners Club
    ],
)
def test_card_brand_from_iin(number: str, brand: str) -> None:
    assert payment_cards.luhn_valid(number)
    assert payment_cards.card_brand(number).value == brand


def luhn_check_digit(partial: str) -> str:
    for digit in "0123456789":
        if payment_cards.luhn_valid(partial + digit):
            return digit
    raise AssertionError("no check digit")


@given(st.text(alphabet="0123456789", min_size=13, max_size=19))
def test_a_digit_string_passes_luhn_or_is_refused(digits: str) -> None:
    data = change(CARD, card_number=digits)
    if payment_cards.luhn_valid(digits):
        card = stored(payment_cards, data)
        assert isinstance(card, payment_cards.PaymentCard)
        assert card.last_four == digits[-4:]
    else:
        refused(payment_cards.PaymentCardInput, data, "card_number", "Luhn")


@given(st.text(alphabet="0123456789", min_size=12, max_size=18))
def test_the_luhn_check_digit_always_passes(partial: str) -> None:
    number = partial + luhn_check_digit(partial)
    assert payment_cards.card_digits(number) == number
    # Changing any one digit breaks it.
    position = len(partial) // 2
    wrong = str((int(number[position]) + 1) % 10)
    assert not payment_cards.luhn_valid(number[:position] + wrong + number[position + 1 :])


# ---------------------------------------------------------------- crypto addresses


@pytest.mark.parametrize(
    ("address", "normalised"),
    [
        (BTC_LEGACY, BTC_LEGACY),
        (BTC_P2SH, BTC_P2SH),
        (BTC_BECH32, BTC_BECH32),
        (BTC_BECH32.upper(), BTC_BECH32),
        (BTC_TAPROOT, BTC_TAPROOT),
        (ETH, ETH.lower()),
        (TRON, TRON),
    ],
)
def test_valid_addresses(address: str, normalised: str) -> None:
    assert crypto_addresses.check_address(address) == normalised


@pytest.mark.parametrize(
    ("address", "words"),
    [
        (BTC_LEGACY[:-1] + "b", "checksum"),
        (BTC_BECH32[:-1] + "5", "checksum"),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4".replace("q", "Q", 1), "mixed case"),
        ("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "known format"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na", "base58"),
        ("1A1zP", "26 to 35"),
        ("0x1234", "40 hexadecimal"),
        ("0x" + "g" * 40, "40 hexadecimal"),
        (TRON[:-1] + "u", "checksum"),
        ("hello", "known format"),
    ],
)
def test_invalid_addresses(address: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        crypto_addresses.check_address(address)


@given(st.integers(min_value=0), st.sampled_from([BTC_LEGACY, BTC_BECH32, BTC_TAPROOT, TRON]))
def test_one_mistyped_character_is_caught(seed: int, address: str) -> None:
    rng = random.Random(seed)
    position = rng.randrange(4, len(address))  # past the prefix
    alphabet = (
        crypto_addresses.BECH32_ALPHABET
        if address.startswith("bc1")
        else crypto_addresses.BASE58_ALPHABET
    )
    replacement = rng.choice([c for c in alphabet if c != address[position]])
    mistyped = address[:position] + replacement + address[position + 1 :]
    with pytest.raises(ValueError, match="is not a"):
        crypto_addresses.check_address(mistyped)


# ---------------------------------------------------------------- cyber indicators


@pytest.mark.parametrize(
    ("indicator_type", "value", "normalised"),
    [
        ("file_hash", MD5.upper(), MD5),
        ("file_hash", "A" * 40, "a" * 40),
        ("file_hash", SHA256, SHA256.lower()),
        ("ip_address", "198.51.100.7", "198.51.100.7"),
        ("ip_address", "2001:DB8:0:0:0::7", "2001:db8::7"),
        ("domain", "Bücher.Example.DE.", "xn--bcher-kva.example.de"),
        ("domain", "EVIL.example.com", "evil.example.com"),
        (
            "url",
            "HTTPS://Login.Example.COM:8443/Path?Q=1#Frag",
            "https://login.example.com:8443/Path?Q=1#Frag",
        ),
        ("url", "http://[2001:DB8::7]/x", "http://[2001:db8::7]/x"),
        ("url", "ftp://198.51.100.7/payload.bin", "ftp://198.51.100.7/payload.bin"),
        ("email", "CEO.Office@Exämple.com", "ceo.office@xn--exmple-cua.com"),
        ("crypto_wallet", BTC_BECH32.upper(), BTC_BECH32),
        ("crypto_wallet", ETH, ETH.lower()),
        ("crypto_wallet", BTC_LEGACY, BTC_LEGACY),
    ],
)
def test_indicator_values_are_normalised_and_keyed(
    indicator_type: str, value: str, normalised: str
) -> None:
    data = change(CYBER, indicator_type=indicator_type, value=value)
    indicator = stored(cyber_indicators, data)
    assert isinstance(indicator, cyber_indicators.CyberIndicatorPayload)
    assert indicator.value == normalised
    assert cyber_indicators.KIND.lookup_keys(indicator) == [LookupKey(indicator_type, normalised)]


@pytest.mark.parametrize(
    ("indicator_type", "value", "words"),
    [
        ("file_hash", "abc", "32 digits (MD5)"),
        ("file_hash", "g" * 32, "hexadecimal"),
        ("file_hash", "a" * 128, "64 (SHA-256)"),
        ("ip_address", "256.1.1.1", "IPv4 or IPv6"),
        ("ip_address", "198.51.100.0/24", "no prefix"),
        ("ip_address", "example.org", "IPv4 or IPv6"),
        ("domain", "https://example.org", "no scheme"),
        ("domain", "localhost", "two labels"),
        ("domain", "198.51.100.7", "use indicator_type ip_address"),
        ("domain", "-bad-.example.org", "not a valid domain"),
        ("domain", "a" * 64 + ".org", "not a valid domain"),
        ("domain", "user@example.org", "email"),
        ("url", "javascript:alert(1)", "http://"),
        ("url", "example.org/path", "http://"),
        ("url", "https:///path", "names its host"),
        ("url", "https://example.org/a b", "no spaces"),
        ("url", "https://example.org:99999/", "port"),
        ("email", "no-at-sign.example.org", "local-part@domain"),
        ("email", "a..b@example.org", "double dot"),
        ("email", "a@localhost", "two labels"),
        ("crypto_wallet", BTC_LEGACY[:-1] + "b", "checksum"),
        ("crypto_wallet", "0x123", "40 hexadecimal"),
        ("crypto_wallet", "monero-ish", "known format"),
    ],
)
def test_indicator_value_refusals(indicator_type: str, value: str, words: str) -> None:
    data = change(CYBER, indicator_type=indicator_type, value=value)
    refused(cyber_indicators.CyberIndicatorPayload, data, "value", words)


def test_indicator_times_are_aware_utc_and_ordered() -> None:
    indicator = stored(cyber_indicators, CYBER)
    assert isinstance(indicator, cyber_indicators.CyberIndicatorPayload)
    assert indicator.first_seen == dt.datetime(2024, 5, 1, 8, tzinfo=dt.UTC)
    assert indicator.first_seen.utcoffset() == dt.timedelta(0)
    model = cyber_indicators.CyberIndicatorPayload
    refused(model, change(CYBER, first_seen="2024-05-01T10:00:00"), "first_seen", "time zone")
    refused(model, change(CYBER, last_seen="2024-06-01T00:00:00"), "last_seen", "time zone")
    refused(model, change(CYBER, last_seen="2024-04-30T00:00:00Z"), "last_seen", "before")
    refused(model, change(CYBER, first_seen=NEXT_WEEK, last_seen=None), "first_seen", "future")
    same = stored(cyber_indicators, change(CYBER, last_seen=CYBER["first_seen"]))
    assert isinstance(same, model)
    assert same.last_seen == same.first_seen


def test_indicator_other_refusals() -> None:
    model = cyber_indicators.CyberIndicatorPayload
    refused(model, change(CYBER, tlp="white"), "tlp")
    refused(model, change(CYBER, threat="phishing"), "threat")
    refused(model, change(CYBER, indicator_type="asn"), "indicator_type")


@given(st.ip_addresses())
def test_ip_addresses_are_compressed_once(address: ipaddress.IPv4Address) -> None:
    exploded = address.exploded.upper()
    normalised = cyber_indicators.normalise_ip(exploded)
    assert normalised == address.compressed
    assert cyber_indicators.normalise_ip(normalised) == normalised


STIX_CASES = [
    ("file_hash", MD5, "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"),
    ("file_hash", "a" * 40, f"[file:hashes.'SHA-1' = '{'a' * 40}']"),
    ("file_hash", SHA256, f"[file:hashes.'SHA-256' = '{SHA256.lower()}']"),
    ("ip_address", "198.51.100.7", "[ipv4-addr:value = '198.51.100.7']"),
    ("ip_address", "2001:db8::7", "[ipv6-addr:value = '2001:db8::7']"),
    ("domain", "evil.example.com", "[domain-name:value = 'evil.example.com']"),
    (
        "url",
        "https://example.org/it's\\here",
        "[url:value = 'https://example.org/it\\'s\\\\here']",
    ),
    ("email", "ceo@example.org", "[email-addr:value = 'ceo@example.org']"),
    ("crypto_wallet", BTC_BECH32, f"[cryptocurrency-wallet:value = '{BTC_BECH32}']"),
]


@pytest.mark.parametrize(("indicator_type", "value", "pattern"), STIX_CASES)
@pytest.mark.parametrize("tlp", list(cyber_indicators.Tlp))
def test_stix_round_trip(indicator_type: str, value: str, pattern: str, tlp: str) -> None:
    data = change(CYBER, indicator_type=indicator_type, value=value, tlp=tlp)
    payload = cyber_indicators.CyberIndicatorPayload.model_validate(data)
    indicator = cyber_indicators.to_stix(payload, 42)
    assert indicator.pattern == pattern
    assert indicator.valid_from == payload.first_seen
    assert list(indicator.labels) == ["ransomware"]
    assert cyber_indicators.from_stix(indicator) == payload
    # Through JSON, as a partner receives it, and back.
    parsed = stix2.parse(indicator.serialize(), allow_custom=True)
    assert cyber_indicators.from_stix(parsed) == payload
    assert cyber_indicators.from_stix(json.loads(indicator.serialize())) == payload


def test_stix_round_trip_without_last_seen() -> None:
    payload = cyber_indicators.CyberIndicatorPayload.model_validate(change(CYBER, last_seen=None))
    indicator = cyber_indicators.to_stix(payload, "rec-1")
    assert cyber_indicators.LAST_SEEN_PROPERTY not in indicator
    assert cyber_indicators.from_stix(indicator) == payload


def test_stix_tlp_markings() -> None:
    def marking(tlp: str) -> str:
        payload = cyber_indicators.CyberIndicatorPayload.model_validate(change(CYBER, tlp=tlp))
        refs = cyber_indicators.to_stix(payload, 1).object_marking_refs
        assert len(refs) == 1
        return str(refs[0])

    assert marking("clear") == stix2.TLP_WHITE.id
    assert marking("green") == stix2.TLP_GREEN.id
    assert marking("amber") == stix2.TLP_AMBER.id
    assert marking("red") == stix2.TLP_RED.id
    assert marking("amber_strict") == "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
    assert cyber_indicators.TLP_AMBER_STRICT.name == "TLP:AMBER+STRICT"


def test_stix_ids_are_stable_per_record() -> None:
    payload = cyber_indicators.CyberIndicatorPayload.model_validate(CYBER)
    created = dt.datetime(2024, 6, 2, tzinfo=dt.UTC)
    first = cyber_indicators.to_stix(payload, 42, created=created)
    again = cyber_indicators.to_stix(payload, 42, created=created)
    assert first.id == again.id
    assert first.serialize() == again.serialize()
    assert cyber_indicators.to_stix(payload, 43).id != first.id


def _partner_indicator(**changes: Any) -> dict[str, Any]:
    indicator: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2024-05-01T00:00:00.000Z",
        "modified": "2024-05-01T00:00:00.000Z",
        "pattern": "[domain-name:value = 'Evil.Example.COM']",
        "pattern_type": "stix",
        "valid_from": "2024-05-01T00:00:00Z",
        "labels": ["phishing", "information_stealer"],
        "object_marking_refs": [cyber_indicators.TLP2_MARKING_IDS[cyber_indicators.Tlp.CLEAR]],
    }
    indicator.update(changes)
    return indicator


def test_from_stix_reads_a_partners_indicator() -> None:
    payload = cyber_indicators.from_stix(_partner_indicator())
    assert payload.indicator_type is cyber_indicators.IndicatorType.DOMAIN
    assert payload.value == "evil.example.com"
    assert payload.threat is cyber_indicators.Threat.INFORMATION_STEALER
    assert payload.tlp is cyber_indicators.Tlp.CLEAR
    assert payload.last_seen is None
    # Several TLP markings: the strictest wins.
    both = _partner_indicator(object_marking_refs=[stix2.TLP_GREEN.id, stix2.TLP_RED.id])
    assert cyber_indicators.from_stix(both).tlp is cyber_indicators.Tlp.RED
    # No known threat label: other.
    assert cyber_indicators.from_stix(_partner_indicator(labels=["x"])).threat.value == "other"
    sha1 = _partner_indicator(pattern=f"[file:hashes.SHA1 = '{'B' * 40}']")
    assert cyber_indicators.from_stix(sha1).value == "b" * 40


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"object_marking_refs": []}, "no TLP marking"),
        ({"pattern": "[domain-name:value = 'a.org' OR domain-name:value = 'b.org']"}, "single"),
        ({"pattern": "[domain-name:value != 'a.org']"}, "single"),
        ({"pattern": "[process:name = 'evil.exe']"}, "not an indicator type"),
        ({"pattern": f"[file:hashes.MD5 = '{'a' * 64}']"}, "not an MD5"),
        ({"pattern": "not a pattern"}, "not a STIX 2.1 pattern"),
        ({"pattern_type": "sigma"}, "only STIX patterns"),
        ({"type": "malware"}, "not a STIX indicator"),
    ],
)
def test_from_stix_refusals(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        cyber_indicators.from_stix(_partner_indicator(**changes))


def test_from_stix_refuses_a_bad_value_by_field() -> None:
    bad = _partner_indicator(pattern="[ipv4-addr:value = '999.1.1.1']")
    with pytest.raises(ValidationError) as caught:
        cyber_indicators.from_stix(bad)
    assert [e["loc"] for e in caught.value.errors()] == [("value",)]


# ---------------------------------------------------------------- organizations


def test_organization_keys_are_folded_names_and_aliases() -> None:
    assert keys_of(organizations, ORGANIZATION) == [
        LookupKey("organization", "cartel del golfo"),
        LookupKey("organization", "cdg"),
        LookupKey("organization", "gulf cartel"),
    ]


def test_organization_refusals() -> None:
    model = organizations.Organization
    refused(model, change(ORGANIZATION, name="  "), "name")
    refused(model, change(ORGANIZATION, name="!!!"), "name", "no letters or digits")
    refused(model, change(ORGANIZATION, aliases=["ok", "--"]), "aliases", "no letters or digits")
    refused(model, change(ORGANIZATION, regions_of_activity=["oceania"]), "regions_of_activity.0")
    refused(
        model,
        change(ORGANIZATION, regions_of_activity=["europe", "europe"]),
        "regions_of_activity",
        "once each",
    )
    refused(model, change(ORGANIZATION, organization_type="gang"), "organization_type")
    refused(model, change(ORGANIZATION, financing_sources=[""]), "financing_sources.0")


# ---------------------------------------------------------------- incidents


def test_incident_key() -> None:
    assert keys_of(incidents, INCIDENT) == [LookupKey("incident", "NGA:2023-04-12:ied")]


def test_incident_without_device_or_casualties() -> None:
    attack = change(INCIDENT, incident_type="maritime_piracy", device=None, casualties=None)
    assert keys_of(incidents, attack) == [LookupKey("incident", "NGA:2023-04-12:maritime_piracy")]
    partial = change(INCIDENT, casualties={"injured": 2})
    incident = stored(incidents, partial)
    assert isinstance(incident, incidents.Incident)
    assert incident.casualties is not None
    assert incident.casualties.killed is None


def test_incident_refusals() -> None:
    model = incidents.Incident
    refused(model, change(INCIDENT, incident_type="terrorist_attack"), "device", "only an IED")
    refused(model, change(INCIDENT, incident_type="bombing"), "incident_type")
    refused(model, change(INCIDENT, date=TOMORROW), "date", "future")
    refused(model, change(INCIDENT, modus_operandi="x" * 5001), "modus_operandi")
    refused(model, change(INCIDENT, casualties={"killed": -1}), "casualties.killed")
    refused(model, change(INCIDENT, casualties={"injured": -3}), "casualties.injured")
    refused(model, change(INCIDENT, device={"materials": ["TATP"]}), "device.characteristics")
    refused(model, change(INCIDENT, country="Nigeria"), "country")


# ---------------------------------------------------------------- financial accounts


def test_iban_is_compacted_and_gives_the_country() -> None:
    account = stored(financial_accounts, BANK_IBAN)
    assert isinstance(account, financial_accounts.FinancialAccount)
    assert account.iban == "DE89370400440532013000"
    assert account.country == "DEU"
    assert account.bic == "COBADEFFXXX"
    assert financial_accounts.KIND.title(account).startswith("IBAN DE89 3704 0044")


def test_iban_and_national_number_of_one_account_share_a_key() -> None:
    by_iban = keys_of(financial_accounts, BANK_IBAN)
    by_number = keys_of(financial_accounts, BANK_NATIONAL)
    assert by_iban == [
        LookupKey("iban", "DE89370400440532013000"),
        LookupKey("bank_account", "DEU:37040044:532013000"),
    ]
    assert by_number == [LookupKey("bank_account", "DEU:37040044:532013000")]


def test_wallet_and_e_wallet_keys() -> None:
    assert keys_of(financial_accounts, WALLET) == [LookupKey("wallet", BTC_BECH32)]
    eth = change(WALLET, currency="eth", wallet_address=ETH)
    assert keys_of(financial_accounts, eth) == [LookupKey("wallet", ETH.lower())]
    legacy = change(WALLET, wallet_address=BTC_LEGACY)
    assert keys_of(financial_accounts, legacy) == [LookupKey("wallet", BTC_LEGACY)]
    assert keys_of(financial_accounts, E_WALLET) == [
        LookupKey("e_wallet", "paypal:john.doe@example.com")
    ]


@pytest.mark.parametrize(
    ("currency", "address"),
    [
        ("USDT", ETH),
        ("USDT", TRON),
        ("XMR", "4" + "A" * 94),
        ("other", "addr1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"),
    ],
)
def test_wallets_of_other_currencies(currency: str, address: str) -> None:
    data = change(WALLET, currency=currency, wallet_address=address)
    assert keys_of(financial_accounts, data)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"iban": "DE89 3704 0044 0532 0130 01"}, "iban", "checksum"),
        ({"iban": "DE89 3704 0044 0532 0130"}, "iban", "not a valid IBAN"),
        ({"iban": "XX89370400440532013000"}, "iban", "not a valid IBAN"),
        ({"bic": "BNPAFRPP"}, "bic", "the BIC is of a bank in FR, the IBAN of an account in DE"),
        ({"bic": "COBAXXFF"}, "bic", "not a valid BIC"),
        ({"country": "FR"}, "country", "the IBAN is of an account in DEU"),
        ({"iban": None}, "iban", "gives its iban, or its national_account_number"),
        ({"national_account_number": "123"}, "iban", "not both"),
        ({"wallet_address": BTC_LEGACY}, "wallet_address", "only for a crypto wallet"),
        ({"provider": "PayPal"}, "provider", "only for an e-wallet"),
    ],
)
def test_bank_account_by_iban_refusals(changes: dict[str, Any], field: str, words: str) -> None:
    refused(financial_accounts.FinancialAccount, {**BANK_IBAN, **changes}, field, words)


def test_bank_account_by_national_number_refusals() -> None:
    model = financial_accounts.FinancialAccount
    refused(model, change(BANK_NATIONAL, bank_code=None), "bank_code", "goes with its bank_code")
    refused(model, change(BANK_NATIONAL, country=None), "country", "country of its bank")
    refused(model, change(BANK_NATIONAL, national_account_number="--"), "national_account_number")
    no_number = change(BANK_NATIONAL, national_account_number=None)
    refused(model, no_number, "bank_code", "goes with a national_account_number")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"currency": None}, "currency", "names its currency"),
        ({"currency": "DOGE"}, "currency", ""),
        ({"wallet_address": None}, "wallet_address", "gives its wallet_address"),
        ({"wallet_address": BTC_LEGACY[:-1] + "b"}, "wallet_address", "checksum"),
        ({"wallet_address": ETH}, "wallet_address", "Bitcoin"),
        ({"currency": "ETH", "wallet_address": BTC_LEGACY}, "wallet_address", "Ethereum"),
        ({"currency": "USDT", "wallet_address": BTC_LEGACY}, "wallet_address", "known format"),
        ({"currency": "XMR", "wallet_address": "4 AAA"}, "wallet_address", "no spaces"),
        ({"iban": IBAN_DE}, "iban", "only for a bank account"),
        ({"country": "DE"}, "country", "only for a bank account"),
    ],
)
def test_crypto_wallet_refusals(changes: dict[str, Any], field: str, words: str) -> None:
    refused(financial_accounts.FinancialAccount, {**WALLET, **changes}, field, words)


def test_e_wallet_refusals() -> None:
    model = financial_accounts.FinancialAccount
    refused(model, change(E_WALLET, provider=None), "provider", "gives its provider")
    refused(model, change(E_WALLET, wallet_id=None), "wallet_id", "gives its wallet_id")
    refused(model, change(E_WALLET, wallet_id="@@"), "wallet_id", "no letters or digits")
    refused(model, change(E_WALLET, currency="BTC"), "currency", "only for a crypto wallet")
    refused(model, change(E_WALLET, status="seized"), "status")
