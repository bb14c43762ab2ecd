"""Portal pages of screening (being written)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
