"""The cryptography of the secure network: each agency's key pairs (Ed25519 to sign, X25519 to
receive), their private halves sealed under the master key, a message's content encrypted
under a key of its own and that key wrapped for each agency that may read it, and the sending
agency's signature over a canonical JSON envelope that binds the content by its digest. Every
primitive comes from `cryptography` (decision 0012); those the MIND packages use too (the
sizes, raw keys, the ephemeral key agreement) are in `bluebridge/crypto.py`. Nothing here
stores or picks keys: the caller keeps every key version and passes the one a sealed key,
wrapped key or signature was made with, so rotation never makes an old message unreadable.

Formats (all sizes in bytes)::

    sealed private key   "bbseal1:" + base64url, no padding, of nonce(12) + ciphertext(32+16)
    content blob         nonce(12) + ChaCha20-Poly1305 ciphertext (plaintext + 16)
    wrapped content key  ephemeral X25519 public(32) + nonce(12) + ciphertext(32+16) = 92
    signature            Ed25519 (64) over canonical(envelope)

The canonical form is RFC 8785 (JCS) for the values it admits: objects with string keys,
arrays, strings, booleans, null and integers of at most 53 bits. Floats are refused, not
only NaN, because their text differs between JSON libraries, and an envelope must verify
offline in any language.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bluebridge.crypto import (
    KEY_SIZE,
    MAX_PLAINTEXT_SIZE,
    NONCE_SIZE,
    SIGNATURE_SIZE,
    TAG_SIZE,
    raw_private,
    raw_public,
    recipient_agreement,
    sender_agreement,
)

WRAPPED_KEY_SIZE = KEY_SIZE + NONCE_SIZE + KEY_SIZE + TAG_SIZE
# HKDF is no password hash: the master key must already be long random text or bytes.
MIN_MASTER_KEY_SIZE = 32
# The largest integer every JSON reader (JavaScript's included) holds exactly.
MAX_SAFE_INTEGER = 2**53 - 1
MAX_ENVELOPE_DEPTH = 32

_SEAL_PREFIX = "bbseal1:"
_SEALED_SIZE = NONCE_SIZE + KEY_SIZE + TAG_SIZE
_SEAL_INFO = b"bluebridge:messaging:seal-private:v1:"
_WRAP_INFO = b"bluebridge:messaging:wrap-content-key:v1:"
_BYTES_LIKE = (bytes, bytearray, memoryview)


class CryptoError(ValueError):
    """A sealed key, wrapped key or encrypted content that does not open: a wrong key, label or
    context, or an altered or damaged value. The message says which; it never holds key
    material."""


@dataclass(frozen=True, slots=True)
class AgencyKeys:
    """One version of an agency's key pairs, raw 32-byte keys. The private halves are kept
    out of repr so that a log line or a traceback never shows them."""

    signing_private: bytes = field(repr=False)
    signing_public: bytes
    encryption_private: bytes = field(repr=False)
    encryption_public: bytes

    @property
    def signing_fingerprint(self) -> str:
        return fingerprint(self.signing_public)

    @property
    def encryption_fingerprint(self) -> str:
        return fingerprint(self.encryption_public)


def generate_agency_keys() -> AgencyKeys:
    """A new pair of key pairs for one agency (or one new version of its keys)."""
    signing = Ed25519PrivateKey.generate()
    encryption = X25519PrivateKey.generate()
    return AgencyKeys(
        signing_private=raw_private(signing),
        signing_public=raw_public(signing.public_key()),
        encryption_private=raw_private(encryption),
        encryption_public=raw_public(encryption.public_key()),
    )


def _check_key(value: object, what: str) -> bytes:
    if not isinstance(value, _BYTES_LIKE) or len(value) != KEY_SIZE:
        raise ValueError(f"{what} must be {KEY_SIZE} raw bytes")
    return bytes(value)


def _check_bytes(value: object, what: str) -> bytes:
    if not isinstance(value, _BYTES_LIKE):
        raise TypeError(f"{what} must be bytes, not {type(value).__name__}")
    return bytes(value)


def fingerprint(public_key: bytes) -> str:
    """The fingerprint of a raw public key, for people to compare and envelopes to name a key
    version: the first 128 bits of its SHA-256 in eight colon-separated groups of four hex
    digits (``3f9a:12bc:...``)."""
    digest = hashlib.sha256(_check_key(public_key, "a public key")).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


# Sealed private keys ----------------------------------------------------------------------


def _seal_key(master_key: bytes, label: str) -> ChaCha20Poly1305:
    if not isinstance(master_key, _BYTES_LIKE) or len(master_key) < MIN_MASTER_KEY_SIZE:
        raise CryptoError(f"the master key must be at least {MIN_MASTER_KEY_SIZE} bytes long")
    if not isinstance(label, str) or not label:
        raise CryptoError("a sealed key needs a label naming what it is")
    derived = HKDF(
        algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=_SEAL_INFO + label.encode()
    ).derive(bytes(master_key))
    return ChaCha20Poly1305(derived)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def seal_private(master_key: bytes, private: bytes, *, label: str) -> str:
    """A private key encrypted for storage under a key derived from the master key and the
    label (which names the agency, the key's use and its version, e.g.
    ``agency:42:signing:v3``): ASCII text, different at every call."""
    cipher = _seal_key(master_key, label)
    raw = _check_key(private, "a private key")
    nonce = secrets.token_bytes(NONCE_SIZE)
    return _SEAL_PREFIX + _b64(nonce + cipher.encrypt(nonce, raw, label.encode()))


def unseal_private(master_key: bytes, sealed: str, *, label: str) -> bytes:
    """The private key sealed with this master key and label; CryptoError when the master key
    or the label is not the one it was sealed with, or the text was altered."""
    cipher = _seal_key(master_key, label)
    if not isinstance(sealed, str) or not sealed.startswith(_SEAL_PREFIX):
        raise CryptoError(f"sealed key {label!r} is not in the bbseal1 format")
    text = sealed[len(_SEAL_PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise CryptoError(f"sealed key {label!r} is not valid base64") from None
    # One sealed value, one text: a character changed anywhere is refused, even one that a
    # lenient base64 decoder would read past.
    if _b64(raw) != text or len(raw) != _SEALED_SIZE:
        raise CryptoError(f"sealed key {label!r} is damaged (wrong length or encoding)")
    try:
        return cipher.decrypt(raw[:NONCE_SIZE], raw[NONCE_SIZE:], label.encode())
    except InvalidTag:
        raise CryptoError(
            f"sealed key {label!r} does not open: wrong master key, wrong label, or altered"
        ) from None


# Content ----------------------------------------------------------------------------------


def encrypt_content(
    plaintext: bytes, *, associated_data: bytes, content_key: bytes | None = None
) -> tuple[bytes, bytes]:
    """(content key, blob): the plaintext encrypted with ChaCha20-Poly1305 under a new random
    key, or under `content_key` to seal a message's attachments with its body's key (a new
    random nonce each time keeps that safe). `associated_data` names the part (message and
    body or attachment number) so that a blob moved to another message or part is refused."""
    data = _check_bytes(plaintext, "the plaintext")
    aad = _check_bytes(associated_data, "the associated data")
    if len(data) > MAX_PLAINTEXT_SIZE:
        raise ValueError(f"content is at most {MAX_PLAINTEXT_SIZE} bytes; this is {len(data)}")
    if content_key is None:
        key = ChaCha20Poly1305.generate_key()
    else:
        key = _check_key(content_key, "a content key")
    nonce = secrets.token_bytes(NONCE_SIZE)
    return key, nonce + ChaCha20Poly1305(key).encrypt(nonce, data, aad)


def decrypt_content(content_key: bytes, blob: bytes, *, associated_data: bytes) -> bytes:
    """The plaintext of a blob; CryptoError for a wrong key or associated data, or an altered
    blob."""
    if not isinstance(content_key, _BYTES_LIKE) or len(content_key) != KEY_SIZE:
        raise CryptoError(f"a content key must be {KEY_SIZE} bytes")
    if not isinstance(blob, _BYTES_LIKE) or len(blob) < NONCE_SIZE + TAG_SIZE:
        raise CryptoError("the encrypted content is truncated")
    if not isinstance(associated_data, _BYTES_LIKE):
        raise CryptoError("the associated data must be bytes")
    raw = bytes(blob)
    try:
        return ChaCha20Poly1305(bytes(content_key)).decrypt(
            raw[:NONCE_SIZE], raw[NONCE_SIZE:], bytes(associated_data)
        )
    except InvalidTag:
        raise CryptoError(
            "the content does not decrypt: wrong key or associated data, or altered"
        ) from None


# Wrapped content keys ---------------------------------------------------------------------


def wrap_key(content_key: bytes, recipient_public: bytes, *, context: bytes) -> bytes:
    """The content key encrypted for one recipient's X25519 public key, through a one-use
    ephemeral key; `context` (e.g. the message's identifier) is bound into the wrapping key,
    so the wrapped key opens only with the same context."""
    key = _check_key(content_key, "a content key")
    recipient = _check_key(recipient_public, "the recipient's public key")
    bound = _check_bytes(context, "the context")
    ephemeral_public, wrapping_key = sender_agreement(recipient, info=_WRAP_INFO + bound)
    nonce = secrets.token_bytes(NONCE_SIZE)
    return ephemeral_public + nonce + ChaCha20Poly1305(wrapping_key).encrypt(nonce, key, bound)


def unwrap_key(wrapped: bytes, recipient_private: bytes, *, context: bytes) -> bytes:
    """The content key of a wrapped key; CryptoError when it was wrapped for another key or
    another context, or altered."""
    if not isinstance(wrapped, _BYTES_LIKE) or len(wrapped) != WRAPPED_KEY_SIZE:
        raise CryptoError(f"a wrapped key is {WRAPPED_KEY_SIZE} bytes")
    if not isinstance(context, _BYTES_LIKE):
        raise CryptoError("the context must be bytes")
    if not isinstance(recipient_private, _BYTES_LIKE) or len(recipient_private) != KEY_SIZE:
        raise CryptoError(f"an encryption private key is {KEY_SIZE} bytes")
    raw = bytes(wrapped)
    ephemeral_public = raw[:KEY_SIZE]
    nonce = raw[KEY_SIZE : KEY_SIZE + NONCE_SIZE]
    bound = bytes(context)
    private = X25519PrivateKey.from_private_bytes(bytes(recipient_private))
    try:
        wrapping_key = recipient_agreement(private, ephemeral_public, info=_WRAP_INFO + bound)
    except ValueError:
        raise CryptoError("the wrapped key's ephemeral key is not a usable X25519 key") from None
    try:
        return ChaCha20Poly1305(wrapping_key).decrypt(nonce, raw[KEY_SIZE + NONCE_SIZE :], bound)
    except InvalidTag:
        raise CryptoError(
            "the wrapped key does not open: wrapped for another key or context, or altered"
        ) from None


# Envelopes and signatures -----------------------------------------------------------------


def _utf16_order(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _plain(value: object, path: str, depth: int) -> Any:
    """The value as plain JSON types in canonical key order; TypeError or ValueError saying
    where the first value that has no canonical form is."""
    if depth > MAX_ENVELOPE_DEPTH:
        raise ValueError(f"the envelope is nested more than {MAX_ENVELOPE_DEPTH} levels deep")
    # Subclasses (StrEnum, IntEnum) are taken for their plain value; bool before int.
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{path} holds a lone surrogate, which is not Unicode text") from None
        return str.__str__(value)
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"{path} is an integer past 2**53; pass it as a string")
        return int(value)
    if isinstance(value, float):
        raise TypeError(f"{path} is a float, which has no portable canonical form")
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"{path} has a key that is not a string: {type(key).__name__}")
        # RFC 8785 orders keys by their UTF-16 code units.
        return {
            str.__str__(key): _plain(value[key], f"{path}.{key}", depth + 1)
            for key in sorted(value, key=_utf16_order)
        }
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
    raise TypeError(
        f"{path} is a {type(value).__name__}, not a plain JSON value "
        "(pass times as ISO strings and bytes as base64 or hex)"
    )


class _NotPlain(Exception):
    """A value the quick walk does not take: `_plain` says what is wrong, or converts it."""


def _quick(value: object, depth: int) -> Any:
    """`_plain` for values of exactly the plain JSON types with ASCII keys (what the platform's
    own envelopes hold), building no paths; _NotPlain for anything else."""
    if depth > MAX_ENVELOPE_DEPTH:
        raise _NotPlain
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return value
    if kind is int:
        if abs(value) > MAX_SAFE_INTEGER:  # type: ignore[arg-type]
            raise _NotPlain
        return value
    if kind is dict:
        mapping: dict[Any, Any] = value  # type: ignore[assignment]
        for key in mapping:
            if type(key) is not str or not key.isascii():  # UTF-16 order is code point order
                raise _NotPlain
        return {key: _quick(mapping[key], depth + 1) for key in sorted(mapping)}
    if kind is list or kind is tuple:
        return [_quick(item, depth + 1) for item in value]  # type: ignore[attr-defined]
    raise _NotPlain


def canonical(envelope: Mapping[str, Any]) -> bytes:
    """The envelope's one byte string: JSON with keys sorted, no insignificant whitespace,
    UTF-8. TypeError for a value with no canonical form (float, datetime, bytes, a set, a
    non-string key), ValueError for an integer past 2**53, deep nesting or a lone surrogate."""
    if not isinstance(envelope, Mapping):
        raise TypeError(f"an envelope is a mapping, not a {type(envelope).__name__}")
    try:
        text = json.dumps(_quick(envelope, 0), separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")  # a lone surrogate fails here
    except (_NotPlain, UnicodeEncodeError):
        pass
    text = json.dumps(_plain(envelope, "envelope", 0), separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def signing_key(signing_private: bytes) -> Ed25519PrivateKey:
    """The private key loaded once, for a batch of signatures."""
    return Ed25519PrivateKey.from_private_bytes(_check_key(signing_private, "a signing key"))


def sign(signing_private: bytes | Ed25519PrivateKey, envelope: Mapping[str, Any]) -> bytes:
    """The Ed25519 signature (64 bytes) of the canonical envelope."""
    key = (
        signing_private
        if isinstance(signing_private, Ed25519PrivateKey)
        else signing_key(signing_private)
    )
    return key.sign(canonical(envelope))


def verify(signing_public: bytes, envelope: Mapping[str, Any], signature: bytes) -> bool:
    """True when the signature holds for this envelope and key; False, never an exception,
    for any mismatch or malformed argument."""
    if not isinstance(signing_public, _BYTES_LIKE) or len(signing_public) != KEY_SIZE:
        return False
    if not isinstance(signature, _BYTES_LIKE) or len(signature) != SIGNATURE_SIZE:
        return False
    try:
        message = canonical(envelope)
        Ed25519PublicKey.from_public_bytes(bytes(signing_public)).verify(bytes(signature), message)
    except (InvalidSignature, TypeError, ValueError, RecursionError):
        return False
    return True


def content_digest(data: bytes) -> str:
    """``sha256:<hex>`` of a body or an attachment, as the envelope carries it."""
    return "sha256:" + hashlib.sha256(_check_bytes(data, "the content")).hexdigest()


def digest_matches(data: bytes, digest: str) -> bool:
    """True when the data is what an envelope's digest names (compared in constant time)."""
    if not isinstance(digest, str) or not isinstance(data, _BYTES_LIKE):
        return False
    return hmac.compare_digest(content_digest(data).encode(), digest.encode("utf-8", "replace"))
