"""FollowTheMoney (FTM) entities and the kinds of record that map onto them, both ways:
Person, Passport, Identification, Vehicle, Vessel, BankAccount, CryptoWallet and
Organization. The mapping is declared as data (one table per kind: FTM property, payload
field, conversion); a payload field that FTM has no property for travels as a custom
property `x_bluebridge_<field>` (FTM readers skip properties their schema does not know),
which also carries exactly what a lossy FTM property cannot (a name's type, a plate's
country), so that a file Bluebridge exported imports back to the same payload.
Written in-house rather than with the `followthemoney` package: see
docs/decisions/0010-followthemoney-mapping-in-house.md."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pycountry

from bluebridge.members import reference
from bluebridge.records import registry
from bluebridge.records.flat import _resolve

CUSTOM_PREFIX = "x_bluebridge_"
NESTED_TOO_DEEPLY = "is JSON nested too deeply to be read"


class FtmProblem(ValueError):
    """An entity that cannot become a record of the kind: the field and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


# ---------------------------------------------------------------- conversions


def _country_in(value: str) -> str:
    # FTM writes ISO alpha-2 in lower case ("fr"); payload validators want any ISO/ICAO code.
    return value.upper()


def _country_out(value: str) -> str:
    try:
        alpha3 = reference.resolve_country_code(value).alpha3
    except ValueError:
        return value.lower()
    country = pycountry.countries.get(alpha_3=alpha3) if alpha3 else None
    return str(country.alpha_2).lower() if country is not None else value.lower()


