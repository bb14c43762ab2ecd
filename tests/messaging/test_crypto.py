"""The cryptography of messages: keys, sealed private keys, content encryption, wrapped keys,
canonical envelopes and signatures, with tampering anywhere and garbage everywhere."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import enum
import hashlib
import json
import math
import re
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bluebridge.messaging.crypto import (
    MIN_MASTER_KEY_SIZE,
    WRAPPED_KEY_SIZE,
    AgencyKeys,
    CryptoError,
    canonical,
    content_digest,
    decrypt_content,
    digest_matches,
    encrypt_content,
    fingerprint,
    generate_agency_keys,
    seal_private,
    sign,
    unseal_private,
    unwrap_key,
    verify,
    wrap_key,
)

MASTER = b"m" * 16 + b"aster key of the test installation"
OTHER_MASTER = b"another installation's master key, long enough"
FR = generate_agency_keys()
DE = generate_agency_keys()
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _envelope(**changes: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = {
        "format": "bluebridge.message/1",
        "sender": "FR-NCB",
        "sender_key": FR.signing_fingerprint,
        "recipients": [{"agency": "DE-NCB", "role": "to"}, {"agency": "FR-OCRTIS", "role": "cc"}],
        "subject_digest": content_digest(b"subject"),
        "priority": "urgent",
        "handling_codes": ["H1", "H3"],
        "references": [{"kind": "notice", "id": "2025/1234"}],
        "body_digest": content_digest(b"the body"),
        "attachments": [{"digest": content_digest(b"photo"), "size": 5}],
        "sent_at": "2025-03-14T09:30:00Z",
        "in_reply_to": None,
        "hit_only": False,
    }
    envelope.update(changes)
    return envelope


def _flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


# Keys -------------------------------------------------------------------------------------


def test_agency_keys_are_raw_pairs_that_belong_together() -> None:
    keys = generate_agency_keys()
    assert all(
        len(raw) == 32
        for raw in (
            keys.signing_private,
            keys.signing_public,
            keys.encryption_private,
            keys.encryption_public,
        )
    )
    raw = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    signing = Ed25519PrivateKey.from_private_bytes(keys.signing_private)
    encryption = X25519PrivateKey.from_private_bytes(keys.encryption_private)
    assert signing.public_key().public_bytes(*raw) == keys.signing_public
    assert encryption.public_key().public_bytes(*raw) == keys.encryption_public
    assert generate_agency_keys().signing_private != keys.signing_private


def test_agency_keys_repr_shows_no_private_key() -> None:
    text = repr(FR)
    for private in (FR.signing_private, FR.encryption_private):
        assert private.hex() not in text
        assert repr(private) not in text
    assert "signing_private" not in text
    assert "encryption_private" not in text


def test_fingerprint_is_stable_short_and_distinct() -> None:
    value = fingerprint(FR.signing_public)
    assert re.fullmatch(r"[0-9a-f]{4}(:[0-9a-f]{4}){7}", value)
    assert value == fingerprint(bytes(FR.signing_public))
    assert value.replace(":", "") == hashlib.sha256(FR.signing_public).hexdigest()[:32]
    assert FR.signing_fingerprint == value
    assert FR.encryption_fingerprint == fingerprint(FR.encryption_public)
    prints = {
        fingerprint(k)
        for k in (FR.signing_public, FR.encryption_public, DE.signing_public, DE.encryption_public)
    }
    assert len(prints) == 4


def test_fingerprint_refuses_what_is_not_a_public_key() -> None:
    with pytest.raises(ValueError, match="32 raw bytes"):
        fingerprint(b"short")
    with pytest.raises(ValueError, match="32 raw bytes"):
        fingerprint("a" * 32)  # type: ignore[arg-type]


# Sealed private keys ----------------------------------------------------------------------


def test_seal_round_trip_in_ascii_and_different_each_time() -> None:
    label = "agency:42:signing:v1"
    sealed = seal_private(MASTER, FR.signing_private, label=label)
    assert sealed.isascii()
    assert sealed.startswith("bbseal1:")
    assert FR.signing_private.hex() not in sealed
    assert unseal_private(MASTER, sealed, label=label) == FR.signing_private
    assert seal_private(MASTER, FR.signing_private, label=label) != sealed


def test_unseal_with_a_wrong_master_key_or_label_fails() -> None:
    sealed = seal_private(MASTER, FR.encryption_private, label="agency:42:encryption:v1")
    with pytest.raises(CryptoError, match="does not open"):
        unseal_private(OTHER_MASTER, sealed, label="agency:42:encryption:v1")
    for label in ("agency:42:encryption:v2", "agency:43:encryption:v1", "agency:42:signing:v1"):
        with pytest.raises(CryptoError, match="does not open"):
            unseal_private(MASTER, sealed, label=label)


@settings(max_examples=300)
@given(position=st.integers(min_value=0), replacement=st.sampled_from(BASE64URL + "+/=. "))
def test_unseal_refuses_any_changed_character(position: int, replacement: str) -> None:
    sealed = seal_private(MASTER, FR.signing_private, label="agency:7:signing:v1")
    position %= len(sealed)
    assume(sealed[position] != replacement)
    tampered = sealed[:position] + replacement + sealed[position + 1 :]
    with pytest.raises(CryptoError):
        unseal_private(MASTER, tampered, label="agency:7:signing:v1")


def test_unseal_refuses_another_spelling_of_the_same_bytes() -> None:
    # A lenient decoder reads "+" as "-", "/" as "_" and skips spaces: none of these pass.
    sealed = next(
        text
        for text in (seal_private(MASTER, FR.signing_private, label="l") for _ in range(200))
        if "-" in text[8:] and "_" in text[8:]
    )
    for variant in (
        sealed[:8] + sealed[8:].replace("-", "+", 1),
        sealed[:8] + sealed[8:].replace("_", "/", 1),
        sealed[:20] + " " + sealed[20:],
        sealed[:20] + "\n" + sealed[20:],
        sealed + "==",
    ):
        with pytest.raises(CryptoError, match=r"damaged|base64"):
            unseal_private(MASTER, variant, label="l")


@pytest.mark.parametrize(
    "sealed",
    ["", "bbseal1:", "bbseal2:AAAA", "not sealed at all", "bbseal1:!!!!", "bbseal1:" + "A" * 79],
)
def test_unseal_refuses_malformed_text(sealed: str) -> None:
    with pytest.raises(CryptoError):
        unseal_private(MASTER, sealed, label="agency:1:signing:v1")


def test_unseal_refuses_truncated_and_extended_text() -> None:
    sealed = seal_private(MASTER, FR.signing_private, label="l")
    for bad in (sealed[:-1], sealed[:-4], sealed + "A", sealed + "AAAA"):
        with pytest.raises(CryptoError):
            unseal_private(MASTER, bad, label="l")


def test_a_short_master_key_or_an_empty_label_is_refused() -> None:
    short = b"x" * (MIN_MASTER_KEY_SIZE - 1)
    with pytest.raises(CryptoError, match="master key must be at least"):
        seal_private(short, FR.signing_private, label="l")
    with pytest.raises(CryptoError, match="label"):
        seal_private(MASTER, FR.signing_private, label="")
    with pytest.raises(ValueError, match="32 raw bytes"):
        seal_private(MASTER, b"not a key", label="l")


def test_crypto_errors_hold_no_key_material() -> None:
    sealed = seal_private(MASTER, FR.signing_private, label="agency:42:signing:v1")
    blob_key, blob = encrypt_content(b"secret body", associated_data=b"m1")
    wrapped = wrap_key(blob_key, DE.encryption_public, context=b"m1")
    failures: list[CryptoError] = []
    attempts: list[Callable[[], object]] = [
        lambda: unseal_private(OTHER_MASTER, sealed, label="agency:42:signing:v1"),
        lambda: decrypt_content(bytes(32), blob, associated_data=b"m1"),
        lambda: unwrap_key(wrapped, FR.encryption_private, context=b"m1"),
    ]
    for attempt in attempts:
        with pytest.raises(CryptoError) as caught:
            attempt()
        failures.append(caught.value)
    secrets_ = [MASTER, OTHER_MASTER, FR.signing_private, FR.encryption_private, blob_key]
    for error in failures:
        text = str(error) + repr(error.args)
        for secret in secrets_:
            assert secret.hex() not in text
            assert base64.b64encode(secret).decode() not in text
            assert secret.decode("latin-1") not in text


def test_rotation_keeps_old_versions_readable() -> None:
    # Version 1 keys wrap an old message; the agency rotates to version 2; both stay usable.
    v1, v2 = generate_agency_keys(), generate_agency_keys()
    sealed_v1 = seal_private(MASTER, v1.encryption_private, label="agency:5:encryption:v1")
    content_key, blob = encrypt_content(b"old message", associated_data=b"message:1")
    old_wrapped = wrap_key(content_key, v1.encryption_public, context=b"message:1")
    sealed_v2 = seal_private(MASTER, v2.encryption_private, label="agency:5:encryption:v2")

    with pytest.raises(CryptoError):
        unseal_private(MASTER, sealed_v1, label="agency:5:encryption:v2")
    with pytest.raises(CryptoError):
        unwrap_key(
            old_wrapped,
            unseal_private(MASTER, sealed_v2, label="agency:5:encryption:v2"),
            context=b"message:1",
        )
    private_v1 = unseal_private(MASTER, sealed_v1, label="agency:5:encryption:v1")
    recovered = unwrap_key(old_wrapped, private_v1, context=b"message:1")
    assert decrypt_content(recovered, blob, associated_data=b"message:1") == b"old message"


def test_master_key_rotation_is_unseal_then_reseal() -> None:
    sealed = seal_private(MASTER, FR.signing_private, label="agency:1:signing:v1")
    resealed = seal_private(
        OTHER_MASTER,
        unseal_private(MASTER, sealed, label="agency:1:signing:v1"),
        label="agency:1:signing:v1",
    )
    assert unseal_private(OTHER_MASTER, resealed, label="agency:1:signing:v1") == (
        FR.signing_private
    )
    with pytest.raises(CryptoError):
        unseal_private(MASTER, resealed, label="agency:1:signing:v1")


# Content ----------------------------------------------------------------------------------


@given(plaintext=st.binary(max_size=4096), aad=st.binary(max_size=64))
def test_content_round_trip(plaintext: bytes, aad: bytes) -> None:
    key, blob = encrypt_content(plaintext, associated_data=aad)
    assert len(key) == 32
    assert len(blob) == 12 + len(plaintext) + 16
    assert decrypt_content(key, blob, associated_data=aad) == plaintext


def test_the_same_content_encrypts_differently_each_time() -> None:
    first = encrypt_content(b"same", associated_data=b"a")
    second = encrypt_content(b"same", associated_data=b"a")
    assert first[0] != second[0]
    assert first[1] != second[1]


def test_any_flipped_bit_in_the_blob_fails() -> None:
    key, blob = encrypt_content(b"a short body", associated_data=b"message:9:body")
    for position in range(len(blob)):
        with pytest.raises(CryptoError, match="does not decrypt"):
            decrypt_content(key, _flip(blob, position), associated_data=b"message:9:body")


def test_wrong_associated_data_key_or_a_truncated_blob_fails() -> None:
    key, blob = encrypt_content(b"body", associated_data=b"message:9:body")
    for aad in (b"message:9:attachment:1", b"message:10:body", b""):
        with pytest.raises(CryptoError):
            decrypt_content(key, blob, associated_data=aad)
    with pytest.raises(CryptoError):
        decrypt_content(bytes(32), blob, associated_data=b"message:9:body")
    for bad in (blob[:-1], blob[:27], b"", blob + b"\0"):
        with pytest.raises(CryptoError):
            decrypt_content(key, bad, associated_data=b"message:9:body")
    with pytest.raises(CryptoError, match="32 bytes"):
        decrypt_content(key[:16], blob, associated_data=b"message:9:body")


def test_attachments_can_share_the_body_key_and_not_be_swapped() -> None:
    key, _ = encrypt_content(b"body", associated_data=b"m:1:body")
    same_key, photo = encrypt_content(b"photo", associated_data=b"m:1:att:1", content_key=key)
    assert same_key == key
    assert decrypt_content(key, photo, associated_data=b"m:1:att:1") == b"photo"
    with pytest.raises(CryptoError):
        decrypt_content(key, photo, associated_data=b"m:1:body")
    with pytest.raises(ValueError, match="32 raw bytes"):
        encrypt_content(b"x", associated_data=b"", content_key=b"short")


def test_encrypt_refuses_text_for_bytes() -> None:
    with pytest.raises(TypeError):
        encrypt_content("text", associated_data=b"")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        encrypt_content(b"x", associated_data="text")  # type: ignore[arg-type]


# Wrapped keys -----------------------------------------------------------------------------


def test_each_recipient_unwraps_only_its_own() -> None:
    key, _ = encrypt_content(b"to two agencies", associated_data=b"m:2")
    for_fr = wrap_key(key, FR.encryption_public, context=b"m:2")
    for_de = wrap_key(key, DE.encryption_public, context=b"m:2")
    assert len(for_fr) == len(for_de) == WRAPPED_KEY_SIZE == 92
    assert for_fr != for_de
    assert unwrap_key(for_fr, FR.encryption_private, context=b"m:2") == key
    assert unwrap_key(for_de, DE.encryption_private, context=b"m:2") == key
    with pytest.raises(CryptoError, match="does not open"):
        unwrap_key(for_fr, DE.encryption_private, context=b"m:2")
    with pytest.raises(CryptoError, match="does not open"):
        unwrap_key(for_de, FR.encryption_private, context=b"m:2")


def test_a_wrapped_key_opens_only_in_its_context() -> None:
    key, _ = encrypt_content(b"x", associated_data=b"")
    wrapped = wrap_key(key, FR.encryption_public, context=b"message:17")
    for context in (b"message:18", b"message:1", b"", b"message:17\0"):
        with pytest.raises(CryptoError):
            unwrap_key(wrapped, FR.encryption_private, context=context)


def test_any_flipped_bit_in_a_wrapped_key_fails() -> None:
    key, _ = encrypt_content(b"x", associated_data=b"")
    wrapped = wrap_key(key, FR.encryption_public, context=b"m")
    for position in range(len(wrapped)):
        with pytest.raises(CryptoError):
            unwrap_key(_flip(wrapped, position), FR.encryption_private, context=b"m")


def test_malformed_wrapped_keys_and_private_keys_fail_as_crypto_errors() -> None:
    key, _ = encrypt_content(b"x", associated_data=b"")
    wrapped = wrap_key(key, FR.encryption_public, context=b"m")
    for bad in (b"", wrapped[:-1], wrapped + b"\0", "text"):
        with pytest.raises(CryptoError):
            unwrap_key(bad, FR.encryption_private, context=b"m")  # type: ignore[arg-type]
    with pytest.raises(CryptoError):
        unwrap_key(wrapped, FR.encryption_private[:31], context=b"m")
    # An all-zero ephemeral key is a low-order point: refused, not a zero shared secret.
    with pytest.raises(CryptoError, match="ephemeral"):
        unwrap_key(bytes(32) + wrapped[32:], FR.encryption_private, context=b"m")


def test_wrap_refuses_unusable_keys() -> None:
    key, _ = encrypt_content(b"x", associated_data=b"")
    with pytest.raises(ValueError, match="not a usable X25519 key"):
        wrap_key(key, bytes(32), context=b"m")
    with pytest.raises(ValueError, match="32 raw bytes"):
        wrap_key(key, FR.encryption_public[:31], context=b"m")
    with pytest.raises(ValueError, match="32 raw bytes"):
        wrap_key(key[:16], FR.encryption_public, context=b"m")


# Canonical envelopes ----------------------------------------------------------------------

_keys = st.text(max_size=12)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1),
    st.text(max_size=20).filter(lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=20,
)
_envelopes = st.dictionaries(_keys, _json, min_size=1, max_size=8)


def test_canonical_is_exact_compact_sorted_utf8() -> None:
    assert canonical({"b": 1, "a": [True, None, "é"], "c": {"z": "", "y": -2}}) == (
        '{"a":[true,null,"é"],"b":1,"c":{"y":-2,"z":""}}'.encode()
    )
    assert canonical({"a": '\n\x01"\\/\u2028'}) == b'{"a":"\\n\\u0001\\"\\\\/\xe2\x80\xa8"}'
    # RFC 8785 orders keys by UTF-16 code units: U+1F600 (D83D DE00) before U+FFFD.
    assert canonical({"\ufffd": 1, "\U0001f600": 2}).startswith('{"\U0001f600"'.encode())


@given(envelope=_envelopes, order=st.randoms())
def test_canonical_is_stable_under_key_order(envelope: dict[str, Any], order: Any) -> None:
    def shuffled(value: Any) -> Any:
        if isinstance(value, dict):
            items = list(value.items())
            order.shuffle(items)
            return {key: shuffled(item) for key, item in items}
        if isinstance(value, list):
            return [shuffled(item) for item in value]
        return value

    again = shuffled(envelope)
    assert canonical(again) == canonical(envelope)
    assert json.loads(canonical(envelope)) == envelope


@given(envelope=_envelopes)
def test_canonical_quick_walk_gives_the_careful_walks_bytes(envelope: dict[str, Any]) -> None:
    from bluebridge.messaging import crypto

    careful = json.dumps(
        crypto._plain(envelope, "envelope", 0), separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert canonical(envelope) == careful


@pytest.mark.parametrize(
    "value",
    [
        math.nan,
        math.inf,
        -math.inf,
        1.5,
        0.0,
        b"bytes",
        bytearray(b"x"),
        dt.datetime(2025, 3, 14, tzinfo=dt.UTC),
        dt.date(2025, 3, 14),
        {"a", "b"},
        2**53,
        -(2**53),
        object(),
    ],
)
def test_canonical_refuses_values_without_one_portable_form(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        canonical({"field": value})
    with pytest.raises((TypeError, ValueError)):
        canonical({"outer": [{"inner": value}]})


def test_canonical_refuses_bad_keys_surrogates_depth_and_non_mappings() -> None:
    with pytest.raises(TypeError, match="not a string"):
        canonical({1: "a"})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="not a string"):
        canonical({"a": {b"k": 1}})
    with pytest.raises(ValueError, match="surrogate"):
        canonical({"a": "\ud800"})
    deep: Any = "leaf"
    for _ in range(100):
        deep = [deep]
    with pytest.raises(ValueError, match="nested"):
        canonical({"a": deep})
    with pytest.raises(TypeError):
        canonical([("a", 1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"datetime.*ISO strings"):
        canonical({"sent_at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC)})


def test_canonical_takes_enums_and_tuples_for_their_plain_values() -> None:
    class Priority(enum.StrEnum):
        URGENT = "urgent"

    class Level(enum.IntEnum):
        TWO = 2

    class OldStyle(str, enum.Enum):  # noqa: UP042 - the pre-3.11 idiom, still met
        ROUTINE = "routine"

    assert canonical({"p": Priority.URGENT, "l": Level.TWO, "o": OldStyle.ROUTINE, "t": (1,)}) == (
        b'{"l":2,"o":"routine","p":"urgent","t":[1]}'
    )


# Signatures -------------------------------------------------------------------------------


def test_signature_verifies_with_the_sender_key_only() -> None:
    envelope = _envelope()
    signature = sign(FR.signing_private, envelope)
    assert len(signature) == 64
    assert verify(FR.signing_public, envelope, signature)
    assert verify(FR.signing_public, dict(reversed(list(envelope.items()))), signature)
    assert not verify(DE.signing_public, envelope, signature)
    assert not verify(FR.encryption_public, envelope, signature)
    for position in range(64):
        assert not verify(FR.signing_public, envelope, _flip(signature, position))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sender", "DE-NCB"),
        ("priority", "immediate"),
        ("handling_codes", ["H1"]),
        ("handling_codes", ["H3", "H1"]),
        ("recipients", [{"agency": "DE-NCB", "role": "to"}]),
        ("body_digest", content_digest(b"another body")),
        ("attachments", []),
        ("sent_at", "2025-03-14T09:30:01Z"),
        ("in_reply_to", 0),
        ("hit_only", 0),
        ("sender_key", "another-key-fingerprint"),
    ],
)
def test_changing_a_field_breaks_the_signature(field: str, value: object) -> None:
    signature = sign(FR.signing_private, _envelope())
    assert not verify(FR.signing_public, _envelope(**{field: value}), signature)


def _locations(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in a JSON value, depth first."""
    found: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((value, key))
            found.extend(_locations(item))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((value, index))
            found.extend(_locations(item))
    return found


