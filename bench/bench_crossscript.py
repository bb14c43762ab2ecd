"""Cross-script name matching on real name pairs, printed as JSON.

Reads the Wikidata-mined pairs of Latin and native name tokens in
`../shared/data/transliteration/` (Arabic, Russian, Chinese, Hebrew, Korean, Japanese katakana;
see its README). For each script it builds two-token names from distinct tokens, puts their
Latin forms on a watchlist (a screening index), then screens the native forms of the listed
names (each should find its Latin form) and the native forms of people not on the list (each
hit is a false hit), at the default threshold. Reports recall and the false-hit rate per script.

Skips (prints {"skipped": ...}) when the shared folder is absent.

Run: `python bench/bench_crossscript.py [--names N] [--min-count C] [--threshold T]`."""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from bluebridge.screening.index import PersonEntry, Policy, ScreeningIndex, Visibility
from bluebridge.screening.service import DEFAULT_THRESHOLD

SCRIPTS = ("arabic", "russian", "chinese", "hebrew", "korean", "katakana")
POLICY = Policy(owner_agency_id=1, owner_country="FRA", access_mode="all_members")


def _everything(_policy: Policy) -> Visibility:
    return Visibility.FULL


def find_data() -> Path | None:
    here = Path(__file__).resolve()
    for base in (here.parents[2], here.parents[1], Path.cwd().parent, Path.cwd()):
        candidate = base / "shared" / "data" / "transliteration"
        if candidate.is_dir():
            return candidate
    return None


def read_pairs(path: Path, min_count: int) -> list[tuple[str, str]]:
    """(latin, native) token pairs, one native form per Latin token and one Latin token per
    native form (the most frequent), so that two different people never share a form."""
    rows: list[tuple[str, str, int]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            latin, native, count = parts[0], parts[1].replace(" ", ""), int(parts[2])
            if count >= min_count and latin.isalpha() and native:
                rows.append((latin, native, count))
    rows.sort(key=lambda r: -r[2])
    seen_latin: set[str] = set()
    seen_native: set[str] = set()
    pairs = []
    for latin, native, _ in rows:
        if latin in seen_latin or native in seen_native:
            continue
        seen_latin.add(latin)
        seen_native.add(native)
        pairs.append((latin.capitalize(), native))
    return pairs


def run_script(
    pairs: list[tuple[str, str]], names: int, threshold: float, rng: random.Random
) -> dict[str, float | int]:
    rng.shuffle(pairs)
    half = len(pairs) // 2
    listed_tokens, other_tokens = pairs[:half], pairs[half:]

    def people(tokens: list[tuple[str, str]], count: int) -> list[tuple[tuple[str, str], ...]]:
        out = []
        for _ in range(count):
            first, second = rng.sample(tokens, 2)
            out.append((first, second))
        return out

    listed = people(listed_tokens, names)
    absent = people(other_tokens, names)
    index = ScreeningIndex()
    for number, ((first_latin, _), (second_latin, _)) in enumerate(listed, start=1):
        entry = PersonEntry(
            record_id=number,
            seq=number,
            names=(f"{first_latin} {second_latin}",),
            birth=None,
            gender=None,
            nationalities=(),
            title=f"{first_latin} {second_latin}",
            status="wanted",
        )
        index.add_person(entry, POLICY)
    index.seal()
    found = 0
    latencies = []
    for number, ((_, first_native), (_, second_native)) in enumerate(listed, start=1):
        started = time.perf_counter()
        hits = index.search_person(
            [f"{first_native} {second_native}"],
            birth=None,
            nationalities=(),
            gender=None,
            visibility=_everything,
            threshold=threshold,
        )
        latencies.append(time.perf_counter() - started)
        if any(h.entry.record_id == number for h in hits):
            found += 1
    false_hits = 0
    for (_, first_native), (_, second_native) in absent:
        hits = index.search_person(
            [f"{first_native} {second_native}"],
            birth=None,
            nationalities=(),
            gender=None,
            visibility=_everything,
            threshold=threshold,
        )
        if hits:
            false_hits += 1
    return {
        "tokens": len(pairs),
        "watchlist": len(listed),
        "recall": round(found / len(listed), 4),
        "false_hit_rate": round(false_hits / len(absent), 4),
        "query_ms_p50": round(statistics.median(latencies) * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=2000, help="names per script and side")
    parser.add_argument("--min-count", type=int, default=1, help="pairs seen at least this often")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--scripts", default=",".join(SCRIPTS))
    args = parser.parse_args()
    data = find_data()
    if data is None:
        print(json.dumps({"benchmark": "crossscript", "skipped": "no shared/data/transliteration"}))
        return
    results = {}
    for script in args.scripts.split(","):
        path = data / f"{script}.tsv"
        if not path.exists():
            continue
        pairs = read_pairs(path, args.min_count)
        results[script] = run_script(pairs, args.names, args.threshold, random.Random(args.seed))
    print(
        json.dumps(
            {
                "benchmark": "crossscript",
                "threshold": args.threshold,
                "min_count": args.min_count,
                "targets": {"recall": 0.90, "false_hit_rate": 0.01},
                "scripts": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
