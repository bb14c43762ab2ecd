"""Configuration: every setting comes from the environment (prefix ``BLUEBRIDGE_``) or a
``.env`` file, with safe defaults for a local demo. The secret key is never a constant in the
code: when it is not given, one is generated into the data directory on first use."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
MESSAGING_KEY_FILE = "messaging_master_key"
# I-GRIP's default rates table: US dollars for one unit, indicative, of 2026-11-30. An
# installation sets BLUEBRIDGE_IGRIP_RATES (JSON) and keeps it current.
DEFAULT_USD_RATES = {
    "USD": "1",
    "EUR": "1.05",
    "GBP": "1.27",
    "CHF": "1.13",
    "JPY": "0.0067",
    "CNY": "0.138",
    "HKD": "0.128",
    "SGD": "0.745",
    "AUD": "0.65",
    "CAD": "0.715",
    "NZD": "0.59",
    "INR": "0.0118",
    "AED": "0.272",
    "SAR": "0.266",
    "QAR": "0.275",
    "KWD": "3.25",
    "EGP": "0.0202",
    "MAD": "0.1",
    "NGN": "0.00065",
    "ZAR": "0.055",
    "KES": "0.0077",
    "BRL": "0.17",
    "ARS": "0.001",
    "MXN": "0.049",
    "COP": "0.00024",
    "TRY": "0.029",
    "RUB": "0.0095",
    "KRW": "0.00071",
    "THB": "0.029",
    "MYR": "0.224",
    "IDR": "0.000063",
    "PHP": "0.017",
    "VND": "0.000039",
    "SEK": "0.092",
    "NOK": "0.09",
    "DKK": "0.141",
    "PLN": "0.245",
    "CZK": "0.042",
    "HUF": "0.0026",
    "RON": "0.21",
    "ILS": "0.27",
}


class Settings(BaseSettings):
    """All settings of one Bluebridge installation."""

    model_config = SettingsConfigDict(
        env_prefix="BLUEBRIDGE_", env_file=".env", extra="ignore", frozen=False
    )

    data_dir: Path = Field(default=Path("var"), description="Where local state is kept.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; default is SQLite under the data directory. "
        "PostgreSQL as postgresql+psycopg://user:password@host/db.",
    )
    secret_key: SecretStr | None = Field(default=None, description="Signs and derives keys.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)

    cookie_secure: bool = Field(default=True, description="Send cookies only over HTTPS/localhost.")
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_absolute_hours: int = Field(default=12, ge=1, le=72)
    lockout_threshold: int = Field(default=5, ge=1, le=100)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    api_key_max_days: int = Field(default=365, ge=1, le=3650)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_import_bytes: int = Field(
        default=20 * 1024**3,
        ge=1024,
        description="Largest file an import takes (API body or portal upload), streamed to disk.",
    )
    password_min_length: int = Field(default=12, ge=8, le=128)

    # argon2id cost: OWASP's first recommended setting (46 MiB, 1 pass, 1 lane), about 45 ms
    # a hash on one core here. Lowered only by the test suite, never in production.
    argon2_time_cost: int = Field(default=1, ge=1)
    argon2_memory_kib: int = Field(default=47104, ge=8)
    argon2_parallelism: int = Field(default=1, ge=1)

    record_purge_grace_days: int = Field(
        default=30,
        ge=0,
        le=3650,
        description="Days an expired or deleted record waits before purge.",
    )
    retention_interval_hours: int = Field(default=24, ge=1, le=24 * 7)
    run_retention_job: bool = Field(
        default=False, description="Run the retention job in this process (`serve` turns it on)."
    )

    screening_threshold: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="The lowest score screening reports as a hit (docs/screening.md).",
    )
    run_hit_outbox: bool = Field(
        default=False,
        description="Send screening hits' messages to the records' owners from this process, "
        "as they come (`serve` turns it on; docs/screening.md).",
    )
    screening_warm_start: bool = Field(
        default=False,
        description="Build the screening index when the server starts (`serve` turns it on).",
    )
    mind_package_days: int = Field(
        default=3, ge=1, le=30, description="Days an offline copy (MIND package) is valid."
    )

    silver_pilot_countries: list[str] = Field(
        default_factory=lambda: ["ARG", "BRA", "ESP", "FRA", "GBR", "IND", "ITA", "KEN", "ZAF"],
        max_length=200,
        description="The countries of the silver notice pilot (alpha-3), who alone request or see them.",
    )
    notice_review_target_hours: int = Field(
        default=24, ge=1, le=24 * 30, description="The compliance review's target time to decision."
    )
    public_notices_per_minute: int = Field(
        default=60,
        ge=1,
        le=100_000,
        description="Requests a client address may make each minute to the public notice extracts.",
    )

    messaging_master_key: SecretStr | None = Field(
        default=None,
        description="The key the agencies' private message keys are sealed under (any long "
        "random text). Kept out of the database; see docs/security.md.",
    )
    messaging_master_key_file: Path | None = Field(
        default=None,
        description="A file holding the messaging master key (used when the key is not given).",
    )
    nats_url: str | None = Field(
        default=None,
        description="NATS with JetStream (nats://host:4222) to carry live events between "
        "workers and sites; in process when not set.",
    )
    message_attachment_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=2**31)
    message_attachment_types: list[str] = Field(
        default_factory=lambda: [
            "application/pdf",
            "image/jpeg",
            "image/png",
            "text/plain",
            "text/csv",
        ],
        description="Media types an attachment may be, judged from its content.",
    )
    message_escalation_minutes: int = Field(
        default=15,
        ge=1,
        le=24 * 60,
        description="An immediate message unread this long is escalated to the NCB's supervisors.",
    )
    igrip_acknowledge_minutes: int = Field(
        default=60,
        ge=1,
        le=7 * 24 * 60,
        description="I-GRIP: a leg unacknowledged this long after it was routed is overdue.",
    )
    igrip_answer_hours: int = Field(
        default=24,
        ge=1,
        le=30 * 24,
        description="I-GRIP: a leg with no first answer (frozen, moved on, nothing found) this "
        "long after it was routed is overdue.",
    )
    igrip_rates: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_USD_RATES),
        description="I-GRIP: what one unit of each currency is worth in US dollars, for the "
        "dashboard's totals (a table the installation keeps current).",
    )

    default_language: Literal["ar", "en", "es", "fr"] = "en"
    log_level: str = "INFO"

    @field_validator("messaging_master_key")
    @classmethod
    def _long_master_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < 32:
            raise ValueError("give at least 32 characters of random text")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return value

    @cached_property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data directory."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite:///{(self.data_dir / 'bluebridge.sqlite3').resolve()}"

    @property
    def database_url_for_display(self) -> str:
        """The database URL with any password hidden, safe for logs and error messages."""
        return make_url(self.resolved_database_url).render_as_string(hide_password=True)

    @cached_property
    def secret(self) -> bytes:
        """The installation's secret key, generated into the data directory on first use."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        return _generated_secret(self.data_dir / SECRET_KEY_FILE)

    @cached_property
    def messaging_master(self) -> bytes:
        """The messaging master key: the setting, else its file, else one generated on first
        use into the data directory (which production keeps apart from the database)."""
        if self.messaging_master_key is not None:
            return self.messaging_master_key.get_secret_value().encode()
        if self.messaging_master_key_file is not None:
            return self.messaging_master_key_file.read_text(encoding="ascii").strip().encode()
        return _generated_secret(self.data_dir / MESSAGING_KEY_FILE)


def _generated_secret(path: Path) -> bytes:
    """A random secret kept in a private file, made on first use (by one worker of several)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write a private temporary file, then link it into place: the link either creates
        # the whole file or fails because another worker's is already there.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text(encoding="ascii").strip().encode()


def get_settings() -> Settings:
    """Settings read from the environment now."""
    return Settings()