@settings(max_examples=300)
@given(envelope=_envelopes, data=st.data())
def test_any_single_mutation_of_a_key_or_value_breaks_the_signature(
    envelope: dict[str, Any], data: st.DataObject
) -> None:
    signature = sign(FR.signing_private, envelope)
    assert verify(FR.signing_public, envelope, signature)
    mutated = copy.deepcopy(envelope)
    container, at = data.draw(st.sampled_from(_locations(mutated)), label="location")
    kind = data.draw(st.sampled_from(["value", "key", "remove", "add"]), label="mutation")
    if kind == "value":
        container[at] = data.draw(_json, label="new value")
    elif kind == "key" and isinstance(container, dict):
        container[data.draw(_keys, label="new key")] = container.pop(at)
    elif kind == "remove":
        del container[at]
    elif isinstance(container, dict):
        container[data.draw(_keys, label="added key")] = data.draw(_json, label="added value")
    else:
        container.insert(at, data.draw(_json, label="inserted value"))
    # A mutation that lands on the same canonical text (same value drawn again) is no change.
    assume(canonical(mutated) != canonical(envelope))
    assert not verify(FR.signing_public, mutated, signature)


_garbage = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=70),
    st.binary(max_size=70),
    st.binary(min_size=32, max_size=32),
    st.binary(min_size=64, max_size=64),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
)
_garbage_envelopes = st.one_of(
    _garbage,
    _envelopes,
    st.dictionaries(
        st.one_of(st.text(max_size=3), st.integers(), st.binary(max_size=3)),
        st.one_of(
            _garbage,
            st.datetimes(),
            st.sets(st.integers(), max_size=2),
            st.text().map(lambda s: s + "\ud800"),
        ),
        max_size=4,
    ),
)


