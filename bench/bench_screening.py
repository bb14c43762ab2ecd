"""The screening index at scale, printed as JSON: build time and memory, person query latency
and throughput, document check latency and throughput, and match quality on generated queries.

A synthetic world (bench/world.py) gives persons with names in the scripts of their countries
and the Latin forms of their documents, their documents, and stand-alone stolen documents; the
queries vary as real ones do (typos, OCR confusions, other transliterations, native script,
swapped order, missing parts, partial or swapped birth dates) and include people who are not
there. Quality (recall, precision) is measured on a world small enough to check every query's
absence against the whole world (`--quality-persons`); speed on the full one.

Targets (2-core machine): 1,000,000 persons and 10,000,000 documents; person query p50 <= 2 ms,
p99 <= 10 ms; document check p99 <= 1 ms; >= 2,000 person queries/s and >= 50,000 document
checks/s batched; index memory <= 1.5 GB; build <= 2 minutes; recall >= 0.98 with precision
>= 0.95 at the default threshold.

Run: `python bench/bench_screening.py [--persons N] [--documents M] [--queries Q]`."""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from world import (
    WorldPerson,
    generate_document_queries,
    generate_documents,
    generate_persons,
    generate_queries,
    namesakes,
    prepare_world,
)

from bluebridge.records.kinds.base import compact_identifier, fold_name
from bluebridge.screening.bound import warm_up as warm_up_bound
from bluebridge.screening.evidence import parse_birth_date
from bluebridge.screening.index import (
    ObjectEntry,
    PersonEntry,
    Policy,
    ScreeningIndex,
    Visibility,
)
from bluebridge.screening.names import warm_up
from bluebridge.screening.service import DEFAULT_THRESHOLD

POLICIES = [
    Policy(owner_agency_id=agency, owner_country=country, access_mode="all_members")
    for agency, country in enumerate(("FRA", "DEU", "EGY", "JPN", "RUS", "CHN", "BRA", "IND"), 1)
]


def _everything(_policy: Policy) -> Visibility:
    return Visibility.FULL


def rss_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _document_key(country: str, number: str) -> str:
    return f"document:{country}:{compact_identifier(number)}"


def _document_entry(record_id: int, document, *, owned: bool) -> ObjectEntry:  # type: ignore[no-untyped-def]
    """A travel document's entry; a person's own documents carry a title."""
    title = f"{document.country} {document.number}" if owned else ""
    key = _document_key(document.country, document.number)
    return ObjectEntry(record_id, record_id, "travel_documents", (key,), title)


class _Timed:
    """An iterator that keeps the time spent making its items (the world generator's time is
    not the index's build time)."""

    def __init__(self, items) -> None:  # type: ignore[no-untyped-def]
        self._items = iter(items)
        self.seconds = 0.0

    def __iter__(self):  # type: ignore[no-untyped-def]
        return self

    def __next__(self):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return next(self._items)
        finally:
            self.seconds += time.perf_counter() - started


