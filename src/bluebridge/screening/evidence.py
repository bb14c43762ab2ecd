"""A person's score: the name's score, then what the birth date, nationality and gender add or
take away. Every step is kept so that a supervisor can read why a traveller was flagged."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bluebridge.screening.names import NameComparison, ParsedName, compare_parsed

BirthDate = tuple[int, int | None, int | None]  # year, month, day (month and day may be unknown)

# What each piece of evidence adds to (or takes from) the name's score. docs/screening.md
# explains them; the benchmark in bench/bench_screening.py measures their effect.
BIRTH_EXACT = 0.08
BIRTH_PARTIAL_AGREES = 0.03
BIRTH_DAY_MONTH_SWAPPED = 0.04
BIRTH_YEAR_ONE_OFF = -0.06
BIRTH_SAME_YEAR_OTHER_DAY = -0.12  # one of day and month differs (a slip of one field)
BIRTH_SAME_YEAR_OTHER_DATE = -0.3  # both differ: another date in the same year
BIRTH_DIFFERS = -0.35
NATIONALITY_AGREES = 0.02
NATIONALITY_DIFFERS = -0.04
GENDER_DIFFERS = -0.25  # the same name of another gender is a namesake, unless born the same day

# A name one of whose parts is only loosely alike (under LOOSE_PART) to a name in the same
# script stands for many people (Olena and Irena, Emad and Ahmad, Christel Müller and
# Christelle Merle): with no birth date to confirm it, it scores at most UNCONFIRMED_CAP,
# under the default threshold.
LOOSE_PART = 0.85
UNCONFIRMED_CAP = 0.78
# So does a name that differs in more than one way, with no birth date: parts alike but not
# the same with a part left over, or two parts only alike (Maria Martinez, Marie Martins),
# under UNCONFIRMED_ALIKE; parts the same with parts left over (Sophie Petit, Alix Sophie
# Petit) under UNCONFIRMED_PARTIAL.
UNCONFIRMED_ALIKE = 0.88
UNCONFIRMED_PARTIAL = 0.85

# The most the evidence can add to a name's score (an exact birth date and the nationality).
MAX_EVIDENCE = BIRTH_EXACT + NATIONALITY_AGREES

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_birth_date(value: str | None) -> BirthDate | None:
    """ "1980", "1980-04" or "1980-04-17" as (year, month, day); ValueError with the reason
    when it is none of these or not a real date."""
    if value is None or not value.strip():
        return None
    match = _ISO_DATE.match(value.strip())
    if match is None:
        raise ValueError("a birth date is written YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if not 1800 <= year <= dt.datetime.now(dt.UTC).year:
        raise ValueError(f"the year {year} is not a birth year")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"the month {month} is not 1 to 12")
    if month is not None and day is not None:
        dt.date(year, month, day)  # ValueError for 31 February
    return (year, month, day)


def birth_code(birth: BirthDate | None) -> int:
    """A birth date as one integer yyyymmdd (0 for unknown parts; 0 for no date), for the
    index's quick filter."""
    if birth is None:
        return 0
    return birth[0] * 10000 + (birth[1] or 0) * 100 + (birth[2] or 0)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence and what it did to the score."""

    field: str  # "birth_date", "nationality", "gender"
    effect: float
    reason: str


@dataclass(frozen=True, slots=True)
class PersonScore:
    score: float
    name: NameComparison
    matched_name: str
    evidence: tuple[Evidence, ...]

    def explain(self) -> list[str]:
        lines = [f"name {self.name.score:.2f} against {self.matched_name!r}"]
        lines += ["  " + line for line in self.name.explain()]
        for item in self.evidence:
            lines.append(f"{item.field}: {item.reason} ({item.effect:+.2f})")
        return lines


def birth_evidence(query: BirthDate | None, candidate: BirthDate | None) -> Evidence | None:
    if query is None or candidate is None:
        return None
    qy, qm, qd = query
    cy, cm, cd = candidate
    if qy == cy:
        if qm is None or cm is None:
            return Evidence("birth_date", BIRTH_PARTIAL_AGREES, "same year (the rest unknown)")
        if qm == cm:
            if qd is None or cd is None:
                return Evidence("birth_date", BIRTH_PARTIAL_AGREES, "same year and month")
            if qd == cd:
                return Evidence("birth_date", BIRTH_EXACT, "same date")
        if qd is not None and cd is not None and (qm, qd) == (cd, cm):
            return Evidence(
                "birth_date", BIRTH_DAY_MONTH_SWAPPED, "same date, day and month swapped"
            )
        if qm == cm:
            return Evidence("birth_date", BIRTH_SAME_YEAR_OTHER_DAY, "same year, another day")
        if qd is None or cd is None or qd == cd:
            return Evidence("birth_date", BIRTH_SAME_YEAR_OTHER_DAY, "same year, another month")
        return Evidence("birth_date", BIRTH_SAME_YEAR_OTHER_DATE, "same year, another date")
    if abs(qy - cy) == 1 and (qm, qd) == (cm, cd) and qm is not None:
        return Evidence("birth_date", BIRTH_YEAR_ONE_OFF, "same day and month, year one off")
    return Evidence("birth_date", BIRTH_DIFFERS, f"born {cy}, not {qy}")


def birth_effects(
    query: BirthDate | None, years: np.ndarray, months: np.ndarray, days: np.ndarray
) -> np.ndarray:
    """`birth_evidence`'s effect for many candidates at once: their birth years, months and
    days as columns (0 where unknown; a year of 0 is no date). The same cases in the same
    order, so that the index can pass over candidates the birth date rules out before it
    scores them (a property test holds the two to the same answers)."""
    out = np.zeros(len(years), dtype=np.float64)
    if query is None or not len(years):
        return out
    qy, qm, qd = query
    known = years != 0
    same_year = known & (years == qy)
    if qm is None:
        out[same_year] = BIRTH_PARTIAL_AGREES
    else:
        month_known = months != 0
        day_known = (days != 0) if qd is not None else np.zeros(len(years), dtype=bool)
        same_month = months == qm
        same_day = days == qd if qd is not None else np.zeros(len(years), dtype=bool)
        swapped = day_known & (months == qd) & (days == qm) if qd is not None else day_known
        cases = [
            ~month_known,
            same_month & ~day_known,
            same_month & same_day,
            swapped,
            same_month,
            ~day_known | same_day,
        ]
        effects = [
            BIRTH_PARTIAL_AGREES,
            BIRTH_PARTIAL_AGREES,
            BIRTH_EXACT,
            BIRTH_DAY_MONTH_SWAPPED,
            BIRTH_SAME_YEAR_OTHER_DAY,
            BIRTH_SAME_YEAR_OTHER_DAY,
        ]
        out[same_year] = np.select(
            [case[same_year] for case in cases], effects, BIRTH_SAME_YEAR_OTHER_DATE
        )
    other_year = known & ~same_year
    out[other_year] = BIRTH_DIFFERS
    if qm is not None:
        day_matches = (days == (qd or 0)) if qd is not None else (days == 0)
        one_off = other_year & (np.abs(years - qy) == 1) & (months == qm) & day_matches
        out[one_off] = BIRTH_YEAR_ONE_OFF
    return out


def could_match_birth(query: int, candidate: int) -> bool:
    """Whether two birth codes could still give a hit (the quick filter before scoring): no
    date on either side, the same year, a year one off, or day and month swapped."""
    if query == 0 or candidate == 0:
        return True
    return abs(query // 10000 - candidate // 10000) <= 1


def _script_of(name: ParsedName) -> str:
    return "Latn" if name.script in ("Latn", "Zyyy") else name.script


def _comparable(query: ParsedName, names: Sequence[ParsedName]) -> Sequence[ParsedName]:
    """The names of a person a query name is compared with: those written in the query's
    script when the person has any, else all of them. A comparison across scripts goes
    through a romanisation and is weaker evidence than one in the same script: a Latin query
    is judged on the person's Latin (document) spelling, not on how the Chinese or Arabic
    form of another name romanises (Lei Wang is not 袁丽, Li Yuan)."""
    script = _script_of(query)
    same = [name for name in names if _script_of(name) == script]
    if same or script == "Latn":
        return same or names
    # Two scripts other than Latin meet through their romanisations, which share little but
    # consonants (後藤 加奈 is not דנה חזן): a person's Latin names are the better evidence.
    latin = [name for name in names if _script_of(name) == "Latn"]
    return latin or names


def person_evidence(
    query_birth: BirthDate | None,
    query_nationalities: Sequence[str],
    query_gender: str | None,
    birth: BirthDate | None,
    nationalities: Sequence[str],
    gender: str | None,
) -> list[Evidence]:
    """What the birth date, the nationality and the gender add to a name's score."""
    evidence: list[Evidence] = []
    birth_item = birth_evidence(query_birth, birth)
    if birth_item is not None:
        evidence.append(birth_item)
    if query_nationalities and nationalities:
        if set(query_nationalities) & set(nationalities):
            evidence.append(Evidence("nationality", NATIONALITY_AGREES, "same nationality"))
        else:
            evidence.append(
                Evidence(
                    "nationality",
                    NATIONALITY_DIFFERS,
                    "other nationality (" + ", ".join(sorted(nationalities)) + ")",
                )
            )
    if (
        query_gender in ("male", "female")
        and gender in ("male", "female")
        and query_gender != gender
    ):
        evidence.append(Evidence("gender", GENDER_DIFFERS, f"recorded as {gender}"))
    return evidence


