"""`backstop drill --rehearse`: drill a stack's own configuration without touching it.

The stack's newest complete backup (or the one named) is applied to a private sandbox started for the
rehearsal, under the team's own ids, from a throwaway copy of the project with its own `file://` backend
and passphrase; then the usual drill runs there (break, detect, decide, restore, verify). Nothing reads the
live services or the stack's state, and nothing decrypts the team's secrets: the sandbox mints its own.
Only the drill report and the drill history entry are written into the team's project.

Scenarios A and B rehearse the database too when the stack's config names a Convex deployment and a
complete database backup of the configuration backup's UTC day exists: that export is restored into the
sandbox's deployment before the drill. Opening it takes the one secret a rehearsal reads, the identity the
exports are encrypted to (`BACKSTOP_DB_BACKUP_KEY`, else the stack's `platform-config:dbBackupKey` through
the engine); without it the configuration is rehearsed alone and the report says why.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from ruamel.yaml import YAML

from backstop.operations.choose import choose
from backstop.operations.errors import INPUT_ERROR, VENDOR_ERROR, Failure
from backstop.operations.stage import Stage, unseen
from backstop.plugin.model import DesiredState, DesiredStateError, load_document
from backstop.runbook.backups.catalogue import DATABASE, Backup, list_backups
from backstop.runbook.db import convex_cli, crypto
from backstop.runbook.db import settings as db_settings
from backstop.runbook.db.crypto import CryptoError
from backstop.runbook.db.errors import DbInputError
from backstop.runbook.db.report import DbRestoreReport
from backstop.runbook.db.restore import restore_db
from backstop.runbook.db.settings import DbSettings
from backstop.runbook.db.snapshot import SnapshotError
from backstop.runbook.db.store import ENV as STORE_ENV
from backstop.runbook.db.store import StoreError, open_store
from backstop.runbook.drill import database as drill_database
from backstop.runbook.drill.report import DrillReport, Rehearsal
from backstop.runbook.rehearsal.plan import referenced_stacks, registration, rewritten_config
from backstop.runbook.rehearsal.project import throwaway_project
from backstop.runbook.verify.choice import same_day
from backstop.runbook.workspace import PROJECT_DIR, backups_dir, engine_env

STEP_TIMEOUT = 900
BACKUP_KEY_ENV = "BACKSTOP_DB_BACKUP_KEY"
"""The identity database exports are encrypted to, for a rehearsal that can't decrypt the stack's config."""


@dataclass(frozen=True)
class Seeds:
    """Each stack the rehearsal applies, referenced stacks first, with its backup and document."""

    backups: dict[str, Backup]
    documents: dict[str, DesiredState]


def seeds(stack: str, backup_id: str | None, followers: bool = False) -> Seeds:
    """The stack's backup and, for every stack its document reads outputs of, that stack's newest complete
    backup taken at or before it (refused when there is none). With `followers`, also each stack whose
    backup of that time reads this stack's outputs (and no stack outside the rehearsal's), applied last:
    the apps it configures verify this stack's secrets (a preview target reading staging's, say)."""
    chosen = choose(stack, backup_id, None)
    assert chosen.manifest is not None
    moment = chosen.manifest.created_at
    backups: dict[str, Backup] = {}
    documents: dict[str, DesiredState] = {}
    pending = [(stack, chosen)]
    while pending:
        name, backup = pending.pop()
        documents[name] = _document(backup)
        backups[name] = backup
        for other in sorted(referenced_stacks(documents[name].model_dump(mode="json")) - set(backups)):
            try:
                pending.append((other, choose(other, None, moment)))
            except Failure as exc:
                raise Failure(
                    INPUT_ERROR,
                    f"{name}'s document reads outputs of {other}, so the rehearsal applies {other} first: "
                    f"{exc}; back up {other} (`backstop backup --stack {other}`) and run it again",
                ) from None
    order = list(reversed(backups))  # referenced stacks first
    if followers:
        order += _followers(stack, moment, backups, documents)
    return Seeds({s: backups[s] for s in order}, {s: documents[s] for s in order})


def _followers(
    stack: str, moment: datetime, backups: dict[str, Backup], documents: dict[str, DesiredState]
) -> list[str]:
    found = []
    folder = backups_dir()
    others = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    for other in others:
        if other in backups:
            continue
        try:
            backup = choose(other, None, moment)
            document = _document(backup)
        except Failure:
            continue
        reads = referenced_stacks(document.model_dump(mode="json"))
        if stack in reads and reads <= set(backups):
            backups[other], documents[other] = backup, document
            found.append(other)
    return found


def _document(backup: Backup) -> DesiredState:
    try:
        return load_document(backup.folder / "desired.yaml")
    except DesiredStateError as exc:
        raise Failure(INPUT_ERROR, f"backup {backup.id}: {exc}") from None


def _config(backup: Backup) -> dict[str, Any]:
    path = backup.folder / "stack-config.yaml"
    if not path.exists():
        return {}
    data = YAML(typ="safe").load(path.read_text()) or {}
    config = data.get("config") if isinstance(data, dict) else None
    return dict(config) if isinstance(config, dict) else {}


class Rehearsing:
    """A private sandbox and a throwaway project in a temporary folder, for one rehearsal."""

    def __init__(self, stack: str) -> None:
        self.stack = stack
        self.folder = Path(tempfile.mkdtemp(prefix=f"backstop-rehearsal-{stack}-"))
        self.project = self.folder / "project"
        self.passphrase = secrets.token_urlsafe(24)
        self.env: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        """`<vendor>/<account>` -> the key the sandbox minted."""
        self._sandbox: subprocess.Popen[str] | None = None

    @property
    def sandbox_url(self) -> str:
        return self.env["BACKSTOP_SANDBOX_URL"]

    def start(self, seeds: Seeds, databases: Sequence[str] = (), drilled: str | None = None) -> list[str]:
        """Starts the sandbox, registers the documents' accounts (and the Convex `databases`), writes the
        project and its stacks' config; answers the hosts the sandbox plays the team's apps at. A
        `drilled` deployment is named in the rehearsed stack's config, with a key minted for its exports,
        so the drill has a database side."""
        from sandbox.env import environment, prepare_pulumi_home
        from sandbox.process import SandboxStartError, spawn

        try:
            self._sandbox, port = spawn(self.folder / "sandbox", persist=False)
        except SandboxStartError as exc:
            raise Failure(VENDOR_ERROR, f"the rehearsal's sandbox: {exc}") from None
        throwaway_project(
            PROJECT_DIR, self.project, {s: b.folder / "desired.yaml" for s, b in seeds.backups.items()}
        )
        prepare_pulumi_home(self.project)
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "BACKSTOP_"))}
        self.env = {
            **inherited,
            **environment(port, self.project),
            **engine_env(),
            "PULUMI_BACKEND_URL": f"file://{self.folder / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": self.passphrase,
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "BACKSTOP_PROJECT_DIR": str(self.project),
            "BACKSTOP_BACKUPS_DIR": str(self.folder / "backups"),
            "BACKSTOP_AUDIT_LOG": str(self.folder / "audit-log.jsonl"),
            STORE_ENV: (self.folder / "store").as_uri(),
            # A team's HTTP(S) proxy stays in force for everything else; the private sandbox is reached
            # directly (engine_env's NO_PROXY).
        }
        (self.folder / "state").mkdir()
        plan = registration(seeds.documents)
        for deployment in databases:
            plan.accounts.setdefault(
                ("convex", deployment), {"vendor": "convex", "name": deployment, "livemode": False}
            )
        answer = httpx.post(f"{self.sandbox_url}/_sandbox/accounts", json=plan.body(), trust_env=False)
        if answer.status_code != 201:
            raise Failure(VENDOR_ERROR, f"the rehearsal's sandbox refused the accounts: {answer.text}")
        self.keys = answer.json()["keys"]
        for stack, backup in seeds.backups.items():
            used = {
                vendor: self.keys[f"{vendor}/{name}"] for vendor, name in plan.uses.get(stack, {}).items()
            }
            scope = seeds.documents[stack].scope
            config = rewritten_config(_config(backup), used, scope.vercel.team if scope.vercel else None)
            if drilled and stack == self.stack:
                config.plain[f"{db_settings.NAMESPACE}:{db_settings.DEPLOYMENT}"] = drilled
                config.secret[f"{db_settings.NAMESPACE}:{db_settings.BACKUP_KEY}"] = crypto.new_identity()
            self.pulumi("stack", "init", stack, "--secrets-provider", "passphrase")
            for key, value in config.plain.items():
                self.pulumi("config", "set", "--stack", stack, key, value)
            for key, value in config.secret.items():
                self.pulumi("config", "set", "--stack", stack, "--secret", key, stdin=value)
        return sorted(plan.hosts)

    def apply(self, seeds: Seeds, stage: Stage) -> None:
        """`pulumi up` of each backup's document, referenced stacks first."""
        for seeded, backup in seeds.backups.items():
            with stage(f"applying {backup.id} to the private sandbox…"):
                self.pulumi("up", "--yes", "--skip-preview", "--stack", seeded)

    def pulumi(self, *args: str, stdin: str | None = None) -> str:
        return self._run([str(PROJECT_DIR / ".venv" / "bin" / "pulumi"), *args, "--non-interactive"], stdin)

    def backstop(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "backstop.cli.app", *args],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
        )

    def _run(self, command: list[str], stdin: str | None = None) -> str:
        done = subprocess.run(
            command,
            cwd=self.project,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
        )
        if done.returncode != 0:
            shown = " ".join(a for a in command[1:] if a != stdin)
            raise Failure(
                VENDOR_ERROR,
                f"the rehearsal's `pulumi {shown}` exited {done.returncode} (its project is kept in "
                f"{self.project}):\n{(done.stdout + done.stderr)[-3000:]}",
            )
        return done.stdout

    def restore_database(self, backup: Backup, source: DbSettings) -> tuple[DbRestoreReport, DbSettings]:
        """`backup` restored into the sandbox's deployment of the same name, checked as `db restore`
        checks it (a safety export kept in the rehearsal's folder); answers the report and the target."""
        manifest = backup.manifest
        assert manifest is not None and manifest.database is not None
        deployment = source.deployment
        if f"convex/{deployment}" not in self.keys:
            raise Failure(VENDOR_ERROR, "not restored: the private sandbox did not start")
        target = DbSettings(
            source.stack,
            deployment,
            f"{self.sandbox_url}/convex/{deployment}",
            self.keys[f"convex/{deployment}"],
            source.backup_key,
        )
        report = restore_db(
            backup,
            source,
            target,
            open_store(manifest.database.store),
            open_store((self.folder / "store").as_uri()),
            self.folder / "backups",
            None,
            None,
            _quiet,
        )
        return report, target

    def stop(self, keep: bool) -> None:
        if self._sandbox is not None:
            from sandbox.process import stop

            stop(self._sandbox)
        if not keep:
            shutil.rmtree(self.folder, ignore_errors=True)


