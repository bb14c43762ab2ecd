"""The running installation: settings, engine and session factory, made once per process and
handed to the API, the portal and the command line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bluebridge.settings import Settings
from bluebridge.store.engine import make_engine, make_session_factory

if TYPE_CHECKING:
    from bluebridge.messaging.events import EventBus
    from bluebridge.messaging.service import HitNote
    from bluebridge.screening.outbox import HitOutbox
    from bluebridge.screening.service import Screening


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def start(cls, settings: Settings) -> Runtime:
        engine = make_engine(settings)
        return cls(settings=settings, engine=engine, sessions=make_session_factory(engine))

    @cached_property
    def screening(self) -> Screening:
        """This process's screening index, built from the store on first use."""
        from bluebridge.screening.service import Screening

        return Screening(self.engine)

    @cached_property
    def hit_outbox(self) -> HitOutbox:
        """The hits waiting for their message to the owner; `serve` sends them as they come."""
        from bluebridge.screening.outbox import HitOutbox

        return HitOutbox(self.sessions, self.notify_hits)

    def notify_hits(self, session: Session, hits: Sequence[HitNote]) -> None:
        """Tell each hit to the owner of the record hit, as a message of the network."""
        from bluebridge.messaging import service as messaging

        messaging.notify_hits(session, settings=self.settings, bus=self.bus, hits=hits)

    @cached_property
    def bus(self) -> EventBus:
        """This process's event bus: NATS JetStream when a URL is set, else in process."""
        from bluebridge.messaging.events import make_bus

        return make_bus(self.settings.nats_url)

    def stop(self) -> None:
        """Stop this process's background work (the screening index's follower, the bus)."""
        if "screening" in self.__dict__:
            self.screening.stop()
        if "hit_outbox" in self.__dict__:
            self.hit_outbox.stop()
        if "bus" in self.__dict__:
            self.bus.close()