@settings(max_examples=500)
@given(public=_garbage, envelope=_garbage_envelopes, signature=_garbage)
def test_verify_never_raises_on_garbage(public: Any, envelope: Any, signature: Any) -> None:
    assert verify(public, envelope, signature) is False


@given(envelope=_garbage_envelopes, signature=_garbage)
def test_verify_never_raises_with_a_real_key(envelope: Any, signature: Any) -> None:
    assert verify(FR.signing_public, envelope, signature) is False


def test_verify_is_false_for_a_deep_envelope_and_a_bad_signature_type() -> None:
    deep: Any = 1
    for _ in range(5000):
        deep = {"a": deep}
    signature = sign(FR.signing_private, _envelope())
    assert verify(FR.signing_public, deep, signature) is False
    assert verify(FR.signing_public, _envelope(), signature.hex()) is False  # type: ignore[arg-type]
    assert verify(FR.signing_public, _envelope(), 64) is False  # type: ignore[arg-type]
    assert verify(FR.signing_public, _envelope(), bytearray(signature)) is True  # type: ignore[arg-type]


def test_sign_refuses_a_wrong_key_or_an_envelope_without_canonical_form() -> None:
    with pytest.raises(ValueError, match="32 raw bytes"):
        sign(b"short", _envelope())
    with pytest.raises(TypeError):
        sign(FR.signing_private, _envelope(sent_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)))


