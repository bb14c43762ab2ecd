"""Screening queries as they arrive (the API's entities, the portal's form, a manifest row, the
command line) made into one shape: the names, birth date, nationality and gender of a person,
and the exact keys of documents and objects, normalised as the databases store them. A value
that cannot be read is an `InvalidInput` naming the field and the reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bluebridge.errors import InvalidInput
from bluebridge.records.kinds import cyber_indicators as indicators
from bluebridge.records.kinds.base import compact_identifier, fold_compact, normalise_country
from bluebridge.records.kinds.vehicles import normalise_vin
from bluebridge.records.kinds.vessels import normalise_imo
from bluebridge.records.service import stored_key_value
from bluebridge.screening.evidence import BirthDate, parse_birth_date
from bluebridge.screening.mrz import Mrz, MrzError, parse_mrz

MAX_QUERIES = 1000
MAX_VALUES = 20  # values of one property
MAX_VALUE_LENGTH = 500

# The entity schemas a query may have (FollowTheMoney's names where there is one).
SCHEMAS = (
    "Person",
    "Passport",
    "Vehicle",
    "Vessel",
    "Firearm",
    "Artwork",
    "BankAccount",
    "CryptoWallet",
    "Indicator",
)
PERSON_PROPERTIES = frozenset({"name", "birthDate", "nationality", "gender", "idNumber"})
SCHEMA_PROPERTIES: dict[str, frozenset[str]] = {
    "Person": PERSON_PROPERTIES,
    "Passport": frozenset(
        {"number", "country", "mrz", "name", "birthDate", "nationality", "gender"}
    ),
    "Vehicle": frozenset({"vin", "plate", "country"}),
    "Vessel": frozenset({"imo", "mmsi", "name", "flag"}),
    "Firearm": frozenset({"serial", "make"}),
    "Artwork": frozenset({"title", "artist"}),
    "BankAccount": frozenset({"iban", "accountNumber", "bankCode", "country"}),
    "CryptoWallet": frozenset({"address"}),
    "Indicator": frozenset({"hash", "domain", "ip", "url", "email"}),
}
GENDERS = {"male": "male", "m": "male", "female": "female", "f": "female", "unknown": None}


@dataclass
class Query:
    """One thing to screen, normalised."""

    key: str
    schema: str
    names: list[str] = field(default_factory=list)
    birth: BirthDate | None = None
    nationalities: list[str] = field(default_factory=list)
    gender: str | None = None
    keys: list[str] = field(default_factory=list)  # "document:FRA:12AB34567"
    artwork: tuple[str, str | None] | None = None
    mrz: Mrz | None = None
    notes: list[str] = field(default_factory=list)  # e.g. a failed MRZ check digit

    @property
    def screens_person(self) -> bool:
        return bool(self.names)

    def summary(self) -> dict[str, Any]:
        """What a stored hit keeps of the query."""
        out: dict[str, Any] = {"schema": self.schema}
        if self.names:
            out["names"] = self.names
        if self.birth is not None:
            out["birth_date"] = "-".join(
                f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(self.birth) if p is not None
            )
        if self.nationalities:
            out["nationalities"] = self.nationalities
        if self.gender:
            out["gender"] = self.gender
        if self.keys:
            out["keys"] = self.keys
        if self.artwork:
            out["artwork"] = {"title": self.artwork[0], "artist": self.artwork[1]}
        return out


def _values(properties: Mapping[str, Any], name: str, path: str) -> list[str]:
    raw = properties.get(name)
    if raw is None:
        return []
    values = raw if isinstance(raw, list) else [raw]
    if len(values) > MAX_VALUES:
        raise InvalidInput.on(f"{path}.{name}", f"at most {MAX_VALUES} values")
    out: list[str] = []
    for position, value in enumerate(values):
        where = f"{path}.{name}[{position}]"
        if not isinstance(value, str):
            raise InvalidInput.on(where, "must be a string")
        value = value.strip()
        if len(value) > MAX_VALUE_LENGTH:
            raise InvalidInput.on(where, f"at most {MAX_VALUE_LENGTH} characters")
        if any(ord(c) < 32 and c not in "\n\r" for c in value):
            raise InvalidInput.on(where, "contains a control character")
        if value:
            out.append(value)
    return out


def _checked(where: str, value: str, check: Callable[[str], str]) -> str:
    try:
        return check(value)
    except (ValueError, TypeError) as exc:
        raise InvalidInput.on(where, str(exc) or "is not valid") from None


def _country(where: str, value: str) -> str:
    return _checked(where, value, normalise_country)


def build_query(key: str, schema: str, properties: Mapping[str, Any], path: str) -> Query:
    """One query from an entity: its schema and properties (each a string or a list)."""
    if schema not in SCHEMA_PROPERTIES:
        raise InvalidInput.on(f"{path}.schema", "must be one of " + ", ".join(SCHEMAS))
    props = f"{path}.properties"
    unknown = sorted(set(properties) - SCHEMA_PROPERTIES[schema])
    if unknown:
        raise InvalidInput.on(
            f"{props}.{unknown[0]}",
            f"is not a property of {schema} (" + ", ".join(sorted(SCHEMA_PROPERTIES[schema])) + ")",
        )
    query = Query(key=key, schema=schema)

    def values(name: str) -> list[str]:
        return _values(properties, name, props)

    if schema in ("Person", "Passport"):
        query.names = [n for n in values("name") if any(c.isalpha() for c in n)]
        births = values("birthDate")
        if births:
            query.birth = _birth(f"{props}.birthDate[0]", births[0])
        query.nationalities = [
            _country(f"{props}.nationality[{i}]", v) for i, v in enumerate(values("nationality"))
        ]
        genders = values("gender")
        if genders:
            gender = genders[0].lower()
            if gender not in GENDERS:
                raise InvalidInput.on(f"{props}.gender[0]", "must be male, female or unknown")
            query.gender = GENDERS[gender]
    if schema == "Person":
        for i, number in enumerate(values("idNumber")):
            compact = compact_identifier(number)
            if not compact:
                raise InvalidInput.on(f"{props}.idNumber[{i}]", "has no letters or digits")
            for country in query.nationalities or []:
                query.keys.append(f"document:{country}:{compact}")
    elif schema == "Passport":
        _passport(query, values, props)
    elif schema == "Vehicle":
        for i, vin in enumerate(values("vin")):
            query.keys.append("vin:" + _checked(f"{props}.vin[{i}]", vin, normalise_vin))
        _keys_in_country(
            query,
            values,
            props,
            name="plate",
            key="plate",
            without_country="a plate is checked with its country",
        )
    elif schema == "Vessel":
        for i, imo in enumerate(values("imo")):
            query.keys.append("imo:" + _checked(f"{props}.imo[{i}]", imo, normalise_imo))
        for i, mmsi in enumerate(values("mmsi")):
            digits = compact_identifier(mmsi)
            if not (digits.isdigit() and len(digits) == 9):
                raise InvalidInput.on(f"{props}.mmsi[{i}]", "an MMSI has 9 digits")
            query.keys.append("mmsi:" + digits)
        flags = values("flag")
        for name in values("name"):
            for j, flag in enumerate(flags):
                country = _country(f"{props}.flag[{j}]", flag)
                query.keys.append(f"vessel_name:{fold_compact(name)}:{country}")
    elif schema == "Firearm":
        makes = values("make")
        serials = values("serial")
        if serials and not makes:
            raise InvalidInput.on(f"{props}.make", "a serial number is checked with its make")
        for serial in serials:
            for make in makes:
                query.keys.append(
                    f"firearm:{compact_identifier(make)}:{compact_identifier(serial)}"
                )
    elif schema == "Artwork":
        titles = values("title")
        if not titles:
            raise InvalidInput.on(f"{props}.title", "a work of art is screened by its title")
        artists = values("artist")
        query.artwork = (titles[0], artists[0] if artists else None)
    elif schema == "BankAccount":
        for i, iban in enumerate(values("iban")):
            query.keys.append("iban:" + _checked(f"{props}.iban[{i}]", iban, _iban))
    elif schema == "CryptoWallet":
        for address in values("address"):
            query.keys.append("wallet:" + address.strip())
    elif schema == "Indicator":
        checks: dict[str, tuple[str, Callable[[str], str]]] = {
            "hash": ("file_hash", indicators.normalise_hash),
            "domain": ("domain", indicators.normalise_domain),
            "ip": ("ip_address", indicators.normalise_ip),
            "url": ("url", indicators.normalise_url),
            "email": ("email", indicators.normalise_email),
        }
        for prop, (key_type, check) in checks.items():
            for i, value in enumerate(values(prop)):
                normal = _checked(f"{props}.{prop}[{i}]", value, check)
                query.keys.append(f"{key_type}:{stored_key_value(normal)}")
    if not (query.names or query.keys or query.artwork):
        raise InvalidInput.on(props, f"nothing to screen: give at least one property of {schema}")
    return query


def _iban(value: str) -> str:
    from schwifty import IBAN

    return str(IBAN(value).compact)


def _birth(where: str, value: str) -> BirthDate | None:
    try:
        return parse_birth_date(value)
    except ValueError as exc:
        raise InvalidInput.on(where, str(exc)) from None


def _keys_in_country(
    query: Query,
    values: Callable[[str], list[str]],
    props: str,
    *,
    name: str,
    key: str,
    without_country: str,
) -> None:
    """The keys of identifiers unique only within a country (a plate, a document number): one
    for each identifier in each country given; InvalidInput for identifiers without one."""
    identifiers = values(name)
    countries = values("country")
    if identifiers and not countries:
        raise InvalidInput.on(f"{props}.country", without_country)
    for i, identifier in enumerate(identifiers):
        compact = compact_identifier(identifier)
        if not compact:
            raise InvalidInput.on(f"{props}.{name}[{i}]", "has no letters or digits")
        for j, country in enumerate(countries):
            query.keys.append(f"{key}:{_country(f'{props}.country[{j}]', country)}:{compact}")


def _passport(query: Query, values: Callable[[str], list[str]], props: str) -> None:
    mrzs = values("mrz")
    if mrzs:
        try:
            mrz = parse_mrz(mrzs[0])
        except MrzError as exc:
            raise InvalidInput.on(f"{props}.mrz[0]", str(exc)) from None
        query.mrz = mrz
        query.notes.extend(mrz.problems)
        country = mrz.issuing_country
        if country and mrz.document_number:
            query.keys.append(f"document:{country}:{compact_identifier(mrz.document_number)}")
        holder = mrz.name()
        if holder.strip():
            query.names.append(holder)
        if mrz.birth_date is not None and query.birth is None:
            year, month, day = mrz.birth_date
            query.birth = (year, month, day)
        if mrz.nationality_country and not query.nationalities:
            query.nationalities = [mrz.nationality_country]
        if mrz.sex and query.gender is None:
            query.gender = mrz.sex
    _keys_in_country(
        query,
        values,
        props,
        name="number",
        key="document",
        without_country="a document number is checked with its country",
    )


def build_queries(entities: Mapping[str, Any], path: str = "queries") -> list[Query]:
    """The queries of a batch, each an entity {"schema": ..., "properties": {...}}."""
    if len(entities) > MAX_QUERIES:
        raise InvalidInput.on(path, f"at most {MAX_QUERIES} queries in one request")
    if not entities:
        raise InvalidInput.on(path, "give at least one query")
    out = []
    for key, entity in entities.items():
        where = f"{path}.{key}"
        if not isinstance(entity, Mapping):
            raise InvalidInput.on(where, "must be an object with schema and properties")
        schema = entity.get("schema", "Person")
        properties = entity.get("properties", {})
        if not isinstance(schema, str):
            raise InvalidInput.on(f"{where}.schema", "must be a string")
        if not isinstance(properties, Mapping):
            raise InvalidInput.on(f"{where}.properties", "must be an object")
        out.append(build_query(str(key), schema, properties, where))
    return out


def person_properties(
    names: Sequence[str],
    birth: str | None = None,
    nationality: str | None = None,
    gender: str | None = None,
) -> dict[str, Any]:
    """A person's properties from plain values, those given."""
    given = {"name": list(names), "birthDate": birth, "nationality": nationality, "gender": gender}
    return {name: value for name, value in given.items() if value}


def person_query(
    key: str,
    names: Sequence[str],
    birth: str | None = None,
    nationality: str | None = None,
    gender: str | None = None,
) -> Query:
    """A person query from plain values (the command line, a manifest row, a form)."""
    return build_query(key, "Person", person_properties(names, birth, nationality, gender), key)


__all__ = [
    "MAX_QUERIES",
    "SCHEMAS",
    "SCHEMA_PROPERTIES",
    "Query",
    "build_queries",
    "build_query",
    "person_properties",
    "person_query",
]