def build(
    persons: int, documents: int, keep: int, rng: random.Random, *, with_refs: bool = False
) -> tuple[ScreeningIndex, list[WorldPerson], dict[str, int], dict[str, float]]:
    """The index of a world; a sample of its persons (all of them up to `keep`), chosen before
    the build so that no person is kept and then dropped; with `with_refs`, every person's
    record id by reference (for the quality figures: at a million persons that table alone
    is about 100 MB, which is the benchmark's and not the index's)."""
    prepare_world()  # the generator's own tables are not the index's memory
    chosen = set(rng.sample(range(1, persons + 1), keep)) if keep < persons else None
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    index = ScreeningIndex()
    with index.bulk():  # sealed at the end
        sample: list[WorldPerson] = []
        refs: dict[str, int] = {}
        record_id = 0
        people = _Timed(generate_persons(persons, seed=1))
        stand_alone = _Timed(generate_documents(documents, seed=2))
        for number, person in enumerate(people, start=1):
            record_id += 1
            policy = POLICIES[number % len(POLICIES)]
            index.add_person(
                PersonEntry(
                    record_id=record_id,
                    seq=record_id,
                    names=tuple(name.value for name in person.names),
                    birth=person.birth,
                    gender=person.gender,
                    nationalities=(person.country,),
                    title=person.names[0].value,
                    status="wanted",
                ),
                policy,
            )
            if with_refs:
                refs[person.ref] = record_id
            for document in person.documents:
                record_id += 1
                index.add_object(_document_entry(record_id, document, owned=True), policy)
            if chosen is None or number in chosen:
                sample.append(person)
        persons_done = time.perf_counter()
        for document in stand_alone:
            record_id += 1
            index.add_object(
                _document_entry(record_id, document, owned=False),
                POLICIES[record_id % len(POLICIES)],
            )
    finished = time.perf_counter()
    gc.collect()
    figures = {
        # The index's own time: what generating the world took is left out.
        "build_seconds": round(finished - started - people.seconds - stand_alone.seconds, 1),
        "build_persons_seconds": round(persons_done - started - people.seconds, 1),
        "build_documents_seconds": round(finished - persons_done - stand_alone.seconds, 1),
        "world_generation_seconds": round(people.seconds + stand_alone.seconds, 1),
        "index_memory_mb": round((rss_bytes() - before) / 2**20, 1),
        "index_keys": index.stats().keys,
    }
    return index, sample, refs, figures


def person_queries(index: ScreeningIndex, queries, threshold: float):  # type: ignore[no-untyped-def]
    latencies = []
    answers = []
    for query in queries:
        try:
            birth = parse_birth_date(query.birth)
        except ValueError:
            birth = None
        started = time.perf_counter()
        hits = index.search_person(
            [query.name],
            birth=birth,
            nationalities=[query.nationality] if query.nationality else [],
            gender=query.gender,
            visibility=_everything,
            threshold=threshold,
        )
        latencies.append(time.perf_counter() - started)
        answers.append(hits)
    return latencies, answers


def sweep(queries, answers, refs, thresholds):  # type: ignore[no-untyped-def]
    """Recall and precision at other thresholds (answers made at the lowest)."""
    out = {}
    for threshold in thresholds:
        kept = [[h for h in hits if h.score.score >= threshold] for hits in answers]
        figures = quality(queries, kept, refs)
        out[str(threshold)] = {"recall": figures["recall"], "precision": figures["precision"]}
    return out


def _birth_allows(query_birth: str | None, birth: tuple[int, int, int]) -> bool:
    """Whether what the query says of the birth date fits this one (nothing fits any)."""
    if not query_birth:
        return True
    given = [int(piece) for piece in query_birth.split("-")]
    return tuple(birth[: len(given)]) == tuple(given)


def quality(queries, answers, refs, persons=None):  # type: ignore[no-untyped-def]
    """Recall and precision. A hit on someone other than the person sought is a false hit;
    `precision_namesakes_as_correct` also counts as correct the hits on namesakes of the
    person sought (the world gives both the same name) whom what the query says of the birth
    date fits: no screening can tell those apart, and an officer must see them all."""
    present = [q for q in queries if q.expected is not None]
    by_id = {refs[p.ref]: p for p in persons or () if p.ref in refs}
    found = 0
    true_hits = 0
    false_hits = 0
    missed: dict[str, int] = {}
    absent_flagged = 0
    same_name = 0
    namesake_hits = 0
    for query, hits in zip(queries, answers, strict=True):
        expected = refs.get(query.expected) if query.expected else None
        ids = {h.entry.record_id for h in hits}
        wanted = sorted(fold_name(query.name).split())
        same_name += sum(
            1
            for h in hits
            if h.entry.record_id != expected
            and any(sorted(fold_name(n).split()) == wanted for n in h.entry.names)
        )
        sought = by_id.get(expected) if expected is not None else None
        if sought is not None:
            namesake_hits += sum(
                1
                for h in hits
                if h.entry.record_id != expected
                and h.entry.record_id in by_id
                and namesakes(sought, by_id[h.entry.record_id])
                and _birth_allows(query.birth, by_id[h.entry.record_id].birth)
            )
        if expected is not None:
            if expected in ids:
                found += 1
                true_hits += 1
            else:
                for label in query.variations:
                    missed[label] = missed.get(label, 0) + 1
        elif ids:
            absent_flagged += 1
        false_hits += len(ids - {expected})
    return {
        "queries": len(queries),
        "present": len(present),
        "recall": round(found / max(1, len(present)), 4),
        "precision": round(true_hits / max(1, true_hits + false_hits), 4),
        # Hits on another person who bears exactly the queried name (a query with no or a
        # partial birth date cannot tell them apart): counted as correct here.
        "same_name_hits": same_name,
        "precision_same_name_as_correct": round(
            (true_hits + same_name) / max(1, true_hits + false_hits), 4
        ),
        "namesake_hits": namesake_hits,
        "precision_namesakes_as_correct": round(
            (true_hits + namesake_hits) / max(1, true_hits + false_hits), 4
        )
        if persons
        else None,
        "absent_flagged_rate": round(absent_flagged / max(1, len(queries) - len(present)), 4),
        "missed_by_variation": dict(sorted(missed.items(), key=lambda kv: -kv[1])),
    }


