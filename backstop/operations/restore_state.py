"""Before a restore changes anything: a stack to read (before the preflight checks it), a loadable
checkpoint, no dead run's lock, the stack's state (the backup's, imported, when its own is gone) and a
safety backup of what is live now."""

from __future__ import annotations

from dataclasses import dataclass

from pulumi import automation as auto

from backstop.operations.backup import take_backup
from backstop.runbook.backups.catalogue import Backup
from backstop.runbook.session import StackSession
from backstop.runbook.workspace import clear_stale_lock, import_state, repair_checkpoint


@dataclass(frozen=True)
class Opened:
    created: bool
    """The stack was gone from the backend and is now created, empty: the restore imports the backup's
    state into it."""
    repaired: str | None
    """What a killed run's unreadable checkpoint was put back from, if it was."""


@dataclass(frozen=True)
class Prepared:
    stale_lock_cleared: list[str]
    state_imported: bool
    safety_backup: str | None
    """The id of the backup that undoes the restore (none when the state was imported: nothing to undo)."""


def open_stack(session: StackSession) -> Opened:
    """A stack the preflight can read: a checkpoint a killed run left unreadable is put back first (the
    engine can't select or read the config of a stack whose checkpoint doesn't load), and a stack gone
    from the backend is created, empty. Nothing live changes."""
    repaired = repair_checkpoint(session.name)
    try:
        session.select()
    except auto.errors.StackNotFoundError:
        session.create()
        return Opened(True, repaired)
    return Opened(False, repaired)


def prepare(
    session: StackSession, opened: Opened, chosen: Backup, own: bool, label: str, approved_by: str | None
) -> Prepared:
    """Another stack's state is never imported (`own` False): its URNs and secrets belong to that stack.

    An existing stack is refreshed, then exported once: that export says whether it has state and is the
    one the safety backup keeps. A stack `open_stack` created has none."""
    created = opened.created
    cleared = ([opened.repaired] if opened.repaired else []) + clear_stale_lock(session.name)
    has_state = False
    if not created:
        session.refresh()
        has_state = bool(session.resources())
    if not has_state and own:
        import_state(session.name, chosen.folder / "stack.json")
        session.invalidate()
        return Prepared(cleared, True, None)
    safety = take_backup(session, label, "critical", approved_by=approved_by, refresh=created)
    return Prepared(cleared, False, safety.id)
