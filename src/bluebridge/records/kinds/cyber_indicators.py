"""Cyber indicators of compromise: file hashes, IP addresses, domains, URLs, e-mail addresses
and cryptocurrency wallets seen in ransomware, information stealers, banking malware, cloud
intrusions and deepfake or AI-enabled fraud. Each value is checked for its type and normalised
(hashes lower case, IP addresses compressed, domains IDNA-encoded and lower case) so that the
same indicator reported by two countries is one lookup key. Exchanged with CERTs and partners
as STIX 2.1 indicators (`to_stix`, `from_stix`), with the TLP as a marking definition."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import uuid
from collections.abc import Sequence
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import idna
import stix2  # type: ignore[import-untyped]
from pydantic import Field, ValidationInfo, field_validator
from stix2.pattern_visitor import create_pattern_object  # type: ignore[import-untyped]

from bluebridge.records.kinds import crypto_addresses
from bluebridge.records.kinds.base import LookupKey, Payload, RecordKind

# Clocks of member systems differ a little: "now" at the sender may be ahead of ours.
CLOCK_SKEW = dt.timedelta(minutes=5)


class IndicatorType(StrEnum):
    FILE_HASH = "file_hash"  # MD5, SHA-1 or SHA-256
    IP_ADDRESS = "ip_address"
    DOMAIN = "domain"
    URL = "url"
    EMAIL = "email"
    CRYPTO_WALLET = "crypto_wallet"


class Threat(StrEnum):
    RANSOMWARE = "ransomware"
    INFORMATION_STEALER = "information_stealer"
    BANKING_MALWARE = "banking_malware"
    CLOUD_INTRUSION = "cloud_intrusion"
    DEEPFAKE_FRAUD = "deepfake_fraud"  # deepfake or other AI-enabled fraud
    OTHER = "other"


class Tlp(StrEnum):
    """Traffic Light Protocol 2.0 levels."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber_strict"
    RED = "red"


# ---------------------------------------------------------------- values by type

_HASH_ALGORITHMS = {32: "MD5", 40: "SHA-1", 64: "SHA-256"}
_HEX = re.compile(r"[0-9a-f]+")
_EMAIL_LOCAL_SPECIALS = frozenset("!#$%&'*+/=?^_`{|}~.-")
URL_SCHEMES = ("http", "https", "ftp")


def normalise_hash(value: str) -> str:
    """An MD5, SHA-1 or SHA-256 digest in lower-case hex, or ValueError."""
    digest = value.lower()
    if not _HEX.fullmatch(digest) or len(digest) not in _HASH_ALGORITHMS:
        raise ValueError(
            "a file hash is hexadecimal: 32 digits (MD5), 40 (SHA-1) or 64 (SHA-256); "
            f"{len(value)} characters given"
        )
    return digest


