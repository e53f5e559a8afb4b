"""`backstop verify`: the runbook's weekly backup verification, recorded in the Backup Verification Log.

A configuration backup of the stack is drawn at random from a window (or named), applied in a private
rehearsal sandbox (operations/rehearsal.py: nothing live is touched) and checked there with `backstop
drift`; the database backup of the same day is restored into the stack `--to` names (`db restore --to`,
under that stack's approval rules: prod's backup goes to staging unless told otherwise) or into the
sandbox's Convex deployment (`--to sandbox`), and checked against its manifest and the document's data
checks (`verify:`); then `backstop check` sends the signed test deliveries and smoke checks to the apps the
sandbox plays. Every run that starts appends an entry.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from backstop.operations.database import database_restore
from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.operations.notify import notify
from backstop.operations.rehearsal import Rehearsing, Seeds, seeds
from backstop.operations.stage import Stage, unseen
from backstop.plugin.model import DesiredStateError, load_document
from backstop.plugin.model.data_checks import DataCheck
from backstop.runbook.alerts import Alert
from backstop.runbook.approvals.authorize import authorize
from backstop.runbook.approvals.check import Expected, Refused
from backstop.runbook.backups import history
from backstop.runbook.backups.catalogue import DATABASE, Backup, list_backups
from backstop.runbook.backups.manifest import MANIFEST, sha256
from backstop.runbook.check.report import CheckReport
from backstop.runbook.db import convex_cli, settings
from backstop.runbook.db.crypto import CryptoError
from backstop.runbook.db.errors import DbInputError
from backstop.runbook.db.settings import DbSettings
from backstop.runbook.db.snapshot import Snapshot, SnapshotError
from backstop.runbook.db.store import StoreError
from backstop.runbook.verify import choice
from backstop.runbook.verify.data_checks import run_data_checks
from backstop.runbook.verify.log import Durations, VerificationEntry, append
from backstop.runbook.workspace import PROJECT_DIR, backups_dir, document_path


@dataclass(frozen=True)
class Request:
    stack: str
    tested_by: str
    backup_id: str | None = None
    since: str = "7d"
    seed: int | None = None
    to: str | None = None
    """Where the database backup is restored: a stack, or SANDBOX; None: staging for prod, else required."""
    approved_by: str | None = None
    approval: Path | None = None
    """For the restore into `to`, under that stack's rules in approvals.yaml."""


SANDBOX = "sandbox"


@dataclass(frozen=True)
class Verified:
    entry: VerificationEntry
    files: tuple[Path, Path]


@dataclass(frozen=True)
class Chosen:
    configuration: Backup
    database: Backup | None
    seed: int | None
    window: str | None
    issues: list[str]
    to: str | None
    """Where the database backup goes (a stack or SANDBOX), None without one."""
    into: DbSettings | None = None
    """That stack's database settings (read once, when it was checked)."""


def choose(request: Request) -> Chosen:
    """The backups to verify, or a Failure (exit 2) before anything runs."""
    if not request.tested_by.strip():
        raise Failure(INPUT_ERROR, "--tested-by: name who runs the verification (the log records it)")
    stack = request.stack
    configurations = list_backups(backups_dir(), stack)
    databases = list_backups(backups_dir(), stack, DATABASE)
    seed: int | None = None
    window: str | None = None
    if request.backup_id:
        found = [b for b in choice.complete(configurations) if b.id == request.backup_id]
        if not found:
            raise Failure(INPUT_ERROR, f"--backup: no complete configuration backup {request.backup_id!r}")
        picked = found[0]
    else:
        try:
            span = choice.parse_window(request.since)
        except ValueError as exc:
            raise Failure(INPUT_ERROR, f"--since: {exc}") from None
        seed = request.seed if request.seed is not None else secrets.randbelow(2**31)
        window = request.since
        drawn = choice.pick(configurations, datetime.now(UTC) - span, seed)
        if drawn is None:
            raise Failure(
                INPUT_ERROR,
                f"no complete configuration backup of {stack} in the last {request.since} "
                f"(in {backups_dir() / stack}): widen --since or name one with --backup",
            )
        picked = drawn
    issues: list[str] = []
    database = choice.same_day(databases, picked) if databases else None
    if choice.complete(databases) and database is None:
        assert picked.manifest is not None
        issues.append(f"no database backup of {stack} from {picked.manifest.created_at:%Y-%m-%d}")
    to, into = _target(request, database) if database is not None else (None, None)
    return Chosen(picked, database, seed, window, issues, to, into)


