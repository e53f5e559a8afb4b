"""Convex document ids: base32 (Crockford's alphabet, lowercase) of the table number as a VInt, 16
random bytes and a Fletcher-16 footer, as Convex encodes them (id_v6), so ids carry their table."""

from __future__ import annotations

import secrets

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_DECODE = {c: i for i, c in enumerate(ALPHABET)}
INTERNAL_LEN, FOOTER_LEN, VERSION = 16, 2, 0


class InvalidId(ValueError):
    pass


def _vint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _unvint(data: bytes) -> tuple[int, int]:
    value, shift = 0, 0
    for i, byte in enumerate(data[:5]):
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, i + 1
        shift += 7
    raise InvalidId("Unable to decode ID: Invalid table number")


def _fletcher16(data: bytes) -> int:
    c0 = c1 = 0
    for byte in data:
        c0 = (c0 + byte) & 0xFF
        c1 = (c1 + c0) & 0xFF
    return (c1 << 8) | c0


def _b32encode(data: bytes) -> str:
    bits = int.from_bytes(data, "big")
    total = len(data) * 8
    chars = -(-total // 5)
    bits <<= chars * 5 - total
    return "".join(ALPHABET[(bits >> (5 * (chars - 1 - i))) & 31] for i in range(chars))


def _b32decode(text: str) -> bytes:
    try:
        bits = 0
        for char in text:
            bits = (bits << 5) | _DECODE[char]
    except KeyError:
        raise InvalidId("Unable to decode ID: ID wasn't valid base32") from None
    length = len(text) * 5 // 8
    return (bits >> (len(text) * 5 - length * 8)).to_bytes(length, "big")


def encode(table_number: int, internal: bytes | None = None) -> str:
    body = _vint(table_number) + (internal if internal is not None else secrets.token_bytes(INTERNAL_LEN))
    footer = _fletcher16(body) ^ VERSION
    return _b32encode(body + footer.to_bytes(2, "little"))


def table_number(document_id: str) -> int:
    """The table number an id belongs to; InvalidId when it isn't a Convex id."""
    if not 31 <= len(document_id) <= 37:
        raise InvalidId(f"Unable to decode ID: Invalid ID length {len(document_id)}")
    raw = _b32decode(document_id)
    number, used = _unvint(raw)
    if number == 0:
        raise InvalidId("Unable to decode ID: Invalid table number")
    body = raw[: used + INTERNAL_LEN]
    footer = raw[used + INTERNAL_LEN : used + INTERNAL_LEN + FOOTER_LEN]
    if len(body) != used + INTERNAL_LEN or len(footer) != FOOTER_LEN:
        raise InvalidId(f"Unable to decode ID: Invalid ID length {len(document_id)}")
    expected = _fletcher16(body) ^ VERSION
    if int.from_bytes(footer, "little") != expected:
        raise InvalidId(f"Unable to decode ID: Invalid ID version {int.from_bytes(footer, 'little')}")
    return number
