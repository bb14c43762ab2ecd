"""The 19 kinds of record, by name. Each kind lives in its own module under `kinds/`."""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from bluebridge.errors import NotFound
from bluebridge.records.kinds.base import RecordKind

KIND_MODULES = (
    "persons",
    "travel_documents",
    "admin_documents",
    "vehicles",
    "vessels",
    "artworks",
    "firearms",
    "ballistics",
    "firearm_references",
    "fingerprints",
    "dna_profiles",
    "faces",
    "child_exploitation",
    "counterfeit_documents",
    "payment_cards",
    "cyber_indicators",
    "organizations",
    "incidents",
    "financial_accounts",
)


@cache
def kinds() -> dict[str, RecordKind[Any]]:
    """Every kind, by its name, in the order of the list of databases."""
    found: dict[str, RecordKind[Any]] = {}
    for module_name in KIND_MODULES:
        module = importlib.import_module(f"bluebridge.records.kinds.{module_name}")
        kind: RecordKind[Any] = module.KIND
        if kind.name != module_name:
            raise RuntimeError(f"kind module {module_name} declares the name {kind.name!r}")
        found[kind.name] = kind
    return found


def get(name: str) -> RecordKind[Any]:
    """One kind by name; NotFound names the kinds that exist."""
    kind = kinds().get(name)
    if kind is None:
        raise NotFound(f"no kind of record named {name!r}; kinds: {', '.join(KIND_MODULES)}")
    return kind