def _target(request: Request, database: Backup) -> tuple[str, DbSettings | None]:
    """Where the database backup is restored, refused (exit 2) before anything runs when it can't be."""
    stack = request.stack
    to = request.to or ("staging" if stack == "prod" else None)
    if to is None:
        raise Failure(
            INPUT_ERROR,
            f"--to: name the stack whose database receives {stack}'s database backup {database.id}, or "
            f"`--to {SANDBOX}` for the private sandbox's Convex (only prod's go to staging by default)",
        )
    if to == SANDBOX:
        return to, None
    if to == stack:
        raise Failure(
            INPUT_ERROR,
            f"--to {to}: a verification restores into another stack or the sandbox, never over the data it "
            f"verifies (`backstop db restore` restores a stack's own backup)",
        )
    into = _database_settings(to)
    expected = Expected(
        to, "database", "restore", backup=database.id, manifest_sha256=sha256(database.folder / MANIFEST)
    )
    try:
        authorize(expected, request.approval, request.approved_by)
    except Refused as exc:
        raise Failure(INPUT_ERROR, f"refused ({exc.reason}): {exc}") from None
    return to, into


def verify(request: Request, stage: Stage = unseen, say: convex_cli.Say = print) -> Verified:
    """Runs the verification and records it; a failed one alerts. Bad input raises before anything runs."""
    started = datetime.now(UTC)
    clock = time.monotonic()
    chosen = choose(request)
    found = seeds(request.stack, chosen.configuration.id, followers=True)
    data_checks = _data_checks(request.stack, found)
    source = _database_settings(request.stack) if chosen.database is not None else None
    say(
        f"verifying {chosen.configuration.id}"
        + (f" and database backup {chosen.database.id}" if chosen.database else "")
        + (
            f" (drawn from the last {chosen.window} with seed {chosen.seed})"
            if chosen.seed is not None
            else ""
        )
    )
    issues = list(chosen.issues)
    restored = integrity = functional = False
    db_seconds = checks_seconds = None
    checks: CheckReport | None = None
    results: list[dict[str, object]] = []
    rehearsing = Rehearsing(request.stack)
    try:
        with _step(issues, "configuration"):
            with stage("a private sandbox for the verification…"):
                rehearsing.start(found, [source.deployment] if source and chosen.to == SANDBOX else [])
            rehearsing.apply(found, stage)
            with stage("drift check of the restored configuration…"):
                restored = _in_sync(rehearsing, request.stack, issues)
        config_seconds = time.monotonic() - clock
        if chosen.database is not None and source is not None:
            db_clock = time.monotonic()
            into = "the sandbox" if chosen.to == SANDBOX else chosen.to
            with _step(issues, "database"), stage(f"restoring {chosen.database.id} into {into}…"):
                integrity, results = _database(rehearsing, chosen, request, source, data_checks, issues)
            db_seconds = time.monotonic() - db_clock
        if restored:
            checks_clock = time.monotonic()
            with _step(issues, "application checks"), stage("signed test deliveries and smoke checks…"):
                checks = _checks(rehearsing, request.stack)
                functional = checks.ok
                if not functional:
                    issues.append(f"application checks: {checks.summary()}")
            checks_seconds = time.monotonic() - checks_clock
        else:
            issues.append("application checks not run: the configuration was not restored")
    finally:
        rehearsing.stop(keep=False)
    manifest = chosen.configuration.manifest
    assert manifest is not None
    entry = VerificationEntry(
        date=started,
        backup_tested=chosen.configuration.id,
        backup_timestamp=manifest.created_at,
        restoration_successful=restored,
        data_integrity_verified=integrity if chosen.database is not None or chosen.issues else None,
        application_functional=functional,
        issues_found=issues,
        tested_by=request.tested_by,
        stack=request.stack,
        passed=not issues,
        seed=chosen.seed,
        window=chosen.window,
        backup_sha256=sha256(chosen.configuration.folder / MANIFEST),
        database_backup=chosen.database.id if chosen.database else None,
        database_restored_to=chosen.to,
        database_timestamp=chosen.database.manifest.created_at
        if chosen.database and chosen.database.manifest
        else None,
        data_checks=results,
        checks=checks,
        durations=Durations(
            total=time.monotonic() - clock,
            configuration=config_seconds,
            database=db_seconds,
            checks=checks_seconds,
        ),
        backstop_version=version("backstop"),
    )
    files = append(PROJECT_DIR / "snapshots", entry)
    history.record(
        backups_dir(),
        history.event("verify", request.stack, started, entry.passed, backup=entry.backup_tested),
    )
    if not entry.passed:
        notify(
            Alert(
                "verification_failed",
                request.stack,
                f"weekly verification of {entry.backup_tested} failed",
                "error",
                {"issues": "; ".join(issues)[:500], "log": str(files[1])},
            )
        )
    return Verified(entry, files)


