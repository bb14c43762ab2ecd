"""The MIND package: a signed, encrypted offline copy of screening data that the hub (the
General Secretariat's server) writes for one border post. This module owns the container and
its keys (the hub's Ed25519 signing key, each post's X25519 key and their key files); what the
payload holds is the caller's business, an opaque byte string here.

Layout of a package (integers big-endian)::

    magic        8 bytes   b"BBMIND1\\n"
    header_len   4 bytes   length of the header
    header       n bytes   canonical JSON (sorted keys, no spaces, ASCII), see PackageHeader
    ephemeral   32 bytes   the hub's one-package X25519 public key
    nonce       12 bytes   ChaCha20-Poly1305 nonce
    cipher_len   8 bytes   length of the ciphertext
    ciphertext   m bytes   ChaCha20-Poly1305 of the zlib-compressed payload, header as AAD
    signature   64 bytes   the hub's Ed25519 signature over every byte before it

The payload key is HKDF-SHA256 over X25519(ephemeral, post key), so only the post holding the
private key named in the header can read a package, and only the hub can write one it accepts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
import struct
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

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
from bluebridge.members.service import AGENCY_CODE_PATTERN

FORMAT = 1
MAGIC = b"BBMIND1\n"
MAX_HEADER_SIZE = 64 * 1024
MAX_COMPRESSED_PAYLOAD = MAX_PLAINTEXT_SIZE
# A post's clock may run behind the hub's by this much before a package looks premature.
CLOCK_SKEW = timedelta(minutes=5)

_HEADER_LEN = struct.Struct(">I")
_CIPHER_LEN = struct.Struct(">Q")
_KDF_INFO = b"bluebridge MIND package v1 payload key"
_HEADER_FIELDS = frozenset(
    {
        "format",
        "package_id",
        "hub_key_id",
        "recipient_agency",
        "recipient_key_id",
        "sequence",
        "since",
        "created_at",
        "expires_at",
        "entries",
    }
)
_HEX = frozenset("0123456789abcdef")

RefusalReason = Literal[
    "malformed",
    "tampered",
    "unknown_signer",
    "wrong_recipient",
    "expired",
    "out_of_order",
    "not_yet_valid",
]


class PackageRefused(Exception):
    """A package the post will not load; `reason` says which check failed, str() says why in
    words for a border officer's supervisor. `header` is set once it was read (unverified
    when the reason is malformed, tampered or unknown_signer)."""

    def __init__(
        self, reason: RefusalReason, explanation: str, header: PackageHeader | None = None
    ) -> None:
        super().__init__(f"package refused: {explanation}")
        self.reason: RefusalReason = reason
        self.header = header


@dataclass(frozen=True, slots=True)
class PackageHeader:
    format: int
    package_id: str
    hub_key_id: str
    recipient_agency: str
    recipient_key_id: str
    sequence: int
    since: int | None
    created_at: datetime
    expires_at: datetime
    entries: int

    @property
    def is_delta(self) -> bool:
        return self.since is not None


def key_id(public: bytes) -> str:
    """The short fingerprint of a raw public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public).hexdigest()[:16]


def public_key_from_b64(value: str) -> bytes:
    """A raw 32-byte public key from its standard base64 form; ValueError saying what is wrong."""
    text = value.strip()
    if not text:
        raise ValueError("the public key is empty")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise ValueError("the public key is not valid base64") from None
    if len(raw) != KEY_SIZE:
        raise ValueError(f"a public key is {KEY_SIZE} bytes; this one decodes to {len(raw)}")
    return raw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# Key files: a line naming the kind of key, then the raw private key in base64.
_KEY_FILE_KINDS = {
    "hub": "BLUEBRIDGE MIND HUB KEY (Ed25519 private key)",
    "post": "BLUEBRIDGE MIND POST KEY (X25519 private key)",
}
_KEY_FILE_NAMES = {"hub": "the hub's signing key", "post": "a border post's key"}