def _unconfirmed(comparison: NameComparison) -> str | None:
    """Why a name needs a birth date to confirm it (None when it does not): a part only
    loosely alike (an initial is judged as an initial, not as a spelling), or a name that
    differs in more than one way and scores under what such a name needs."""
    alike = [m for m in comparison.matches if m.how not in ("exact", "initial")]
    loose = [m for m in alike if m.similarity < LOOSE_PART]
    if loose:
        m = min(loose, key=lambda m: m.similarity)
        return f"{m.query} ~ {m.candidate} ({m.similarity:.2f})"
    left = len(comparison.unmatched_query) + len(comparison.unmatched_candidate)
    if alike and (left or len(alike) >= 2) and comparison.score < UNCONFIRMED_ALIKE:
        return f"a name this different ({comparison.score:.2f})"
    if not alike and left and comparison.score < UNCONFIRMED_PARTIAL:
        return f"a name with parts left over ({comparison.score:.2f})"
    return None


def score_person(
    query_names: Sequence[ParsedName],
    query_birth: BirthDate | None,
    query_nationalities: Sequence[str],
    query_gender: str | None,
    names: Sequence[ParsedName],
    birth: BirthDate | None,
    nationalities: Sequence[str],
    gender: str | None,
) -> PersonScore | None:
    """The score of one indexed person against one query (None when no name compares)."""
    best: tuple[NameComparison, ParsedName, ParsedName] | None = None
    for query_name in query_names:
        for name in _comparable(query_name, names):
            comparison = compare_parsed(query_name, name)
            if best is None or comparison.score > best[0].score:
                best = (comparison, name, query_name)
                if comparison.score >= 1.0:
                    break
        if best is not None and best[0].score >= 1.0:
            break
    if best is None:
        return None
    comparison, matched, asked = best
    evidence = person_evidence(
        query_birth, query_nationalities, query_gender, birth, nationalities, gender
    )
    score = comparison.score + sum(item.effect for item in evidence)
    # Across scripts, a romanisation's own spelling keeps one name's parts less alike: the
    # cap is for two names written in one script.
    same_script = _script_of(asked) == _script_of(matched)
    why = _unconfirmed(comparison) if same_script and score > UNCONFIRMED_CAP else None
    if why is not None and not any(item.field == "birth_date" for item in evidence):
        evidence.append(
            Evidence(
                "birth_date",
                UNCONFIRMED_CAP - score,
                f"no birth date to confirm {why}: at most {UNCONFIRMED_CAP:.2f}",
            )
        )
        score = UNCONFIRMED_CAP
    score = round(min(1.0, max(0.0, score)), 4)
    return PersonScore(score, comparison, matched.original, tuple(evidence))


__all__ = [
    "LOOSE_PART",
    "MAX_EVIDENCE",
    "UNCONFIRMED_ALIKE",
    "UNCONFIRMED_CAP",
    "UNCONFIRMED_PARTIAL",
    "BirthDate",
    "Evidence",
    "PersonScore",
    "birth_code",
    "birth_effects",
    "birth_evidence",
    "could_match_birth",
    "parse_birth_date",
    "person_evidence",
    "score_person",
]
