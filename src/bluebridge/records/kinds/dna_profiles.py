"""DNA profiles: short tandem repeat (STR) profiles from reference samples of known persons,
crime scenes, relatives of missing persons and unidentified human remains, as the DNA Gateway
exchanges them. The profile is the alleles found at each locus, never the sample or the
sequence. The lookup key is the canonical profile, so that identical profiles collide whatever
the order, spelling of loci or notation of homozygotes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from pydantic import Field, field_validator

from bluebridge.records.kinds.base import LookupKey, Payload, RecordKind, compact_identifier

KNOWN_RETENTION_YEARS = 5
UNKNOWN_RETENTION_YEARS = 15
MIN_LOCI = 8

MAX_LOCI = 100
# The allele notation `^\d{1,2}(\.\d)?$|^[XY]$`: a repeat number with an optional
# microvariant ("12", "9.3"), or X or Y; ASCII digits only.
ALLELE = re.compile(r"\d{1,2}(\.\d)?|[XY]", re.ASCII)
# Compacted spellings of the sex-determining locus, which alone takes X and Y.
AMELOGENIN = frozenset({"AMELOGENIN", "AMEL", "AM"})


class SampleKind(StrEnum):
    REFERENCE = "reference"  # taken from a known person
    CRIME_SCENE = "crime_scene"
    RELATIVE_OF_MISSING_PERSON = "relative_of_missing_person"
    UNIDENTIFIED_REMAINS = "unidentified_remains"


def canonical_locus(name: str) -> str:
    """A locus name for matching: upper case, letters and digits only ("vWA" -> "VWA",
    "Penta D" -> "PENTAD"); every spelling of Amelogenin becomes "AMELOGENIN"."""
    compact = compact_identifier(name)
    return "AMELOGENIN" if compact in AMELOGENIN else compact


def canonical_allele(value: str) -> str:
    """An allele for matching: "09" -> "9", "9.3" and "X" unchanged."""
    if value in ("X", "Y"):
        return value
    whole, _, fraction = value.partition(".")
    return str(int(whole)) + (f".{fraction}" if fraction else "")


def _allele_order(value: str) -> tuple[int, float, str]:
    if value in ("X", "Y"):
        return (1, 0.0, value)
    return (0, float(value), value)


class DnaProfile(Payload):
    """An STR profile: the alleles found at each locus."""

    kit: str = Field(
        min_length=1,
        max_length=100,
        description='e.g. "GlobalFiler", "PowerPlex Fusion 6C", "Identifiler"',
    )
    loci: dict[str, list[str]] = Field(
        description='locus name -> 1 or 2 alleles, e.g. {"D8S1179": ["12", "14"], '
        '"TH01": ["9.3"], "Amelogenin": ["X", "Y"]}'
    )
    sample_kind: SampleKind
    person_reference: int | str | None = Field(
        default=None, description="the known or missing person (a record id)"
    )

    @field_validator("loci", mode="before")
    @classmethod
    def _upper_sex_alleles(cls, value: object) -> object:
        # "x" and "y" are accepted and written upper case; anything else is checked below.
        if isinstance(value, dict):
            return {
                locus: [a.strip().upper() if isinstance(a, str) else a for a in alleles]
                if isinstance(alleles, list)
                else alleles
                for locus, alleles in value.items()
            }
        return value

    @field_validator("loci")
    @classmethod
    def _loci(cls, loci: dict[str, list[str]]) -> dict[str, list[str]]:
        checked: dict[str, list[str]] = {}
        seen: dict[str, str] = {}
        for name, alleles in loci.items():
            locus = name.strip()
            canonical = canonical_locus(locus)
            if not canonical or len(locus) > 40:
                raise ValueError(f"{name!r} is not a locus name (e.g. D8S1179, TH01, vWA)")
            if canonical in seen:
                raise ValueError(f"locus {locus!r} is given twice (also as {seen[canonical]!r})")
            seen[canonical] = locus
            if not 1 <= len(alleles) <= 2:
                raise ValueError(
                    f"locus {locus!r} has {len(alleles)} alleles; give 1 or 2 "
                    "(one for a homozygote, or the same twice)"
                )
            for allele in alleles:
                if not ALLELE.fullmatch(allele):
                    raise ValueError(
                        f"locus {locus!r}: {allele!r} is not an allele "
                        '(a repeat number such as "12" or "9.3", or X or Y at Amelogenin)'
                    )
                is_sex = allele in ("X", "Y")
                if is_sex != (canonical == "AMELOGENIN"):
                    raise ValueError(
                        f"locus {locus!r}: X and Y are alleles of Amelogenin only"
                        if is_sex
                        else f"locus {locus!r}: Amelogenin takes X or Y, not {allele!r}"
                    )
            checked[locus] = alleles
        if len(checked) > MAX_LOCI:
            raise ValueError(f"a profile has at most {MAX_LOCI} loci; {len(checked)} given")
        if len(checked) < MIN_LOCI:
            raise ValueError(
                f"a profile needs at least {MIN_LOCI} loci to be compared; {len(checked)} given"
            )
        return checked

    @field_validator("person_reference")
    @classmethod
    def _person(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, str) and not 1 <= len(value) <= 100:
            raise ValueError("a reference has 1 to 100 characters")
        if isinstance(value, int) and not 1 <= value <= 2**63 - 1:
            raise ValueError("a record id is a positive number")
        return value

    def canonical(self) -> str:
        """The profile as one string, loci and alleles sorted and spelled alike, a homozygote
        written once: "AMELOGENIN=X,Y;CSF1PO=10,12;D8S1179=12;…"."""
        parts = []
        for locus, alleles in self.loci.items():
            distinct = sorted({canonical_allele(a) for a in alleles}, key=_allele_order)
            parts.append((canonical_locus(locus), ",".join(distinct)))
        return ";".join(f"{locus}={alleles}" for locus, alleles in sorted(parts))


def _retention(profile: DnaProfile) -> int:
    if profile.sample_kind is SampleKind.REFERENCE:
        return KNOWN_RETENTION_YEARS
    return UNKNOWN_RETENTION_YEARS


def _keys(profile: DnaProfile) -> Sequence[LookupKey]:
    return [LookupKey("dna_profile", profile.canonical())]


def _title(profile: DnaProfile) -> str:
    sample = profile.sample_kind.value.replace("_", " ").capitalize()
    return f"{sample} profile, {len(profile.loci)} loci ({profile.kit})"


KIND = RecordKind(
    name="dna_profiles",
    label="DNA profiles",
    payload=DnaProfile,
    retention_years=_retention,
    keys=_keys,
    title=_title,
    personal_data=True,
    description=(
        "STR profiles from known persons, crime scenes, relatives of missing persons and "
        "unidentified remains, compared across countries without sharing the samples."
    ),
)
