"""The agencies' keys: an Ed25519 key to sign what the agency sends and an X25519 key to
receive, in numbered versions. The public halves are kept in the clear; the private halves
sealed under the messaging master key (a setting or a file, never the database), so that a
copy of the database alone reads no message. Rotation makes a new version the one used from
now on and keeps the old ones, so that what was sent to them stays readable."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bluebridge.access import rules
from bluebridge.access.principal import Principal
from bluebridge.audit import service as audit
from bluebridge.errors import NotFound
from bluebridge.members.models import Agency
from bluebridge.messaging import crypto
from bluebridge.messaging.models import AgencyKey
from bluebridge.settings import Settings
from bluebridge.store.base import utcnow


def _label(agency_id: int, version: int, use: str) -> str:
    return f"agency:{agency_id}:{use}:v{version}"


def _new_version(settings: Settings, agency_id: int, version: int) -> AgencyKey:
    keys = crypto.generate_agency_keys()
    master = settings.messaging_master
    return AgencyKey(
        agency_id=agency_id,
        version=version,
        signing_public=keys.signing_public,
        encryption_public=keys.encryption_public,
        signing_private_sealed=crypto.seal_private(
            master, keys.signing_private, label=_label(agency_id, version, "signing")
        ),
        encryption_private_sealed=crypto.seal_private(
            master, keys.encryption_private, label=_label(agency_id, version, "encryption")
        ),
        active=True,
        created_at=utcnow(),
    )


def active_keys(
    session: Session, settings: Settings, agency_ids: list[int]
) -> dict[int, AgencyKey]:
    """Each agency's key in use, made (version 1) for an agency that has none yet."""
    found = {
        k.agency_id: k
        for k in session.scalars(
            select(AgencyKey).where(AgencyKey.agency_id.in_(agency_ids), AgencyKey.active.is_(True))
        )
    }
    for agency_id in agency_ids:
        if agency_id in found:
            continue
        key = _new_version(settings, agency_id, 1)
        # Two workers may make an agency's first key at once: the second one's insert
        # conflicts on (agency, version), and it takes the key the first one made.
        try:
            with session.begin_nested():
                session.add(key)
                session.flush()  # the new key's id is referenced next
        except IntegrityError:
            made = session.scalar(
                select(AgencyKey).where(
                    AgencyKey.agency_id == agency_id, AgencyKey.active.is_(True)
                )
            )
            if made is None:
                raise
            key = made
        found[agency_id] = key
    return found


def rotate(
    session: Session, *, settings: Settings, principal: Principal, agency_id: int
) -> AgencyKey:
    """A new key version for an agency; the old ones are retired, kept to read old messages."""
    agency = session.get(Agency, agency_id)
    if agency is None or not rules.may_administer_agency(principal, agency_id):
        raise NotFound(f"no agency with id {agency_id} that you administer")
    current = session.scalars(
        select(AgencyKey).where(AgencyKey.agency_id == agency_id).order_by(AgencyKey.version.desc())
    ).all()
    now = utcnow()
    for key in current:
        if key.active:
            key.active = False
            key.retired_at = now
    version = (current[0].version + 1) if current else 1
    key = _new_version(settings, agency_id, version)
    session.add(key)
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="agency_key.rotate",
        object_type="agency",
        object_id=agency_id,
        object_country=agency.country,
        details={
            "version": version,
            "signing": crypto.fingerprint(key.signing_public),
            "encryption": crypto.fingerprint(key.encryption_public),
        },
    )
    return key


@dataclass(frozen=True, slots=True)
class PrivateKeys:
    signing: bytes
    encryption: bytes


def private(settings: Settings, key: AgencyKey) -> PrivateKeys:
    """The private halves of one key version (unsealed in memory for one operation)."""
    master = settings.messaging_master
    return PrivateKeys(
        signing=crypto.unseal_private(
            master, key.signing_private_sealed, label=_label(key.agency_id, key.version, "signing")
        ),
        encryption=crypto.unseal_private(
            master,
            key.encryption_private_sealed,
            label=_label(key.agency_id, key.version, "encryption"),
        ),
    )
