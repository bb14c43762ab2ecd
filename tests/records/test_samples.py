"""Sample records of every kind validate against their kind's input schema, satisfy its rule
on who enters them, and are the same for the same seed."""

from __future__ import annotations

import json
import random

import pytest

from bluebridge.access.records import AccessPolicy
from bluebridge.records import registry, samples
from bluebridge.records.kinds.base import Payload
from bluebridge.records.kinds.persons import detect_script

COUNTRIES = ("FRA", "EGY", "JPN", "BRA", "RUS", "NGA", "USA")
SEEDS = range(30)
GENERAL_SECRETARIAT = "general_secretariat"


def _fake_hash(purpose: str, value: str) -> str:
    return "ab" * 32


def _owner(kind_name: str, country: str) -> tuple[str | None, str]:
    if kind_name == "firearm_references":
        return None, GENERAL_SECRETARIAT
    return country, "ncb"


def test_every_kind_has_samples() -> None:
    assert set(samples.KIND_NAMES) == set(registry.KIND_MODULES)


@pytest.mark.parametrize("kind_name", registry.KIND_MODULES)
def test_samples_validate_for_their_owner(kind_name: str) -> None:
    kind = registry.get(kind_name)
    for country in COUNTRIES:
        owner_country, agency_kind = _owner(kind_name, country)
        for seed in SEEDS:
            rng = random.Random(f"{kind_name}:{country}:{seed}")
            sample = samples.sample_payload(kind_name, country=owner_country, rng=rng)
            json.dumps(sample)  # JSON-able as sent
            validated = kind.input_schema.model_validate(sample)
            stored: Payload = kind.to_stored(validated, _fake_hash)
            if kind.owner_rule is not None:
                assert kind.owner_rule(stored, owner_country, agency_kind) == [], (country, seed)
            assert kind.lookup_keys(stored) or kind_name in ("fingerprints",), sample


@pytest.mark.parametrize("kind_name", registry.KIND_MODULES)
def test_samples_are_deterministic(kind_name: str) -> None:
    owner_country, _ = _owner(kind_name, "JPN")
    first = [
        samples.sample_payload(kind_name, country=owner_country, rng=random.Random(seed))
        for seed in range(5)
    ]
    again = [
        samples.sample_payload(kind_name, country=owner_country, rng=random.Random(seed))
        for seed in range(5)
    ]
    assert first == again
    assert len({json.dumps(s, sort_keys=True) for s in first}) > 1


def test_persons_in_egypt_are_named_in_arabic_with_a_latin_alias() -> None:
    for seed in SEEDS:
        sample = samples.sample_payload("persons", country="EGY", rng=random.Random(seed))
        names = sample["names"]
        assert isinstance(names, list)
        primary = next(n for n in names if n["type"] == "primary")
        assert detect_script(primary["value"]) == "Arab"
        assert any(n["type"] == "alias" and detect_script(n["value"]) == "Latn" for n in names)


@pytest.mark.parametrize(("country", "script"), [("RUS", "Cyrl"), ("JPN", "Jpan")])
def test_non_latin_names_get_a_latin_alias(country: str, script: str) -> None:
    sample = samples.sample_payload("persons", country=country, rng=random.Random(3))
    names = sample["names"]
    assert isinstance(names, list)
    assert detect_script(names[0]["value"]) in (script, "Hani")
    assert detect_script(names[1]["value"]) == "Latn"


def test_north_american_vins_carry_their_check_digit() -> None:
    kind = registry.get("vehicles")
    seen_north_american = False
    for seed in range(200):
        sample = samples.sample_payload("vehicles", country="USA", rng=random.Random(seed))
        vin = sample.get("vin")
        if isinstance(vin, str) and vin[0] in "12345":
            seen_north_american = True
            assert kind.input_schema.model_validate(sample).vin_check_digit_valid is True
    assert seen_north_american


def test_foreign_kinds_need_a_country() -> None:
    with pytest.raises(ValueError, match="give country"):
        samples.sample_payload("persons", country=None, rng=random.Random(0))
    with pytest.raises(ValueError, match="no sample"):
        samples.sample_payload("unicorns", country="FRA", rng=random.Random(0))


def test_policy_spread() -> None:
    rng = random.Random(7)
    neighbours = ["DEU", "BEL", "ESP", "ITA", "CHE", "FRA"]
    policies = [samples.sample_policy(rng, "FRA", neighbours) for _ in range(1000)]
    modes = [p["mode"] if p else None for p in policies]
    assert modes.count(None) > 500
    assert {"listed", "all_except", "hit_only"} <= set(modes)
    for policy in policies:
        if policy is None:
            continue
        AccessPolicy.model_validate(policy)
        assert "FRA" not in [*policy.get("countries", []), *policy.get("excluded_countries", [])]
