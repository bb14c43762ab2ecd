"""Cryptocurrency addresses, checked and normalised for exact lookup; shared by cyber
indicators and financial accounts so a wallet is spelled alike in both.

Bitcoin: legacy base58check addresses (P2PKH "1…", P2SH "3…", 26 to 35 characters, the
double-SHA-256 checksum verified) and segwit bech32/bech32m addresses ("bc1…", BIP 173 and
BIP 350, the checksum verified). Ethereum (and ERC-20 tokens such as USDT): "0x" and 40 hex
digits. Tron (TRC-20 USDT): base58check "T…" with version byte 0x41.

Normalised forms: base58 addresses are case-sensitive and kept as given; bech32 addresses are
case-insensitive and lower-cased; Ethereum addresses are lower-cased (the EIP-55 mixed-case
checksum needs Keccak-256, which the standard library lacks, so it is not verified)."""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: index for index, char in enumerate(BASE58_ALPHABET)}
BECH32_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {char: index for index, char in enumerate(BECH32_ALPHABET)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_BECH32_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)

_BITCOIN_VERSIONS = {0x00: "1", 0x05: "3"}  # P2PKH, P2SH on the main network
_TRON_VERSION = 0x41
_ETHEREUM = re.compile(r"0[xX][0-9a-fA-F]{40}")


class Network(StrEnum):
    BITCOIN = "bitcoin"
    ETHEREUM = "ethereum"  # and ERC-20 tokens
    TRON = "tron"  # and TRC-20 tokens


# ---------------------------------------------------------------- base58check


def base58_decode(value: str) -> bytes:
    """The bytes a base58 string encodes (leading "1"s are leading zero bytes)."""
    number = 0
    for char in value:
        index = _BASE58_INDEX.get(char)
        if index is None:
            raise ValueError(f"{char!r} is not a base58 character")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    zeros = len(value) - len(value.lstrip("1"))
    return b"\x00" * zeros + body


def _base58check(value: str, what: str) -> bytes:
    """The payload of a base58check string (version byte included), checksum verified."""
    decoded = base58_decode(value)
    if len(decoded) != 25:
        raise ValueError(f"is not a {what} address: it decodes to {len(decoded)} bytes, not 25")
    payload, checksum = decoded[:-4], decoded[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        raise ValueError(
            f"is not a {what} address: its checksum does not match (a mistyped character?)"
        )
    return payload


# ---------------------------------------------------------------- bech32 / bech32m


def _bech32_polymod(values: list[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(_BECH32_GENERATOR):
            if (top >> bit) & 1:
                check ^= generator
    return check


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: list[int], from_bits: int, to_bits: int) -> list[int] | None:
    """Regroup bits without padding (BIP 173); None when the groups do not fit."""
    accumulator, bits, result = 0, 0, []
    mask = (1 << to_bits) - 1
    for value in data:
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            result.append((accumulator >> bits) & mask)
    if bits >= from_bits or (accumulator << (to_bits - bits)) & mask:
        return None
    return result


def _segwit(value: str) -> str:
    """A main-network segwit address, lower-cased, checksum and program verified."""
    if value != value.lower() and value != value.upper():
        raise ValueError("is not a Bitcoin address: a bech32 address is not in mixed case")
    address = value.lower()
    if len(address) > 90:
        raise ValueError("is not a Bitcoin address: a bech32 address has at most 90 characters")
    hrp, _, data_part = address.rpartition("1")
    if hrp != "bc":
        raise ValueError("is not a Bitcoin main-network address (bech32 addresses start bc1)")
    if len(data_part) < 7 or any(c not in _BECH32_INDEX for c in data_part):
        raise ValueError(
            f"is not a Bitcoin address: after bc1 come bech32 characters only ({BECH32_ALPHABET})"
        )
    data = [_BECH32_INDEX[c] for c in data_part]
    constant = _bech32_polymod(_hrp_expand(hrp) + data)
    version = data[0]
    expected = _BECH32_CONST if version == 0 else _BECH32M_CONST
    if constant != expected:
        raise ValueError(
            "is not a Bitcoin address: its checksum does not match (a mistyped character?)"
        )
    program = _convert_bits(data[1:-6], 5, 8)
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        raise ValueError("is not a Bitcoin address: its witness program is malformed")
    if version == 0 and len(program) not in (20, 32):
        raise ValueError("is not a Bitcoin address: a version 0 witness program has 20 or 32 bytes")
    return address


# ---------------------------------------------------------------- by network


def bitcoin_address(value: str) -> str:
    """A Bitcoin main-network address, normalised, or ValueError saying what is wrong."""
    if value[:3].lower() == "bc1":
        return _segwit(value)
    if not value.startswith(tuple(_BITCOIN_VERSIONS.values())):
        raise ValueError(
            "is not a Bitcoin address: a Bitcoin address starts with 1 or 3 (base58) or bc1 "
            "(bech32)"
        )
    if not 26 <= len(value) <= 35:
        raise ValueError(
            f"is not a Bitcoin address: a base58 address has 26 to 35 characters, not {len(value)}"
        )
    if any(c not in _BASE58_INDEX for c in value):
        raise ValueError("is not a Bitcoin address: base58 has no 0, O, I or l, and no punctuation")
    payload = _base58check(value, "Bitcoin")
    if _BITCOIN_VERSIONS.get(payload[0]) != value[0]:
        raise ValueError("is not a Bitcoin main-network address: wrong version byte")
    return value


def ethereum_address(value: str) -> str:
    """An Ethereum (or ERC-20) address, lower-cased, or ValueError."""
    if not _ETHEREUM.fullmatch(value):
        raise ValueError("is not an Ethereum address: 0x followed by 40 hexadecimal digits")
    return value.lower()


def tron_address(value: str) -> str:
    """A Tron (or TRC-20) address, as given, or ValueError."""
    if not (value.startswith("T") and len(value) == 34):
        raise ValueError("is not a Tron address: T followed by 33 base58 characters")
    if any(c not in _BASE58_INDEX for c in value):
        raise ValueError("is not a Tron address: base58 has no 0, O, I or l, and no punctuation")
    if _base58check(value, "Tron")[0] != _TRON_VERSION:
        raise ValueError("is not a Tron address: wrong version byte")
    return value


_CHECKERS = {
    Network.BITCOIN: bitcoin_address,
    Network.ETHEREUM: ethereum_address,
    Network.TRON: tron_address,
}


def guess_network(value: str) -> Network | None:
    """The network an address looks like it belongs to, from its prefix alone."""
    if value[:2].lower() == "0x":
        return Network.ETHEREUM
    if value[:3].lower() == "bc1" or value[:1] in ("1", "3"):
        return Network.BITCOIN
    if value[:1] == "T":
        return Network.TRON
    return None


def check_address(value: str, networks: tuple[Network, ...] = tuple(Network)) -> str:
    """`value` as an address of one of `networks`, normalised, or ValueError saying which
    networks' formats it was checked against and what is wrong."""
    value = value.strip()
    network = guess_network(value)
    if network is None or network not in networks:
        formats = {
            Network.BITCOIN: "Bitcoin (1…, 3…, bc1…)",
            Network.ETHEREUM: "Ethereum (0x and 40 hex digits)",
            Network.TRON: "Tron (T…)",
        }
        named = ", ".join(formats[n] for n in networks)
        raise ValueError(f"is not a wallet address of a known format: {named}")
    return _CHECKERS[network](value)


def address_network(value: str) -> Network:
    """The network of an address already checked by `check_address`."""
    network = guess_network(value)
    if network is None:
        raise ValueError("is not a wallet address of a known format")
    return network