def normalise_ip(value: str) -> str:
    """An IPv4 or IPv6 address in its compressed form ("2001:DB8:0::1" -> "2001:db8::1")."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(
            "is not an IPv4 or IPv6 address (e.g. 198.51.100.7 or 2001:db8::7; no prefix "
            "length, no port)"
        ) from None
    return address.compressed


def normalise_domain(value: str) -> str:
    """A domain name as IDNA ASCII in lower case ("Bücher.DE." -> "xn--bcher-kva.de")."""
    name = value.removesuffix(".")
    if "://" in name or "/" in name:
        raise ValueError("a domain has no scheme or path (for those, use indicator_type url)")
    if "@" in name:
        raise ValueError("a domain has no @ (for an address, use indicator_type email)")
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        raise ValueError("is an IP address, not a domain (use indicator_type ip_address)")
    if "." not in name:
        raise ValueError("a domain has at least two labels separated by a dot, e.g. example.org")
    try:
        encoded = idna.encode(name, uts46=True).decode("ascii").lower()
    except idna.IDNAError as exc:
        raise ValueError(f"is not a valid domain name: {exc}") from None
    if len(encoded) > 253:
        raise ValueError("a domain name has at most 253 characters once encoded")
    if encoded.rsplit(".", 1)[-1].isdigit():
        raise ValueError("the last label of a domain is not a number")
    return encoded


def normalise_url(value: str) -> str:
    """An http, https or ftp URL with a host; scheme and host in lower case, the host
    IDNA-encoded or its IP address compressed, the rest kept as given."""
    if any(c.isspace() or not c.isprintable() for c in value):
        raise ValueError("a URL has no spaces or control characters (encode them, e.g. %20)")
    parts = urlsplit(value)
    if parts.scheme not in URL_SCHEMES:
        raise ValueError(
            f"a URL starts with {', '.join(s + '://' for s in URL_SCHEMES)} "
            "(for a bare domain, use indicator_type domain)"
        )
    host = parts.hostname
    if not host:
        raise ValueError("a URL names its host, e.g. https://example.org/path")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the port of a URL is a number from 0 to 65535") from None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:
            host = normalise_domain(host)
        except ValueError as exc:
            raise ValueError(f"the host of a URL {exc}") from None
    else:
        host = f"[{address.compressed}]" if address.version == 6 else address.compressed
    userinfo, at, _ = parts.netloc.rpartition("@")
    netloc = f"{userinfo}{at}{host}" + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def normalise_email(value: str) -> str:
    """An e-mail address in lower case, its domain IDNA-encoded, or ValueError."""
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        raise ValueError("an e-mail address is local-part@domain")
    if len(local) > 64:
        raise ValueError("the part before @ has at most 64 characters")
    bad_dots = local.startswith(".") or local.endswith(".") or ".." in local
    if bad_dots or any(not c.isalnum() and c not in _EMAIL_LOCAL_SPECIALS for c in local):
        raise ValueError(
            "the part before @ has letters, digits and !#$%&'*+/=?^_`{|}~.- only, "
            "with no leading, trailing or double dot"
        )
    try:
        encoded = normalise_domain(domain)
    except ValueError as exc:
        raise ValueError(f"the domain of an e-mail address: {exc}") from None
    return f"{local.lower()}@{encoded}"


def normalise_wallet(value: str) -> str:
    """A Bitcoin, Ethereum or Tron address, checked and normalised (see crypto_addresses)."""
    return crypto_addresses.check_address(value)


NORMALISERS = {
    IndicatorType.FILE_HASH: normalise_hash,
    IndicatorType.IP_ADDRESS: normalise_ip,
    IndicatorType.DOMAIN: normalise_domain,
    IndicatorType.URL: normalise_url,
    IndicatorType.EMAIL: normalise_email,
    IndicatorType.CRYPTO_WALLET: normalise_wallet,
}


def _utc(value: dt.datetime, field: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} gives its time zone, e.g. 2024-05-01T10:00:00Z")
    utc = value.astimezone(dt.UTC)
    # A plain datetime, whatever subclass came in (stix2 gives its STIXdatetime).
    value = dt.datetime(*utc.timetuple()[:6], utc.microsecond, tzinfo=dt.UTC)
    if value > dt.datetime.now(dt.UTC) + CLOCK_SKEW:
        raise ValueError(f"{field} is in the future")
    return value


# ---------------------------------------------------------------- payload


class CyberIndicatorPayload(Payload):
    """One indicator of compromise."""

    indicator_type: IndicatorType
    value: str = Field(min_length=1, max_length=2048)
    threat: Threat
    first_seen: dt.datetime = Field(description="aware date and time, stored in UTC")
    last_seen: dt.datetime | None = Field(
        default=None, description="aware date and time, stored in UTC; not before first_seen"
    )
    tlp: Tlp = Field(description="Traffic Light Protocol 2.0 level")

    @field_validator("value")
    @classmethod
    def _value(cls, value: str, info: ValidationInfo) -> str:
        indicator_type = info.data.get("indicator_type")
        if not isinstance(indicator_type, IndicatorType):
            return value  # the type is refused on its own field
        return NORMALISERS[indicator_type](value)

    @field_validator("first_seen")
    @classmethod
    def _first_seen(cls, value: dt.datetime) -> dt.datetime:
        return _utc(value, "first_seen")

    @field_validator("last_seen")
    @classmethod
    def _last_seen(cls, value: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        if value is None:
            return None
        value = _utc(value, "last_seen")
        first = info.data.get("first_seen")
        if isinstance(first, dt.datetime) and value < first:
            raise ValueError(f"last_seen is before first_seen ({first.isoformat()})")
        return value


def _keys(indicator: CyberIndicatorPayload) -> Sequence[LookupKey]:
    return [LookupKey(indicator.indicator_type.value, indicator.value)]


_TYPE_LABELS = {
    IndicatorType.FILE_HASH: "File hash",
    IndicatorType.IP_ADDRESS: "IP address",
    IndicatorType.DOMAIN: "Domain",
    IndicatorType.URL: "URL",
    IndicatorType.EMAIL: "E-mail address",
    IndicatorType.CRYPTO_WALLET: "Wallet",
}


def _title(indicator: CyberIndicatorPayload) -> str:
    what = _TYPE_LABELS[indicator.indicator_type]
    value = indicator.value if len(indicator.value) <= 80 else indicator.value[:79] + "…"
    return f"{what} {value} ({indicator.threat.value.replace('_', ' ')})"


KIND = RecordKind(
    name="cyber_indicators",
    label="Cyber indicators",
    payload=CyberIndicatorPayload,
    retention_years=5,
    keys=_keys,
    title=_title,
    personal_data=False,
    description=(
        "Indicators of compromise (file hashes, IP addresses, domains, URLs, e-mail addresses, "
        "wallets) seen in ransomware, malware, cloud intrusions and AI-enabled fraud."
    ),
)


# ---------------------------------------------------------------- STIX 2.1

# TLP as a STIX 2.1 marking definition. Green, amber and red are the TLP 1.0 definitions the
# STIX 2.1 specification publishes (stix2.TLP_GREEN, TLP_AMBER, TLP_RED), which every STIX
# consumer knows. TLP 2.0 renamed WHITE to CLEAR without changing its meaning, so "clear" is
# exported as stix2.TLP_WHITE. AMBER+STRICT has no TLP 1.0 equivalent: TLP_AMBER would let
# recipients share with their clients (looser than the owner asked) and TLP_RED would forbid
# sharing inside the recipient's own organization, so it is exported as the TLP 2.0 marking
# definition OASIS publishes for it (fixed id, in the TLP 2.0 extension of
# oasis-open/cti-stix-common-objects). On import, the TLP 1.0 definitions and all five OASIS
# TLP 2.0 definitions are recognised, by id; where several are present, the strictest wins.
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_MARKING_IDS = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_AMBER_STRICT = stix2.MarkingDefinition(
    id=TLP2_MARKING_IDS[Tlp.AMBER_STRICT],
    created="2022-10-01T00:00:00.000Z",
    name="TLP:AMBER+STRICT",
    extensions={
        TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": "amber+strict"}
    },
)
TLP_MARKINGS: dict[Tlp, Any] = {
    Tlp.CLEAR: stix2.TLP_WHITE,
    Tlp.GREEN: stix2.TLP_GREEN,
    Tlp.AMBER: stix2.TLP_AMBER,
    Tlp.AMBER_STRICT: TLP_AMBER_STRICT,
    Tlp.RED: stix2.TLP_RED,
}
_TLP_BY_MARKING_ID: dict[str, Tlp] = {
    **{str(marking.id): tlp for tlp, marking in TLP_MARKINGS.items()},
    **{marking_id: tlp for tlp, marking_id in TLP2_MARKING_IDS.items()},
}
_TLP_STRICTNESS = list(Tlp)  # clear < green < amber < amber_strict < red

# Object paths of the patterns, both ways. A cryptocurrency wallet has no STIX 2.1 cyber
# observable; "cryptocurrency-wallet:value" is the custom observable OpenCTI and others use.
_HASH_PATHS = {"MD5": "MD5", "SHA-1": "'SHA-1'", "SHA-256": "'SHA-256'"}
_HASH_NAMES = {
    "MD5": "MD5",
    "SHA1": "SHA-1",
    "SHA-1": "SHA-1",
    "SHA256": "SHA-256",
    "SHA-256": "SHA-256",
}
_VALUE_OBJECTS = {
    "ipv4-addr": IndicatorType.IP_ADDRESS,
    "ipv6-addr": IndicatorType.IP_ADDRESS,
    "domain-name": IndicatorType.DOMAIN,
    "url": IndicatorType.URL,
    "email-addr": IndicatorType.EMAIL,
    "cryptocurrency-wallet": IndicatorType.CRYPTO_WALLET,
}
_OBJECTS_BY_TYPE = {
    IndicatorType.DOMAIN: "domain-name",
    IndicatorType.URL: "url",
    IndicatorType.EMAIL: "email-addr",
    IndicatorType.CRYPTO_WALLET: "cryptocurrency-wallet",
}
_THREATS = frozenset(t.value for t in Threat)
LAST_SEEN_PROPERTY = "x_bluebridge_last_seen"
# Deterministic ids: the same record is the same STIX indicator in every export.
STIX_NAMESPACE = uuid.UUID("0b8f3c59-6a3e-5d0e-9d0c-6b1e2f1f6c11")


def _quote(value: str) -> str:
    """A STIX pattern string literal: quotes and backslashes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal)