# Digests and the whole path of a message --------------------------------------------------


def test_content_digest_and_its_check() -> None:
    assert content_digest(b"") == (
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    digest = content_digest(b"the body")
    assert digest_matches(b"the body", digest)
    assert not digest_matches(b"the body!", digest)
    assert not digest_matches(b"the body", digest.upper())
    assert not digest_matches(b"the body", "sha256:\ud800")
    assert not digest_matches(b"the body", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        content_digest("text")  # type: ignore[arg-type]


def test_a_message_from_sender_to_recipients_and_offline_verification() -> None:
    recipients = {"DE-NCB": DE, "FR-NCB": FR}  # the sender keeps a readable copy
    body = b"Subject: hit on notice 2025/1234\n\nThe person was stopped at the border."
    context = b"message:0190b6f4-6d7a-7c1e-9c1a-0a1b2c3d4e5f"
    content_key, blob = encrypt_content(body, associated_data=context + b":content")
    wrapped = {
        code: wrap_key(content_key, keys.encryption_public, context=context)
        for code, keys in recipients.items()
    }
    envelope = _envelope(body_digest=content_digest(body))
    signature = sign(FR.signing_private, envelope)

    # What an export carries: the envelope as JSON, the signature, the sender's public key.
    exported = json.dumps({"envelope": envelope, "signature": signature.hex()})
    loaded = json.loads(exported)
    assert verify(FR.signing_public, loaded["envelope"], bytes.fromhex(loaded["signature"]))

    for code, keys in recipients.items():
        key = unwrap_key(wrapped[code], keys.encryption_private, context=context)
        plaintext = decrypt_content(key, blob, associated_data=context + b":content")
        assert plaintext == body
        assert digest_matches(plaintext, loaded["envelope"]["body_digest"])
    assert body not in blob
    assert body not in b"".join(wrapped.values())


def test_agency_keys_is_frozen() -> None:
    with pytest.raises(AttributeError):
        FR.signing_public = b"x" * 32  # type: ignore[misc]
    assert isinstance(FR, AgencyKeys)
