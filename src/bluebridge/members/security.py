"""Secrets of the members domain: argon2id password hashes, digests of random tokens (API
keys, session tokens), and sealing of TOTP secrets under a key derived from the
installation's secret key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bluebridge.settings import Settings

API_KEY_PREFIX = "bbk"
_PREFIX = re.compile(r"[0-9a-f]{12}")


@cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def password_hasher(settings: Settings) -> PasswordHasher:
    """The argon2id hasher with the installation's cost parameters."""
    return _hasher(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )


def hash_password(settings: Settings, password: str) -> str:
    return password_hasher(settings).hash(password)


def verify_password(settings: Settings, stored_hash: str, password: str) -> bool:
    """True when the password matches; never raises on a malformed stored hash."""
    try:
        return password_hasher(settings).verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(settings: Settings, stored_hash: str) -> bool:
    return password_hasher(settings).check_needs_rehash(stored_hash)


# A hash of a random password, verified against when the user name is unknown, so that the
# time taken does not tell whether an account exists.
@cache
def _decoy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash(secrets.token_urlsafe(16))


def burn_password_check(settings: Settings, password: str) -> None:
    """Spend the same effort as a real check, for an unknown user name."""
    decoy = _decoy_hash(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )
    verify_password(settings, decoy, password)


def token_digest(token: str) -> str:
    """SHA-256 of a high-entropy random token (enough: such tokens cannot be guessed)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedApiKey:
    prefix: str
    plaintext: str
    digest: str


def issue_api_key() -> IssuedApiKey:
    """A new API key ``bbk_<prefix>_<secret>``; only its digest is stored."""
    prefix = secrets.token_hex(6)
    plaintext = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return IssuedApiKey(prefix=prefix, plaintext=plaintext, digest=token_digest(plaintext))


def parse_api_key(presented: str) -> str | None:
    """The prefix of a well-formed key, or None."""
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or not _PREFIX.fullmatch(parts[1]):
        return None
    return parts[1]


def digests_equal(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())


def derive_key(settings: Settings, purpose: str, length: int = 32) -> bytes:
    """A key for one purpose, derived from the installation secret with HKDF-SHA256."""
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=None, info=f"bluebridge:{purpose}".encode()
    ).derive(settings.secret)


def _fernet(settings: Settings) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive_key(settings, "totp-seal")))


def seal(settings: Settings, plaintext: str) -> str:
    """Encrypt and authenticate a small secret for storage."""
    return _fernet(settings).encrypt(plaintext.encode()).decode()


class SealBroken(ValueError):
    """A sealed value cannot be opened (wrong secret key or tampered)."""


def unseal(settings: Settings, sealed: str) -> str:
    try:
        return _fernet(settings).decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise SealBroken("sealed value cannot be opened with this installation's key") from exc


def csrf_token(settings: Settings, binding: str) -> str:
    """The CSRF token for a browser: an HMAC of its session (or pre-session) token."""
    return hmac.new(derive_key(settings, "csrf"), binding.encode(), hashlib.sha256).hexdigest()


def session_csrf_token(settings: Settings, session_token: str) -> str:
    """The CSRF token of a signed-in browser: the portal puts it in every form, and the API
    expects it in X-CSRF-Token for a change made with the session cookie."""
    return csrf_token(settings, "s:" + session_token)