def stix_pattern(indicator: CyberIndicatorPayload) -> str:
    """The STIX 2.1 pattern of an indicator, e.g. "[ipv4-addr:value = '198.51.100.7']"."""
    value = indicator.value
    if indicator.indicator_type is IndicatorType.FILE_HASH:
        path = f"file:hashes.{_HASH_PATHS[_HASH_ALGORITHMS[len(value)]]}"
    elif indicator.indicator_type is IndicatorType.IP_ADDRESS:
        version = ipaddress.ip_address(value).version
        path = f"ipv{version}-addr:value"
    else:
        path = f"{_OBJECTS_BY_TYPE[indicator.indicator_type]}:value"
    return f"[{path} = {_quote(value)}]"


def to_stix(
    payload: CyberIndicatorPayload,
    record_id: int | str,
    *,
    created: dt.datetime | None = None,
    modified: dt.datetime | None = None,
) -> stix2.Indicator:
    """The record as a STIX 2.1 indicator: the value as a pattern, first_seen as valid_from,
    the threat as a label, the TLP as a marking definition, last_seen as a custom property.
    Give the record's `created` and `modified` times for a stable, versioned export."""
    properties: dict[str, Any] = {
        "id": f"indicator--{uuid.uuid5(STIX_NAMESPACE, f'{KIND.name}/{record_id}')}",
        "name": _title(payload),
        "pattern": stix_pattern(payload),
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "indicator_types": ["malicious-activity"],
        "valid_from": payload.first_seen,
        "labels": [payload.threat.value],
        "object_marking_refs": [TLP_MARKINGS[payload.tlp]],
        "external_references": [{"source_name": "bluebridge", "external_id": str(record_id)}],
    }
    if created is not None:
        properties["created"] = created
        properties["modified"] = modified or created
    elif modified is not None:
        properties["modified"] = modified
    if payload.last_seen is not None:
        properties[LAST_SEEN_PROPERTY] = payload.last_seen
    return stix2.Indicator(allow_custom=True, **properties)


