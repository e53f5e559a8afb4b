"""age encryption of exports (rage's implementation, through pyrage): files in, files out, streamed.

The key is an X25519 identity from the stack's secret config; exports are encrypted to its recipient,
so the `age` CLI (`age -d -i key.txt`) can open a backup too.
"""

from __future__ import annotations

from pathlib import Path

import pyrage
from pyrage import x25519


class CryptoError(Exception):
    pass


def identity_problem(secret: str) -> str | None:
    """None when `secret` is an age identity; else why not (never echoing it)."""
    if not secret.startswith("AGE-SECRET-KEY-1"):
        return "not an age identity: it must start with AGE-SECRET-KEY-1 (`age-keygen` makes one)"
    try:
        x25519.Identity.from_str(secret)
    except pyrage.IdentityError:
        return "not a valid age identity (checksum or length is wrong)"
    return None


def new_identity() -> str:
    """A fresh identity (`AGE-SECRET-KEY-1…`), for exports that live only as long as a rehearsal."""
    return str(x25519.Identity.generate())


def recipient(secret: str) -> str:
    return str(x25519.Identity.from_str(secret).to_public())


def encrypt(source: Path, target: Path, secret: str) -> None:
    public = x25519.Identity.from_str(secret).to_public()
    pyrage.encrypt_file(str(source), str(target), [public])


def decrypt(source: Path, target: Path, secret: str, what: str) -> None:
    try:
        pyrage.decrypt_file(str(source), str(target), [x25519.Identity.from_str(secret)])
    except pyrage.DecryptError as exc:
        raise CryptoError(f"{what} cannot be decrypted with this key: {exc}") from None
