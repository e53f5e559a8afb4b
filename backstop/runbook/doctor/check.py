"""One check's outcome."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

UNANSWERED_FIX = "retry later, or check the base URL"
"""The fix a credential check names when the vendor answered neither yes nor no (a 5xx, a 429, no
connection): vendors.py's wording, held to this by tests/doctor/test_check.py."""


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

    @property
    def unanswered(self) -> bool:
        """Failed because the service didn't answer, which says nothing about what was checked."""
        return not self.ok and self.fix == UNANSWERED_FIX

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def passed(name: str, detail: str, *, restore_needs: bool = False) -> Check:
    return Check(name, True, detail, restore_needs=restore_needs)


def failed(name: str, detail: str, fix: str, *, restore_needs: bool = False) -> Check:
    return Check(name, False, detail, fix, restore_needs=restore_needs)
