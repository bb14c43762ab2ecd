"""Imports every domain's tables so the metadata is complete for migrations and tests."""

from __future__ import annotations

from bluebridge.audit import models as audit_models
from bluebridge.members import models as members_models
from bluebridge.messaging import models as messaging_models
from bluebridge.notices import models as notices_models
from bluebridge.payments import models as payments_models
from bluebridge.records import models as records_models
from bluebridge.screening import models as screening_models
from bluebridge.store.base import Base

metadata = Base.metadata
__all__ = [
    "audit_models",
    "members_models",
    "messaging_models",
    "metadata",
    "notices_models",
    "payments_models",
    "records_models",
    "screening_models",
]
