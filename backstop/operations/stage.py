"""How an operation shows what a long step is doing while it runs: the command gives it a spinner."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

Stage = Callable[[str], AbstractContextManager[object]]
"""Given what to say, a context the step runs inside (the command's `out.status`)."""


def unseen(_: str) -> AbstractContextManager[object]:
    """No spinner: for operations run inside another (a drill's restore) or without a terminal."""
    return nullcontext()