def _partial_date_in(value: str) -> dict[str, Any]:
    parts = value[:10].split("-")
    try:
        numbers = [int(p) for p in parts if p]
    except ValueError:
        raise FtmProblem("birthDate", "is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return dict(zip(("year", "month", "day"), numbers, strict=False))


def _partial_date_out(value: dict[str, Any]) -> str:
    parts = [f"{value['year']:04d}"]
    parts += [f"{value[k]:02d}" for k in ("month", "day") if value.get(k) is not None]
    return "-".join(parts)


def _gender_in(value: str) -> str:
    return {"male": "male", "female": "female"}.get(value.lower(), "unknown")


def _gender_out(value: str) -> str | None:
    return value if value in ("male", "female") else None


@dataclass(frozen=True, slots=True)
class Conversion:
    """How one FTM property's values become a payload value and back."""

    to_payload: Callable[[str], Any] = str
    from_payload: Callable[[Any], Any] = str


SAME = Conversion()
COUNTRY = Conversion(_country_in, _country_out)
PARTIAL_DATE = Conversion(_partial_date_in, _partial_date_out)
GENDER = Conversion(_gender_in, _gender_out)
DATE = Conversion(lambda v: v[:10], str)
# An ASCII year only: `isdigit` also takes "²", which `int` refuses.
YEAR = Conversion(
    lambda v: int(v[:4]) if v[:4].isascii() and v[:4].isdigit() else v, lambda v: str(v)
)


@dataclass(frozen=True, slots=True)
class Property:
    """One FTM property mapped onto one payload field."""

    ftm: str
    field: str
    conversion: Conversion = SAME
    many: bool = False  # the payload field is a list of values


@dataclass(frozen=True)
class Mapping:
    """A kind of record as FTM entities."""

    kind: str
    schemata: tuple[str, ...]
    properties: tuple[Property, ...]
    export_schema: Callable[[dict[str, Any]], str]
    # Payload fields an FTM schema implies (a Passport is a passport).
    implied: Callable[[str, dict[str, list[str]]], dict[str, Any]] = field(
        default=lambda schema, props: {}
    )
    # Extra FTM properties worth writing for other readers (a vehicle's name).
    extra_out: Callable[[dict[str, Any]], dict[str, list[str]]] = field(default=lambda payload: {})


def _travel_document_implied(schema: str, props: dict[str, list[str]]) -> dict[str, Any]:
    if schema == "Passport":
        return {"document_type": "passport"}
    given = [t.strip().lower().replace(" ", "_") for t in props.get("type", [])]
    known = {"identity_card", "visa", "residence_permit", "travel_document", "passport"}
    return {"document_type": next((t for t in given if t in known), "identity_card")}


def _account_implied(schema: str, props: dict[str, list[str]]) -> dict[str, Any]:
    return {"account_type": "crypto_wallet" if schema == "CryptoWallet" else "bank_account"}


def _account_schema(payload: dict[str, Any]) -> str:
    return "CryptoWallet" if payload.get("account_type") == "crypto_wallet" else "BankAccount"


def _names_out(payload: dict[str, Any]) -> dict[str, list[str]]:
    names = payload.get("names") or []
    primary = [n["value"] for n in names if n.get("type", "primary") == "primary"]
    others = [n["value"] for n in names if n.get("type", "primary") != "primary"]
    return {"name": primary[:1] or others[:1], "alias": primary[1:] + others}


def _names_in(props: dict[str, list[str]]) -> list[dict[str, str]]:
    names = [{"value": v, "type": "primary"} for v in props.get("name", [])[:1]]
    names += [{"value": v, "type": "alias"} for v in props.get("name", [])[1:]]
    names += [{"value": v, "type": "alias"} for v in props.get("alias", [])]
    return names


def _vehicle_out(payload: dict[str, Any]) -> dict[str, list[str]]:
    plates = payload.get("plates") or []
    out = {
        "name": [f"{payload.get('make', '')} {payload.get('model', '')}".strip()],
        "registrationNumber": [p["number"] for p in plates],
    }
    if plates:
        out["country"] = [_country_out(plates[0]["country"])]
    return out


MAPPINGS: dict[str, Mapping] = {
    m.kind: m
    for m in (
        Mapping(
            kind="persons",
            schemata=("Person",),
            properties=(
                Property("gender", "gender", GENDER),
                Property("birthDate", "date_of_birth", PARTIAL_DATE),
                Property("birthPlace", "place_of_birth"),
                Property("nationality", "nationalities", COUNTRY, many=True),
            ),
            export_schema=lambda payload: "Person",
            extra_out=_names_out,
        ),
        Mapping(
            kind="travel_documents",
            schemata=("Passport", "Identification"),
            properties=(
                Property("number", "number"),
                Property("country", "issuing_country", COUNTRY),
                Property("startDate", "date_of_issue", DATE),
                Property("endDate", "date_of_expiry", DATE),
            ),
            export_schema=lambda p: (
                "Passport" if p.get("document_type") == "passport" else "Identification"
            ),
            implied=_travel_document_implied,
            extra_out=lambda p: {"type": [str(p.get("document_type", ""))]},
        ),
        Mapping(
            kind="vehicles",
            schemata=("Vehicle",),
            properties=(
                Property("model", "model"),
                Property("buildDate", "year", YEAR),
            ),
            export_schema=lambda payload: "Vehicle",
            extra_out=_vehicle_out,
        ),
        Mapping(
            kind="vessels",
            schemata=("Vessel",),
            properties=(
                Property("name", "name"),
                Property("imoNumber", "imo"),
                Property("mmsi", "mmsi"),
                Property("flag", "flag", COUNTRY),
                Property("type", "vessel_type"),
            ),
            export_schema=lambda payload: "Vessel",
        ),
        Mapping(
            kind="financial_accounts",
            schemata=("BankAccount", "CryptoWallet"),
            properties=(
                Property("iban", "iban"),
                Property("bic", "bic"),
                Property("accountNumber", "national_account_number"),
                Property("bankName", "provider"),
                Property("publicKey", "wallet_address"),
                Property("currency", "currency"),
                Property("country", "country", COUNTRY),
            ),
            export_schema=_account_schema,
            implied=_account_implied,
        ),
        Mapping(
            kind="organizations",
            schemata=("Organization",),
            properties=(
                Property("name", "name"),
                Property("alias", "aliases", many=True),
            ),
            export_schema=lambda payload: "Organization",
        ),
    )
}
SCHEMA_KINDS = {schema: m.kind for m in MAPPINGS.values() for schema in m.schemata}


def mapping_for(kind_name: str) -> Mapping | None:
    """The FTM mapping of a kind, or None when the kind has no FTM schema."""
    return MAPPINGS.get(kind_name)


@cache
def _field_shapes(kind_name: str) -> dict[str, str]:
    """Each payload field's shape: "scalar", "list" (of plain values) or "json"."""
    schema = registry.get(kind_name).input_schema.model_json_schema()
    shapes = {}
    for name, node in schema.get("properties", {}).items():
        resolved = _resolve(node, schema) or {}
        kind = resolved.get("type")
        if kind == "array":
            items = _resolve(resolved.get("items"), schema) or {}
            shapes[name] = "list" if items.get("type") in ("string", "integer") else "json"
        elif kind == "object" or "properties" in resolved:
            shapes[name] = "json"
        else:
            shapes[name] = "scalar"
    return shapes


def _values(raw: Any, name: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raw = [raw]
    if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in raw):
        raise FtmProblem(f"properties.{name}", "is not a list of text values")
    return [str(v) for v in raw if str(v).strip()]


# The envelope's handling codes travel with each record (whoever holds the copy sees them);
# they are read back into the envelope, not the payload.
HANDLING_PROPERTY = CUSTOM_PREFIX + "handling_codes"


def envelope_of(entity: Any) -> dict[str, Any]:
    """The envelope fields an entity carries (its handling codes), for an import's row."""
    properties = entity.get("properties") if isinstance(entity, dict) else None
    codes = properties.get(HANDLING_PROPERTY) if isinstance(properties, dict) else None
    return {"handling_codes": codes} if isinstance(codes, list) and codes else {}


def to_payload(kind_name: str, entity: Any) -> dict[str, Any]:
    """The payload (not yet validated) of an FTM entity for a kind, or FtmProblem."""
    mapping = MAPPINGS.get(kind_name)
    if mapping is None:
        raise FtmProblem("schema", f"the {kind_name} kind has no FollowTheMoney schema")
    if not isinstance(entity, dict):
        raise FtmProblem("entity", "is not a JSON object with id, schema and properties")
    schema = entity.get("schema")
    if schema not in mapping.schemata:
        where = SCHEMA_KINDS.get(str(schema))
        hint = f"; it belongs in {where}" if where else ""
        raise FtmProblem(
            "schema",
            f"{schema!r} is not imported into {kind_name} "
            f"(which takes {', '.join(mapping.schemata)}){hint}",
        )
    raw_properties = entity.get("properties") or {}
    if not isinstance(raw_properties, dict):
        raise FtmProblem("properties", "is not an object of property lists")
    props = {str(k): _values(v, str(k)) for k, v in raw_properties.items()}
    shapes = _field_shapes(kind_name)
    payload: dict[str, Any] = dict(mapping.implied(str(schema), props))
    for prop in mapping.properties:
        values = props.get(prop.ftm, [])
        if not values:
            continue
        try:
            converted = [prop.conversion.to_payload(v) for v in values]
        except FtmProblem:
            raise
        except ValueError as exc:  # a conversion's own message names the value
            raise FtmProblem(f"properties.{prop.ftm}", str(exc)) from None
        payload[prop.field] = converted if prop.many else converted[0]
    if kind_name == "persons" and ("name" in props or "alias" in props):
        payload["names"] = _names_in(props)
    if kind_name == "vehicles" and props.get("registrationNumber"):
        # An empty or blank country list (`_values` drops blank values) leaves the plates
        # without one, which the payload's validation names.
        country = (props.get("country") or [""])[0].upper()
        payload["plates"] = [{"number": n, "country": country} for n in props["registrationNumber"]]
    for name, values in props.items():
        if not name.startswith(CUSTOM_PREFIX) or not values or name == HANDLING_PROPERTY:
            continue
        payload_field = name.removeprefix(CUSTOM_PREFIX)
        shape = shapes.get(payload_field, "scalar")
        if shape == "list":
            payload[payload_field] = values
        elif shape == "json":
            try:
                payload[payload_field] = json.loads(values[0])
            except ValueError:
                raise FtmProblem(f"properties.{name}", "is not valid JSON") from None
            except RecursionError:
                raise FtmProblem(f"properties.{name}", NESTED_TOO_DEEPLY) from None
        else:
            payload[payload_field] = values[0]
    return payload


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_entity(
    kind_name: str,
    entity_id: str,
    payload: dict[str, Any],
    handling_codes: Sequence[str] = (),
) -> dict[str, Any]:
    """A stored payload of a kind as an FTM entity {id, schema, properties}, with the record's
    handling codes."""
    mapping = MAPPINGS[kind_name]
    shapes = _field_shapes(kind_name)
    properties: dict[str, list[str]] = {}
    mapped = {p.field for p in mapping.properties}
    for prop in mapping.properties:
        value = payload.get(prop.field)
        if value is None or value == []:
            continue
        values = value if prop.many else [value]
        out = [prop.conversion.from_payload(v) for v in values]
        kept = [_text(v) for v in out if v is not None]
        if kept:
            properties.setdefault(prop.ftm, []).extend(kept)
    for name, values in mapping.extra_out(payload).items():
        kept = [v for v in values if v]
        if kept:
            properties.setdefault(name, []).extend(kept)
    # Every field without an FTM property of its own (names and plates too, whose FTM form
    # above loses their types and countries) travels as a custom property, read back first.
    for name, value in payload.items():
        if value is None or value == [] or name in mapped:
            continue
        shape = shapes.get(name, "scalar")
        if shape == "list":
            properties[CUSTOM_PREFIX + name] = [_text(v) for v in value]
        elif shape == "json":
            properties[CUSTOM_PREFIX + name] = [json.dumps(value, ensure_ascii=False)]
        else:
            properties[CUSTOM_PREFIX + name] = [_text(value)]
    if handling_codes:
        properties[HANDLING_PROPERTY] = list(handling_codes)
    return {"id": entity_id, "schema": mapping.export_schema(payload), "properties": properties}


__all__ = [
    "HANDLING_PROPERTY",
    "MAPPINGS",
    "FtmProblem",
    "envelope_of",
    "mapping_for",
    "to_entity",
    "to_payload",
]