def document_checks(index: ScreeningIndex, queries) -> dict[str, float]:  # type: ignore[no-untyped-def]
    keys = [_document_key(q.country or "XXX", q.number) for q in queries]
    latencies = []
    for key in keys[:20_000]:
        started = time.perf_counter()
        index.search_keys([key], visibility=_everything)
        latencies.append(time.perf_counter() - started)
    started = time.perf_counter()
    for start in range(0, len(keys), 1000):
        index.search_keys(keys[start : start + 1000], visibility=_everything)
    batched = time.perf_counter() - started
    found = sum(
        1
        for q, hits in zip(queries, index.search_keys(keys, visibility=_everything), strict=True)
        if q.expected is not None and hits
    )
    present = sum(1 for q in queries if q.expected is not None)
    return {
        "document_checks": len(keys),
        "document_check_ms_p50": round(statistics.median(latencies) * 1000, 4),
        "document_check_ms_p99": round(_percentile(latencies, 0.99) * 1000, 4),
        "document_checks_per_second_batched": round(len(keys) / batched),
        "document_found_share": round(found / max(1, present), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=5_000)
    parser.add_argument("--quality-persons", type=int, default=50_000)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()
    rng = random.Random(5)
    warm_up()
    warm_up_bound()
    out: dict[str, object] = {
        "benchmark": "screening",
        "persons": args.persons,
        "documents_standalone": args.documents,
        "threshold": args.threshold,
    }
    # Quality: a world small enough that every query is checked against all of it.
    index, sample, refs, _ = build(
        args.quality_persons, 0, args.quality_persons, rng, with_refs=True
    )
    queries = generate_queries(sample, args.queries, seed=3)
    _, answers = person_queries(index, queries, min(args.threshold, 0.7))
    kept = [[h for h in hits if h.score.score >= args.threshold] for hits in answers]
    out["quality"] = {
        "world_persons": args.quality_persons,
        **quality(queries, kept, refs, sample),
    }
    out["quality_by_threshold"] = sweep(queries, answers, refs, (0.75, 0.8, 0.85, 0.9, 0.95))
    del index, sample, refs, answers
    gc.collect()
    # Speed and memory at full size.
    index, sample, _refs, figures = build(args.persons, args.documents, 20_000, rng)
    out.update(figures)
    queries = generate_queries(sample, args.queries, seed=7)
    person_queries(index, queries[:200], args.threshold)  # warm the caches a little
    latencies, _ = person_queries(index, queries, args.threshold)
    out["person_query_ms_p50"] = round(statistics.median(latencies) * 1000, 3)
    out["person_query_ms_p99"] = round(_percentile(latencies, 0.99) * 1000, 3)
    out["person_queries_per_second"] = round(len(latencies) / sum(latencies))
    documents = [d for p in sample for d in p.documents]
    out.update(document_checks(index, generate_document_queries(documents, 50_000, seed=4)))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
