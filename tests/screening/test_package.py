"""The MIND package: round trips, every refusal in its order, tampering anywhere, key files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import struct
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bluebridge.screening.package import (
    MAGIC,
    HubKey,
    PackageHeader,
    PackageRefused,
    PostKey,
    key_id,
    peek_header,
    public_key_from_b64,
    read_package,
    write_package,
)

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
POST_AGENCY = "FR-BP-CDG"
PAYLOAD = b'{"entries": ["notice 1", "notice 2", "notice 3"]}'
HUB = HubKey.generate()
POST = PostKey.generate()


def _package(
    payload: bytes = PAYLOAD,
    *,
    hub: HubKey = HUB,
    agency: str = POST_AGENCY,
    post: PostKey = POST,
    sequence: int = 42,
    since: int | None = None,
    entries: int = 3,
    valid_for: timedelta = timedelta(days=7),
    now: datetime = NOW,
) -> bytes:
    return write_package(
        payload,
        hub=hub,
        recipient_agency=agency,
        recipient_public=post.public_bytes(),
        sequence=sequence,
        since=since,
        entries=entries,
        valid_for=valid_for,
        now=now,
    )


def _read(
    data: bytes,
    *,
    hub_public: bytes | None = None,
    post: PostKey = POST,
    agency: str = POST_AGENCY,
    current_sequence: int | None = None,
    now: datetime = NOW,
) -> tuple[PackageHeader, bytes]:
    return read_package(
        data,
        hub_public=HUB.public_bytes() if hub_public is None else hub_public,
        post=post,
        recipient_agency=agency,
        current_sequence=current_sequence,
        now=now,
    )


def _refusal(data: bytes, **read: object) -> PackageRefused:
    with pytest.raises(PackageRefused) as caught:
        _read(data, **read)  # type: ignore[arg-type]
    return caught.value


def _offsets(data: bytes) -> dict[str, int]:
    """Where each part of a package starts, by the documented layout."""
    (header_len,) = struct.unpack(">I", data[8:12])
    header = 12
    ephemeral = header + header_len
    nonce = ephemeral + 32
    cipher_len = nonce + 12
    ciphertext = cipher_len + 8
    return {
        "header": header,
        "ephemeral": ephemeral,
        "nonce": nonce,
        "ciphertext": ciphertext,
        "signature": len(data) - 64,
    }


def _flip(data: bytes, position: int, mask: int = 0x01) -> bytes:
    changed = bytearray(data)
    changed[position] ^= mask
    return bytes(changed)


def _resign(signed: bytes, hub: HubKey = HUB) -> bytes:
    return signed + hub.private.sign(signed)


# Round trips


def test_full_package_round_trips() -> None:
    header, payload = _read(_package())
    assert payload == PAYLOAD
    assert header.format == 1
    assert header.since is None
    assert not header.is_delta
    assert header.sequence == 42
    assert header.entries == 3
    assert header.recipient_agency == POST_AGENCY
    assert header.recipient_key_id == POST.key_id
    assert header.hub_key_id == HUB.key_id
    assert header.created_at == NOW
    assert header.expires_at == NOW + timedelta(days=7)
    assert header.created_at.tzinfo is not None
    assert len(header.package_id) == 32
    int(header.package_id, 16)


def test_delta_round_trips_from_the_posts_sequence() -> None:
    header, payload = _read(_package(b"changes", sequence=50, since=42), current_sequence=42)
    assert payload == b"changes"
    assert header.since == 42
    assert header.is_delta


def test_full_package_replaces_an_older_or_equal_copy() -> None:
    assert _read(_package(sequence=42), current_sequence=42)[1] == PAYLOAD
    assert _read(_package(sequence=42), current_sequence=7)[1] == PAYLOAD


def test_empty_payload_round_trips() -> None:
    assert _read(_package(b"", entries=0))[1] == b""


def test_large_payload_round_trips() -> None:
    payload = random.Random(7).randbytes(20 * 1024 * 1024)
    data = _package(payload, entries=200_000)
    assert _read(data)[1] == payload


def test_each_package_has_its_own_id_and_key_agreement() -> None:
    first, second = _package(), _package()
    assert peek_header(first).package_id != peek_header(second).package_id
    a, b = _offsets(first), _offsets(second)
    assert first[a["ephemeral"] : a["nonce"]] != second[b["ephemeral"] : b["nonce"]]


def test_package_layout_is_the_documented_one() -> None:
    data = _package()
    assert data.startswith(MAGIC)
    at = _offsets(data)
    header = json.loads(data[at["header"] : at["ephemeral"]])
    assert header["recipient_agency"] == POST_AGENCY
    assert header["created_at"] == "2025-03-14T09:30:00Z"
    (cipher_len,) = struct.unpack(">Q", data[at["ciphertext"] - 8 : at["ciphertext"]])
    assert at["ciphertext"] + cipher_len == at["signature"]
    # The payload is compressed before encryption.
    big = _package(b"A" * 100_000)
    assert len(big) < 2_000


def test_peek_header_reads_without_keys() -> None:
    header = peek_header(_package(sequence=9, since=3))
    assert (header.sequence, header.since, header.recipient_agency) == (9, 3, POST_AGENCY)


# Signature


@pytest.mark.parametrize("part", ["header", "ephemeral", "nonce", "ciphertext", "signature"])
def test_a_changed_byte_in_any_part_is_tampering(part: str) -> None:
    data = _package()
    at = _offsets(data)
    # Inside the agency code for the header, so the header still parses.
    position = at[part] + (data.index(b"FR-BP-CDG") - at["header"] if part == "header" else 3)
    refusal = _refusal(_flip(data, position))
    assert refusal.reason == "tampered"
    assert "altered or damaged" in str(refusal)


def test_a_changed_last_byte_is_tampering() -> None:
    assert _refusal(_flip(_package(), -1, 0x80)).reason == "tampered"


def test_unknown_hub_key_is_an_unknown_signer() -> None:
    other = HubKey.generate()
    refusal = _refusal(_package(hub=other))
    assert refusal.reason == "unknown_signer"
    assert str(refusal) == (
        f"package refused: it was signed by hub key {other.key_id}, "
        f"but this post trusts hub key {HUB.key_id}"
    )


def test_a_package_signed_by_another_key_under_our_hubs_name_is_tampered() -> None:
    impostor = HubKey.generate()
    data = _package()
    assert _refusal(_resign(data[:-64], impostor)).reason == "tampered"


def test_hub_signed_ciphertext_that_does_not_decrypt_is_tampered() -> None:
    data = _package()
    refusal = _refusal(_resign(_flip(data, _offsets(data)["signature"] - 1)[:-64]))
    assert refusal.reason == "tampered"
    assert "does not decrypt" in str(refusal)


def test_hub_signed_header_that_is_not_a_header_is_malformed() -> None:
    data = _package()
    at = _offsets(data)
    header = json.loads(data[at["header"] : at["ephemeral"]])
    header["sequence"] = -1
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    signed = MAGIC + struct.pack(">I", len(raw)) + raw + data[at["ephemeral"] : -64]
    assert _refusal(_resign(signed)).reason == "malformed"


# Recipient


def test_package_for_another_agency_is_refused() -> None:
    refusal = _refusal(_package(), agency="DE-BP-FRA")
    assert refusal.reason == "wrong_recipient"
    assert str(refusal) == (
        "package refused: it was written for border post FR-BP-CDG, not for DE-BP-FRA"
    )
    assert refusal.header is not None
    assert refusal.header.recipient_agency == POST_AGENCY


def test_package_for_another_post_key_is_refused() -> None:
    other = PostKey.generate()
    refusal = _refusal(_package(), post=other)
    assert refusal.reason == "wrong_recipient"
    assert POST.key_id in str(refusal)
    assert other.key_id in str(refusal)


# Time


def test_expired_package_is_refused() -> None:
    data = _package(valid_for=timedelta(days=7))
    assert _read(data, now=NOW + timedelta(days=7))[1] == PAYLOAD
    refusal = _refusal(data, now=NOW + timedelta(days=7, seconds=1))
    assert refusal.reason == "expired"
    assert "2025-03-21T09:30:00Z" in str(refusal)


def test_package_from_the_future_is_refused_beyond_five_minutes() -> None:
    data = _package(now=NOW + timedelta(minutes=4, seconds=59))
    assert _read(data)[1] == PAYLOAD
    refusal = _refusal(_package(now=NOW + timedelta(minutes=5, seconds=1)))
    assert refusal.reason == "not_yet_valid"
    assert "check the clock" in str(refusal)


def test_times_in_other_zones_are_the_same_moments() -> None:
    paris = NOW.astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
    header, _ = _read(_package(now=paris), now=paris)
    assert header.created_at == NOW
    assert header.created_at.utcoffset() == timedelta(0)


# Sequence


def test_delta_without_a_base_is_refused() -> None:
    refusal = _refusal(_package(sequence=50, since=42), current_sequence=None)
    assert refusal.reason == "out_of_order"
    assert "load a full package first" in str(refusal)


def test_delta_with_a_gap_is_refused_naming_both_sequences() -> None:
    refusal = _refusal(_package(sequence=50, since=42), current_sequence=38)
    assert refusal.reason == "out_of_order"
    assert "42" in str(refusal)
    assert "38" in str(refusal)


def test_replayed_delta_is_refused() -> None:
    delta = _package(sequence=50, since=42)
    _read(delta, current_sequence=42)
    assert _refusal(delta, current_sequence=50).reason == "out_of_order"


def test_replayed_old_full_package_is_refused() -> None:
    refusal = _refusal(_package(sequence=30), current_sequence=42)
    assert refusal.reason == "out_of_order"
    assert "replay" in str(refusal)


def test_checks_run_signature_recipient_time_sequence_in_that_order() -> None:
    late_delta = _package(sequence=50, since=42)
    expired_gap = {"now": NOW + timedelta(days=30), "current_sequence": 1}
    assert _refusal(late_delta, agency="DE-BP-FRA", **expired_gap).reason == "wrong_recipient"
    assert _refusal(late_delta, **expired_gap).reason == "expired"
    assert _refusal(late_delta, current_sequence=1).reason == "out_of_order"
    forged = _flip(late_delta, _offsets(late_delta)["nonce"])
    assert _refusal(forged, agency="DE-BP-FRA", **expired_gap).reason == "tampered"


# Malformed input


@pytest.mark.parametrize(
    "data",
    [b"", b"BBMIND1", b"BBMIND2\n" + b"\0" * 200, b"\x00" * 500, b"PK\x03\x04 a zip file"],
)
def test_garbage_is_malformed(data: bytes) -> None:
    assert _refusal(data).reason == "malformed"
    with pytest.raises(PackageRefused):
        peek_header(data)


def test_truncated_package_is_malformed_at_every_length() -> None:
    data = _package()
    for length in range(len(data)):
        refusal = _refusal(data[:length])
        assert refusal.reason == "malformed", length
        assert "truncated" in str(refusal) or length < len(MAGIC)


def test_bytes_after_the_signature_are_malformed() -> None:
    assert _refusal(_package() + b"\n").reason == "malformed"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_changed_bytes_are_refused(data: st.DataObject) -> None:
    package = _package(b"a small payload")
    changed = bytearray(package)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(package) - 1))
        changed[position] ^= data.draw(st.integers(1, 255))
    if bytes(changed) == package:
        return
    with pytest.raises(PackageRefused):
        _read(bytes(changed))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600), st.booleans())
def test_arbitrary_bytes_only_ever_raise_package_refused(noise: bytes, with_magic: bool) -> None:
    data = (MAGIC + noise) if with_magic else noise
    with pytest.raises(PackageRefused):
        _read(data)
    with pytest.raises(PackageRefused, match="not a readable MIND package"):
        peek_header(data)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 400), st.binary(min_size=1, max_size=64))
def test_spliced_packages_are_refused(cut: int, insert: bytes) -> None:
    package = _package(b"payload")
    cut = min(cut, len(package))
    with pytest.raises(PackageRefused):
        _read(package[:cut] + insert + package[cut:])


# Writing


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"agency": "not an agency"}, "not an agency code"),
        ({"sequence": -1}, "sequence must be"),
        ({"since": 43}, "cannot start from 43"),
        ({"since": -1}, "cannot start from -1"),
        ({"entries": -1}, "entries must be"),
        ({"valid_for": timedelta(0)}, "valid for some time"),
        ({"now": datetime(2025, 3, 14, 9, 30)}, "aware"),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_write_refuses_impossible_packages(change: dict[str, object], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        _package(**change)  # type: ignore[arg-type]


def test_write_refuses_a_public_key_of_the_wrong_size() -> None:
    with pytest.raises(ValueError, match="32 raw bytes"):
        write_package(
            PAYLOAD,
            hub=HUB,
            recipient_agency=POST_AGENCY,
            recipient_public=b"short",
            sequence=1,
            since=None,
            entries=0,
            valid_for=timedelta(days=1),
        )


# Keys


def test_key_id_is_the_start_of_the_sha256_of_the_public_key() -> None:
    assert key_id(POST.public_bytes()) == hashlib.sha256(POST.public_bytes()).hexdigest()[:16]
    assert POST.key_id == key_id(POST.public_bytes())
    assert HUB.key_id == key_id(HUB.public_bytes())


def test_public_key_from_b64_round_trips() -> None:
    assert public_key_from_b64(POST.public_b64()) == POST.public_bytes()
    assert public_key_from_b64(f"  {HUB.public_b64()}\n") == HUB.public_bytes()


@pytest.mark.parametrize(
    ("value", "reason"),
    [("", "empty"), ("not base64!", "base64"), ("AAAA", "32 bytes"), ("é", "base64")],
)
def test_public_key_from_b64_says_what_is_wrong(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        public_key_from_b64(value)


@given(st.text(max_size=80))
def test_public_key_from_b64_only_ever_raises_value_error(value: str) -> None:
    with contextlib.suppress(ValueError):
        assert len(public_key_from_b64(value)) == 32


@pytest.mark.parametrize("kind", [HubKey, PostKey])
def test_key_file_round_trips_with_mode_0600(tmp_path: Path, kind: type[HubKey | PostKey]) -> None:
    key = kind.generate()
    path = tmp_path / "key"
    key.save(path)
    assert path.stat().st_mode & 0o777 == 0o600
    loaded = kind.load(path)
    assert loaded.public_bytes() == key.public_bytes()
    assert loaded.key_id == key.key_id


def test_key_file_is_0600_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        HUB.save(tmp_path / "hub.key")
    finally:
        os.umask(previous)
    assert (tmp_path / "hub.key").stat().st_mode & 0o777 == 0o600


def test_loaded_keys_read_packages(tmp_path: Path) -> None:
    HUB.save(tmp_path / "hub.key")
    POST.save(tmp_path / "post.key")
    data = _package(hub=HubKey.load(tmp_path / "hub.key"))
    assert _read(data, post=PostKey.load(tmp_path / "post.key"))[1] == PAYLOAD


def test_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "hub.key"
    HUB.save(path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="never overwritten"):
        HubKey.generate().save(path)
    assert path.read_bytes() == before


def test_key_file_of_the_wrong_kind_is_refused(tmp_path: Path) -> None:
    HUB.save(tmp_path / "hub.key")
    POST.save(tmp_path / "post.key")
    with pytest.raises(ValueError, match="hub's signing key, not a border post's key"):
        PostKey.load(tmp_path / "hub.key")
    with pytest.raises(ValueError, match="border post's key, not the hub's signing key"):
        HubKey.load(tmp_path / "post.key")


def test_key_file_open_to_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "post.key"
    POST.save(path)
    path.chmod(0o644)
    with pytest.raises(ValueError, match="chmod 600"):
        PostKey.load(path)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe not text",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n",
        b"BLUEBRIDGE MIND POST KEY (X25519 private key)\n",
        b"BLUEBRIDGE MIND POST KEY (X25519 private key)\nnot base64!\n",
        b"BLUEBRIDGE MIND POST KEY (X25519 private key)\nAAAA\n",
        b"BLUEBRIDGE MIND POST KEY (X25519 private key)\nAAAA\nAAAA\n",
    ],
)
def test_damaged_key_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "post.key"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(ValueError, match=r"is (not a Bluebridge MIND key file|damaged)"):
        PostKey.load(path)