def _pattern_value(pattern: str) -> tuple[IndicatorType, str]:
    """The indicator type and value of a single-comparison STIX pattern, or ValueError."""
    try:
        parsed = create_pattern_object(pattern, version="2.1")
    except Exception as exc:  # the parser raises several kinds of error
        raise ValueError(f"is not a STIX 2.1 pattern: {exc}") from None
    comparison: Any = getattr(parsed, "operand", None)
    simple = (
        type(parsed).__name__ == "ObservationExpression"
        and type(comparison).__name__ == "EqualityComparisonExpression"
        and not comparison.negated
    )
    if not simple:
        raise ValueError("only a single comparison is imported, e.g. [ipv4-addr:value = '…']")
    object_type = str(comparison.lhs.object_type_name)
    path = [str(p.property_name) for p in comparison.lhs.property_path]
    value = _unquote(str(comparison.rhs.value))
    if object_type == "file" and len(path) == 2 and path[0] == "hashes":
        algorithm = _HASH_NAMES.get(path[1].upper())
        digest = value.lower()
        if algorithm is None or _HASH_ALGORITHMS.get(len(digest)) != algorithm:
            raise ValueError(f"a file:hashes.{path[1]} pattern is not an MD5, SHA-1 or SHA-256")
        return IndicatorType.FILE_HASH, value
    if object_type in _VALUE_OBJECTS and path == ["value"]:
        return _VALUE_OBJECTS[object_type], value
    raise ValueError(f"{object_type}:{'.'.join(path)} is not an indicator type Bluebridge keeps")


def from_stix(indicator: Any) -> CyberIndicatorPayload:
    """The payload of a STIX 2.1 indicator (a stix2 object or its parsed JSON), or
    ValueError (pydantic's ValidationError for a value) saying what is wrong."""
    if indicator.get("type") != "indicator":
        raise ValueError("is not a STIX indicator")
    if indicator.get("pattern_type", "stix") != "stix":
        raise ValueError("only STIX patterns are imported, not " + str(indicator["pattern_type"]))
    indicator_type, value = _pattern_value(str(indicator["pattern"]))
    labels = [str(label) for label in indicator.get("labels") or []]
    threats = [Threat(label) for label in labels if label in _THREATS]
    levels = [
        _TLP_BY_MARKING_ID[str(ref)]
        for ref in indicator.get("object_marking_refs") or []
        if str(ref) in _TLP_BY_MARKING_ID
    ]
    if not levels:
        raise ValueError("the indicator carries no TLP marking")
    return CyberIndicatorPayload.model_validate(
        {
            "indicator_type": indicator_type,
            "value": value,
            "threat": threats[0] if threats else Threat.OTHER,
            "first_seen": indicator["valid_from"],
            "last_seen": indicator.get(LAST_SEEN_PROPERTY),
            "tlp": max(levels, key=_TLP_STRICTNESS.index),
        }
    )
