"""Which backups a verification restores: a configuration backup drawn at random (by a seed, so a run can
be repeated) from a window, and the database backup taken the same day."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from backstop.runbook.backups.catalogue import Backup


def _at(backup: Backup) -> datetime:
    assert backup.manifest is not None
    return backup.manifest.created_at


def complete(backups: Sequence[Backup]) -> list[Backup]:
    return sorted((b for b in backups if b.manifest is not None and b.manifest.status == "complete"), key=_at)


def pick(backups: Sequence[Backup], since: datetime, seed: int) -> Backup | None:
    """One complete backup taken at or after `since`, drawn with `random.Random(seed)` from the window's
    backups in time order (the same seed and backups draw the same one), or None when there is none."""
    window = [b for b in complete(backups) if _at(b) >= since]
    return random.Random(seed).choice(window) if window else None


def same_day(databases: Sequence[Backup], chosen: Backup) -> Backup | None:
    """The complete database backup nearest in time to `chosen` among those of its UTC day."""
    day = _at(chosen).date()
    found = [b for b in complete(databases) if _at(b).date() == day]
    return min(found, key=lambda b: abs(_at(b) - _at(chosen)), default=None)


def parse_window(text: str) -> timedelta:
    """`7d`, `36h`, `90m`: ValueError naming the form otherwise."""
    units = {"d": "days", "h": "hours", "m": "minutes"}
    number, unit = text[:-1], text[-1:]
    if unit not in units or not number.isdigit() or int(number) <= 0:
        raise ValueError(f"{text!r} is not a window: write a positive whole number and d, h or m (7d)")
    return timedelta(**{units[unit]: int(number)})