def rehearse(stack: str, scenario: str, backup_id: str | None, stage: Stage = unseen) -> DrillReport:
    """The drill report of `scenario` rehearsed from the stack's backup; a failure to set the rehearsal up
    raises (its folder is kept and named), a drill that ran returns its report whatever its verdict."""
    started = datetime.now(UTC)
    found = seeds(stack, backup_id)
    db, db_note = _database_seed(stack, scenario, found.backups[stack])
    rehearsing = Rehearsing(stack)
    ok = False
    try:
        clock = time.monotonic()
        with stage(f"rehearsal of {found.backups[stack].id}: a private sandbox…"):
            deployments = [db.source.deployment] if db else []
            hosts = rehearsing.start(found, deployments, deployments[0] if deployments else None)
        rehearsing.apply(found, stage)
        if db is not None:
            with stage(f"restoring {db.backup.id} into the private sandbox…"):
                _seed_database(rehearsing, db)
        seed_seconds = time.monotonic() - clock
        with stage(f"drill {scenario} on {stack}, in the private sandbox…"):
            done = rehearsing.backstop(
                "drill", "--stack", stack, "--scenario", scenario, "--in-place", "--json"
            )
        if done.returncode not in (0, 1):
            raise Failure(
                done.returncode if done.returncode == INPUT_ERROR else VENDOR_ERROR,
                f"the rehearsal's drill exited {done.returncode} (its project is kept in "
                f"{rehearsing.project}): {_error(done)}",
            )
        report = DrillReport.model_validate(json.loads(done.stdout)["report"])
        ok = True
    finally:
        rehearsing.stop(keep=not ok)
    report.started_at = started
    report.rehearsal = Rehearsal(
        backup_id=found.backups[stack].id,
        seeded={s: b.id for s, b in found.backups.items()},
        seed_seconds=seed_seconds,
        hosts=hosts,
        database_backup_id=db.backup.id if db else None,
        database_not_rehearsed=db_note,
    )
    return report


