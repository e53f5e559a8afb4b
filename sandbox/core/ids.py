"""Identifier generation: random by default, reproducible when the sandbox is seeded."""

from __future__ import annotations

import random
import string

_ALPHABET = string.ascii_letters + string.digits


class IdFactory:
    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed) if seed is not None else random.SystemRandom()

    def token(self, length: int, alphabet: str = _ALPHABET) -> str:
        return "".join(self._rng.choice(alphabet) for _ in range(length))

    def prefixed(self, prefix: str, length: int = 24) -> str:
        return f"{prefix}{self.token(length)}"
