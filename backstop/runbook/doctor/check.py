"""One check's outcome."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    """What was found (never a secret's value)."""
    fix: str = ""
    """What to do when it failed."""
    restore_needs: bool = False
    """A restore stops on this check; on the others it only warns (in an emergency they can wait)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def passed(name: str, detail: str, *, restore_needs: bool = False) -> Check:
    return Check(name, True, detail, restore_needs=restore_needs)


def failed(name: str, detail: str, fix: str, *, restore_needs: bool = False) -> Check:
    return Check(name, False, detail, fix, restore_needs=restore_needs)
