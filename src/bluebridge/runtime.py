"""The running installation: settings, engine and session factory, made once per process and
handed to the API, the portal and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bluebridge.settings import Settings
from bluebridge.store.engine import make_engine, make_session_factory

if TYPE_CHECKING:
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

    def stop(self) -> None:
        """Stop this process's background work (the screening index's follower)."""
        if "screening" in self.__dict__:
            self.screening.stop()
