"""age encryption of exports: round trip, the wrong key refused, nothing readable in the ciphertext."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyrage import x25519

from backstop.runbook.db import crypto


def test_round_trip_and_wrong_key(tmp_path: Path) -> None:
    key, other = str(x25519.Identity.generate()), str(x25519.Identity.generate())
    plain = tmp_path / "export.zip"
    plain.write_bytes(b"canary-document-value " * 1000)
    sealed, opened = tmp_path / "export.zip.age", tmp_path / "opened.zip"
    crypto.encrypt(plain, sealed, key)
    assert sealed.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert b"canary" not in sealed.read_bytes()
    crypto.decrypt(sealed, opened, key, "backup x")
    assert opened.read_bytes() == plain.read_bytes()
    with pytest.raises(crypto.CryptoError, match="backup x cannot be decrypted with this key"):
        crypto.decrypt(sealed, tmp_path / "nope.zip", other, "backup x")


def test_identity_problems_never_echo_the_value() -> None:
    assert crypto.identity_problem(str(x25519.Identity.generate())) is None
    for bad in ("secret-canary", "AGE-SECRET-KEY-1canary"):
        problem = crypto.identity_problem(bad)
        assert problem is not None and "canary" not in problem