@dataclass(frozen=True)
class DatabaseSeed:
    backup: Backup
    source: DbSettings
    """The stack's deployment name and the identity its exports are encrypted to (nothing is called)."""


def _database_seed(
    stack: str, scenario: str, configuration: Backup
) -> tuple[DatabaseSeed | None, str | None]:
    """The database backup a rehearsal of A or B restores into its sandbox, or why there is none (None
    when the stack has no database side at all)."""
    if scenario not in drill_database.SCENARIOS:
        return None, None
    deployment = str(_config(configuration).get(f"{db_settings.NAMESPACE}:{db_settings.DEPLOYMENT}") or "")
    if not deployment:
        return None, None
    picked = same_day(list_backups(backups_dir(), stack, DATABASE), configuration)
    if picked is None or picked.manifest is None or picked.manifest.database is None:
        day = configuration.manifest.created_at.date() if configuration.manifest else "its day"
        return None, f"no complete database backup of {stack} from {day}, the configuration backup's day"
    key = os.environ.get(BACKUP_KEY_ENV, "").strip()
    if not key:
        try:
            key = db_settings.backup_key(stack)
        except Exception as exc:  # the stack's backend or secrets provider, whatever it is, said no
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            return None, (
                f"the identity {picked.id} is encrypted to could not be read ({reason}): set "
                f"{BACKUP_KEY_ENV} or run where Pulumi.{stack}.yaml's secrets decrypt"
            )
    if not key:
        return None, f"{picked.id} needs the identity its export is encrypted to: set {BACKUP_KEY_ENV}"
    problem = crypto.identity_problem(key)
    if problem:
        return None, f"{BACKUP_KEY_ENV}: {problem}"
    source = DbSettings(stack, deployment, "", "", key)
    return DatabaseSeed(picked, source), None


def _seed_database(rehearsing: Rehearsing, db: DatabaseSeed) -> None:
    convex_cli.ensure_installed(_quiet)
    try:
        report, _ = rehearsing.restore_database(db.backup, db.source)
    except (DbInputError, CryptoError, SnapshotError, StoreError, convex_cli.ConvexCliError) as exc:
        raise Failure(VENDOR_ERROR, f"the rehearsal could not restore {db.backup.id}: {exc}") from None
    if report.differences:
        raise Failure(
            VENDOR_ERROR, f"{db.backup.id} did not restore exactly: {'; '.join(report.differences[:5])}"
        )


def _quiet(_: str) -> None:
    return


def _error(done: subprocess.CompletedProcess[str]) -> str:
    try:
        return str(json.loads(done.stdout).get("error"))
    except (json.JSONDecodeError, AttributeError):
        return (done.stdout + done.stderr)[-3000:]
