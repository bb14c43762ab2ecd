"""The cryptographic primitives the secure network's messages (`messaging/crypto.py`) and the
MIND packages (`screening/package.py`) share: the sizes of the keys and values of
`cryptography`'s Ed25519, X25519 and ChaCha20-Poly1305 (decision 0012), raw key bytes, and
the key agreement of a one-use ephemeral X25519 key with a recipient's public key. What is
agreed on, and how a value is framed, signed or encoded, is each format's own.

The agreement: X25519(ephemeral, recipient), through HKDF-SHA256 salted with the ephemeral
public key then the recipient's public key, and bound to the caller's `info`, to 32 bytes.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
SIGNATURE_SIZE = 64
# ChaCha20-Poly1305 as the cryptography package offers it encrypts at most 2**31 - 1 bytes.
MAX_PLAINTEXT_SIZE = 2**31 - 1 - TAG_SIZE


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    """The 32 raw bytes of a public key."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    """The 32 raw bytes of a private key."""
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _derive(shared: bytes, ephemeral_public: bytes, recipient_public: bytes, info: bytes) -> bytes:
    kdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_SIZE,
        salt=ephemeral_public + recipient_public,
        info=info,
    )
    return kdf.derive(shared)


def sender_agreement(recipient_public: bytes, *, info: bytes) -> tuple[bytes, bytes]:
    """(ephemeral public key, agreed key) for sending to the holder of `recipient_public`
    (32 raw bytes), through a new one-use key; ValueError when the recipient's key is not a
    usable X25519 key."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = raw_public(ephemeral.public_key())
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    except ValueError:
        # A low-order point gives an all-zero secret, which cryptography refuses.
        raise ValueError("the recipient's public key is not a usable X25519 key") from None
    return ephemeral_public, _derive(shared, ephemeral_public, recipient_public, info)


def recipient_agreement(
    recipient_private: X25519PrivateKey, ephemeral_public: bytes, *, info: bytes
) -> bytes:
    """The key the sender agreed on, from the recipient's private key and the sender's
    ephemeral public key; ValueError when that is not a usable X25519 key."""
    shared = recipient_private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    own_public = raw_public(recipient_private.public_key())
    return _derive(shared, ephemeral_public, own_public, info)