@contextmanager
def _step(issues: list[str], what: str) -> Iterator[None]:
    """A step that fails is an issue of the verification, not a crash: the entry is written either way."""
    try:
        yield
    except (
        Failure,
        DbInputError,
        CryptoError,
        SnapshotError,
        StoreError,
        convex_cli.ConvexCliError,
        OSError,
    ) as exc:
        issues.append(f"{what}: {str(exc).splitlines()[0][:300]}")


def _data_checks(stack: str, found: Seeds) -> list[DataCheck]:
    """The current document's `verify:` checks (they describe the data as it should be now), else the
    backup's."""
    path = document_path(stack)
    try:
        current = load_document(path) if path.exists() else None
    except DesiredStateError as exc:
        raise Failure(INPUT_ERROR, str(exc)) from None
    return list((current or found.documents[stack]).verify)


def _database_settings(stack: str) -> DbSettings:
    """The stack's database settings, for the key its exports are encrypted to (decrypted in memory)."""
    try:
        return settings.load(stack, os.environ)
    except DesiredStateError as exc:
        raise Failure(INPUT_ERROR, str(exc)) from None


def _in_sync(rehearsing: Rehearsing, stack: str, issues: list[str]) -> bool:
    done = rehearsing.backstop("drift", "--stack", stack, "--json")
    if done.returncode == 0:
        return True
    try:
        report = json.loads(done.stdout)
        drifted = [f"{c['op']} {c['name']}" for c in report.get("managed", [])]
        issues.append(f"restored configuration differs from the backup: {'; '.join(drifted[:10])}")
    except (json.JSONDecodeError, KeyError, TypeError):
        issues.append(f"drift check exited {done.returncode}: {(done.stdout + done.stderr)[-300:]}")
    return False


def _database(
    rehearsing: Rehearsing,
    chosen: Chosen,
    request: Request,
    source: DbSettings,
    data_checks: list[DataCheck],
    issues: list[str],
) -> tuple[bool, list[dict[str, object]]]:
    """Restores the backup (checksums, decryption, counts, digests and a sample of documents, as `db
    restore` checks) into the chosen stack or the sandbox's deployment of the same name, then runs the data
    checks on an export of what was restored."""
    backup = chosen.database
    assert backup is not None and backup.manifest is not None and backup.manifest.database is not None
    convex_cli.ensure_installed(_quiet)
    if chosen.to == SANDBOX:
        report, target = rehearsing.restore_database(backup, source)
    else:
        assert chosen.to is not None
        report = database_restore(
            backup.id, chosen.to, None, request.approved_by, _quiet, request.approval
        ).report
        assert chosen.into is not None
        target = chosen.into
    issues += [f"database: {d}" for d in report.differences]
    after = rehearsing.folder / "restored.zip"
    convex_cli.export(target, after, False, _quiet)
    results = run_data_checks(data_checks, Snapshot(after), int(time.time() * 1000))
    issues += [f"data check {r.key}: {r.detail}" for r in results if not r.passed]
    return report.verified and all(r.passed for r in results), [r.to_json() for r in results]


def _checks(rehearsing: Rehearsing, stack: str) -> CheckReport:
    done = rehearsing.backstop("check", "--stack", stack, "--json")
    try:
        return CheckReport.model_validate(json.loads(done.stdout)["report"])
    except (json.JSONDecodeError, KeyError) as exc:
        raise Failure(INPUT_ERROR, f"backstop check exited {done.returncode}: {done.stderr[-300:]}") from exc


def _quiet(_: str) -> None:
    return
