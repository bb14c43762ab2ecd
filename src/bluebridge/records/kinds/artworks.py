"""Stolen works of art and cultural property: paintings, sculptures, manuscripts, archaeological
and religious objects. Images are referenced (an image id or a URI), never stored inline."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from bluebridge.records.kinds.base import (
    CountryCode,
    LookupKey,
    PastDate,
    Payload,
    RecordKind,
    fold_compact,
)


class ArtworkType(StrEnum):
    PAINTING = "painting"
    SCULPTURE = "sculpture"
    DRAWING = "drawing"
    PRINT = "print"
    MANUSCRIPT = "manuscript"
    ARCHAEOLOGICAL_OBJECT = "archaeological_object"
    RELIGIOUS_OBJECT = "religious_object"
    OTHER = "other"


ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
ImageReference = Annotated[str, StringConstraints(min_length=1, max_length=500)]


def _image_reference(value: str) -> str:
    if value.lower().startswith("data:"):
        raise ValueError("an image is referenced by id or URI, not embedded as a data: URI")
    for char in value:
        if char.isspace() or unicodedata.category(char) in {"Cc", "Cf"}:
            raise ValueError(
                f"an image reference has no spaces or control characters (U+{ord(char):04X})"
            )
    return value


class Artwork(Payload):
    """A stolen work of art or item of cultural property."""

    title: str = Field(min_length=1, max_length=300)
    artist: ShortText | None = None
    object_type: ArtworkType
    materials: list[ShortText] = Field(default_factory=list, max_length=20)
    dimensions: ShortText | None = None
    period: ShortText | None = None
    images: list[ImageReference] = Field(
        default_factory=list, max_length=50, description="image ids or URIs, never the image"
    )
    theft_date: PastDate | None = None
    theft_place: ShortText | None = None
    theft_country: CountryCode

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not fold_compact(value):
            raise ValueError("has no letters or digits")
        return value

    @field_validator("images")
    @classmethod
    def _images(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(_image_reference(value) for value in values))


def _keys(artwork: Artwork) -> Sequence[LookupKey]:
    artist = fold_compact(artwork.artist) if artwork.artist else ""
    return [LookupKey("artwork", f"{fold_compact(artwork.title)}:{artist}")]


def _title(artwork: Artwork) -> str:
    return f"{artwork.title} — {artwork.artist}" if artwork.artist else artwork.title


KIND = RecordKind(
    name="artworks",
    label="Stolen works of art",
    payload=Artwork,
    retention_years=5,
    keys=_keys,
    title=_title,
    personal_data=False,
    description=(
        "Stolen works of art and cultural property, described with their images and the "
        "place and date of the theft."
    ),
)