def _save_key_file(path: Path, kind: str, raw: bytes) -> None:
    content = f"{_KEY_FILE_KINDS[kind]}\n{_b64(raw)}\n".encode("ascii")
    try:
        # O_EXCL: a key file is never overwritten, and a symlink in its place is not followed.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise FileExistsError(
            f"{path} already exists; a key file is never overwritten (move the old one away first)"
        ) from None
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)


def _load_key_file(path: Path, kind: str) -> bytes:
    mode = path.stat().st_mode
    if os.name == "posix" and mode & 0o077:
        raise ValueError(
            f"{path} is open to other users (mode {mode & 0o777:04o}); "
            f"a private key file must be mode 0600 (chmod 600 {path})"
        )
    try:
        lines = path.read_bytes().decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a Bluebridge MIND key file") from None
    lines = [line.strip() for line in lines if line.strip()]
    if not lines or lines[0] not in _KEY_FILE_KINDS.values():
        raise ValueError(f"{path} is not a Bluebridge MIND key file")
    if lines[0] != _KEY_FILE_KINDS[kind]:
        other = next(k for k, line in _KEY_FILE_KINDS.items() if line == lines[0])
        raise ValueError(
            f"{path} holds {_KEY_FILE_NAMES[other]}, not {_KEY_FILE_NAMES[kind]}; "
            "check which file was given"
        )
    try:
        if len(lines) != 2:
            raise ValueError
        raw = base64.b64decode(lines[1], validate=True)
    except (ValueError, binascii.Error):
        raise ValueError(f"{path} is damaged: its key is not one line of base64") from None
    if len(raw) != KEY_SIZE:
        raise ValueError(f"{path} is damaged: its key is {len(raw)} bytes, not {KEY_SIZE}")
    return raw


@dataclass(frozen=True, slots=True)
class _PackageKey:
    """What the hub's key and a post's key share: a key file of their kind, and the public
    half that the other side is given, with its key id."""

    _KIND: ClassVar[str]
    private: Ed25519PrivateKey | X25519PrivateKey

    def save(self, path: Path) -> None:
        """Write a new key file, mode 0600; FileExistsError rather than overwrite one."""
        _save_key_file(Path(path), self._KIND, raw_private(self.private))

    def public_bytes(self) -> bytes:
        return raw_public(self.private.public_key())

    def public_b64(self) -> str:
        return _b64(self.public_bytes())

    @property
    def key_id(self) -> str:
        return key_id(self.public_bytes())


@dataclass(frozen=True, slots=True)
class HubKey(_PackageKey):
    """The hub's Ed25519 signing key; border posts trust its public half."""

    _KIND: ClassVar[str] = "hub"
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> HubKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def load(cls, path: Path) -> HubKey:
        """The key from a hub key file; ValueError for another kind of file or loose permissions."""
        return cls(Ed25519PrivateKey.from_private_bytes(_load_key_file(Path(path), cls._KIND)))


@dataclass(frozen=True, slots=True)
class PostKey(_PackageKey):
    """A border post's X25519 key; the hub encrypts packages for its public half."""

    _KIND: ClassVar[str] = "post"
    private: X25519PrivateKey

    @classmethod
    def generate(cls) -> PostKey:
        return cls(X25519PrivateKey.generate())

    @classmethod
    def load(cls, path: Path) -> PostKey:
        """The key from a post key file; ValueError for another kind of file or loose permissions."""
        return cls(X25519PrivateKey.from_private_bytes(_load_key_file(Path(path), cls._KIND)))


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return moment.astimezone(UTC)


def _format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _header_json(header: PackageHeader) -> bytes:
    fields: dict[str, Any] = {
        "format": header.format,
        "package_id": header.package_id,
        "hub_key_id": header.hub_key_id,
        "recipient_agency": header.recipient_agency,
        "recipient_key_id": header.recipient_key_id,
        "sequence": header.sequence,
        "since": header.since,
        "created_at": _format_time(header.created_at),
        "expires_at": _format_time(header.expires_at),
        "entries": header.entries,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode(
        "ascii"
    )


def _malformed(detail: str) -> PackageRefused:
    return PackageRefused("malformed", f"it is not a readable MIND package ({detail})")


def _count(value: object) -> int | None:
    # bool is an int in Python, never in a header.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _hex_id(value: object, length: int) -> str | None:
    if isinstance(value, str) and len(value) == length and set(value) <= _HEX:
        return value
    return None


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or _format_time(moment) != value:
        return None
    return moment.astimezone(UTC)


def _parse_header(raw: bytes) -> PackageHeader:
    try:
        fields = json.loads(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise _malformed("its header is not JSON") from None
    if not isinstance(fields, dict) or set(fields) != _HEADER_FIELDS:
        raise _malformed("its header does not have the fields of a package header")
    if fields["format"] != FORMAT or _count(fields["format"]) is None:
        raise _malformed(f"format {fields['format']!r} is not one this version reads")
    package_id = _hex_id(fields["package_id"], 32)
    hub_key_id = _hex_id(fields["hub_key_id"], 16)
    recipient_key_id = _hex_id(fields["recipient_key_id"], 16)
    agency = fields["recipient_agency"]
    sequence = _count(fields["sequence"])
    since = None if fields["since"] is None else _count(fields["since"])
    created_at = _time(fields["created_at"])
    expires_at = _time(fields["expires_at"])
    entries = _count(fields["entries"])
    if (
        package_id is None
        or hub_key_id is None
        or recipient_key_id is None
        or not isinstance(agency, str)
        or not AGENCY_CODE_PATTERN.match(agency)
        or sequence is None
        or (fields["since"] is not None and (since is None or since > sequence))
        or created_at is None
        or expires_at is None
        or expires_at < created_at
        or entries is None
    ):
        raise _malformed("its header holds a value out of range")
    header = PackageHeader(
        format=FORMAT,
        package_id=package_id,
        hub_key_id=hub_key_id,
        recipient_agency=agency,
        recipient_key_id=recipient_key_id,
        sequence=sequence,
        since=since,
        created_at=created_at,
        expires_at=expires_at,
        entries=entries,
    )
    # One header, one byte string: what was signed is exactly what is read.
    if _header_json(header) != raw:
        raise _malformed("its header is not in canonical form")
    return header


@dataclass(frozen=True, slots=True)
class _Frame:
    header: bytes
    ephemeral: bytes
    nonce: bytes
    ciphertext: bytes
    signed: bytes
    signature: bytes


def _split(data: bytes) -> _Frame:
    """The parts of a package, checking only that the lengths add up."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _malformed("it is not a byte string")
    view = memoryview(data).cast("B")
    if len(view) < len(MAGIC) or view[: len(MAGIC)] != MAGIC:
        raise _malformed("it does not start with the MIND package marker")
    at = len(MAGIC)

    def take(size: int, what: str) -> memoryview:
        nonlocal at
        if len(view) - at < size:
            raise _malformed(f"it ends inside its {what}; the file is truncated")
        part = view[at : at + size]
        at += size
        return part

    (header_len,) = _HEADER_LEN.unpack(take(_HEADER_LEN.size, "header length"))
    if header_len > MAX_HEADER_SIZE:
        raise _malformed(f"its header claims {header_len} bytes, more than a header can be")
    header = take(header_len, "header")
    ephemeral = take(KEY_SIZE, "key agreement")
    nonce = take(NONCE_SIZE, "nonce")
    (cipher_len,) = _CIPHER_LEN.unpack(take(_CIPHER_LEN.size, "payload length"))
    if cipher_len < TAG_SIZE or cipher_len > MAX_COMPRESSED_PAYLOAD + TAG_SIZE:
        raise _malformed(f"its payload claims {cipher_len} bytes, which no package holds")
    ciphertext = take(cipher_len, "payload")
    signed_end = at
    signature = take(SIGNATURE_SIZE, "signature")
    if at != len(view):
        raise _malformed(f"{len(view) - at} bytes follow its signature")
    return _Frame(
        header=bytes(header),
        ephemeral=bytes(ephemeral),
        nonce=bytes(nonce),
        ciphertext=bytes(ciphertext),
        signed=bytes(view[:signed_end]),
        signature=bytes(signature),
    )


def _check_key_bytes(public: bytes, what: str) -> None:
    if not isinstance(public, bytes) or len(public) != KEY_SIZE:
        raise ValueError(f"{what} must be {KEY_SIZE} raw bytes")


def write_package(
    payload: bytes,
    *,
    hub: HubKey,
    recipient_agency: str,
    recipient_public: bytes,
    sequence: int,
    since: int | None,
    entries: int,
    valid_for: timedelta,
    now: datetime | None = None,
) -> bytes:
    """A package of the payload for one border post, signed by the hub; `since` None for a full
    copy, else the sequence a delta starts from. Times are kept to the second."""
    _check_key_bytes(recipient_public, "the recipient's public key")
    if not AGENCY_CODE_PATTERN.match(recipient_agency):
        raise ValueError(f"{recipient_agency!r} is not an agency code")
    if _count(sequence) is None:
        raise ValueError("the sequence must be a whole number, zero or more")
    if since is not None and (_count(since) is None or since > sequence):
        raise ValueError(f"a delta to sequence {sequence} cannot start from {since!r}")
    if _count(entries) is None:
        raise ValueError("entries must be a whole number, zero or more")
    if valid_for <= timedelta(0):
        raise ValueError("a package must be valid for some time")
    created_at = _utc(now).replace(microsecond=0)
    expires_at = (created_at + valid_for).replace(microsecond=0)
    header = PackageHeader(
        format=FORMAT,
        package_id=uuid.uuid4().hex,
        hub_key_id=hub.key_id,
        recipient_agency=recipient_agency,
        recipient_key_id=key_id(recipient_public),
        sequence=sequence,
        since=since,
        created_at=created_at,
        expires_at=expires_at,
        entries=entries,
    )
    header_bytes = _header_json(header)

    compressed = zlib.compress(payload, 6)
    if len(compressed) > MAX_COMPRESSED_PAYLOAD:
        raise ValueError(
            f"the payload compresses to {len(compressed)} bytes, more than one package holds"
        )
    ephemeral, payload_key = sender_agreement(recipient_public, info=_KDF_INFO)
    nonce = secrets.token_bytes(NONCE_SIZE)
    ciphertext = ChaCha20Poly1305(payload_key).encrypt(nonce, compressed, header_bytes)

    signed = b"".join(
        (
            MAGIC,
            _HEADER_LEN.pack(len(header_bytes)),
            header_bytes,
            ephemeral,
            nonce,
            _CIPHER_LEN.pack(len(ciphertext)),
            ciphertext,
        )
    )
    return signed + hub.private.sign(signed)


def peek_header(data: bytes) -> PackageHeader:
    """The header of a package WITHOUT checking its signature: for diagnostics only (what a
    refused file claims to be). Never act on it; read_package is the only trusted read."""
    return _parse_header(_split(data).header)


def _verify(frame: _Frame, hub_public: bytes) -> PackageHeader:
    try:
        Ed25519PublicKey.from_public_bytes(hub_public).verify(frame.signature, frame.signed)
    except InvalidSignature:
        trusted = key_id(hub_public)
        try:
            claimed: PackageHeader | None = _parse_header(frame.header)
        except PackageRefused:
            claimed = None
        if claimed is not None and claimed.hub_key_id != trusted:
            raise PackageRefused(
                "unknown_signer",
                f"it was signed by hub key {claimed.hub_key_id}, "
                f"but this post trusts hub key {trusted}",
                claimed,
            ) from None
        raise PackageRefused(
            "tampered",
            "its signature does not match its content, "
            "so it was altered or damaged after the hub wrote it",
            claimed,
        ) from None
    header = _parse_header(frame.header)
    if header.hub_key_id != key_id(hub_public):
        # Signed by our hub, yet naming another key: a fault of the writer, not a forgery.
        raise _malformed("its header names another hub key than the one that signed it")
    return header


def _check_recipient(header: PackageHeader, post: PostKey, recipient_agency: str) -> None:
    if header.recipient_agency != recipient_agency:
        raise PackageRefused(
            "wrong_recipient",
            f"it was written for border post {header.recipient_agency}, not for {recipient_agency}",
            header,
        )
    if header.recipient_key_id != post.key_id:
        raise PackageRefused(
            "wrong_recipient",
            f"it was encrypted for post key {header.recipient_key_id}, "
            f"but this post's key is {post.key_id} (was the post's key replaced?)",
            header,
        )


def _check_time(header: PackageHeader, now: datetime) -> None:
    if now > header.expires_at:
        raise PackageRefused(
            "expired",
            f"it expired at {_format_time(header.expires_at)} "
            f"(it is now {_format_time(now)}); ask the hub for a fresh package",
            header,
        )
    if header.created_at > now + CLOCK_SKEW:
        raise PackageRefused(
            "not_yet_valid",
            f"it was written at {_format_time(header.created_at)}, later than this "
            f"computer's clock allows ({_format_time(now)}); check the clock",
            header,
        )


def _check_sequence(header: PackageHeader, current_sequence: int | None) -> None:
    if header.since is None:
        if current_sequence is not None and header.sequence < current_sequence:
            raise PackageRefused(
                "out_of_order",
                f"it is an older full copy (sequence {header.sequence}) than the one this "
                f"post holds (sequence {current_sequence}); a replay is never loaded",
                header,
            )
        return
    if current_sequence is None:
        raise PackageRefused(
            "out_of_order",
            f"it is a delta from sequence {header.since}, but this post holds no copy "
            "yet; load a full package first",
            header,
        )
    if header.since != current_sequence:
        raise PackageRefused(
            "out_of_order",
            f"it is a delta from sequence {header.since}, but this post's copy is at "
            f"sequence {current_sequence}; a delta must start where the copy ends",
            header,
        )


def _open(frame: _Frame, header: PackageHeader, post: PostKey) -> bytes:
    try:
        key = recipient_agreement(post.private, frame.ephemeral, info=_KDF_INFO)
        compressed = ChaCha20Poly1305(key).decrypt(frame.nonce, frame.ciphertext, frame.header)
    except (ValueError, InvalidTag):
        raise PackageRefused(
            "tampered",
            "its signature is good but its payload does not decrypt with this post's key",
            header,
        ) from None
    inflater = zlib.decompressobj()
    try:
        payload = inflater.decompress(compressed)
    except zlib.error:
        raise _malformed("its payload does not decompress") from None
    if not inflater.eof or inflater.unused_data:
        raise _malformed("its payload does not decompress")
    return payload


def read_package(
    data: bytes,
    *,
    hub_public: bytes,
    post: PostKey,
    recipient_agency: str,
    current_sequence: int | None,
    now: datetime | None = None,
) -> tuple[PackageHeader, bytes]:
    """The header and payload of a package for this post, or PackageRefused. Checks in order:
    signature, recipient, time, sequence (`current_sequence` None: the post holds no copy),
    then decryption."""
    _check_key_bytes(hub_public, "the hub's public key")
    moment = _utc(now)
    frame = _split(data)
    header = _verify(frame, hub_public)
    _check_recipient(header, post, recipient_agency)
    _check_time(header, moment)
    _check_sequence(header, current_sequence)
    return header, _open(frame, header, post)
