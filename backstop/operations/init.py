"""`backstop init`: a stack brought under management from its live accounts, nothing changed live.

The credentials come from the environment (never a flag: shell history keeps flags); the scope a key
determines (Stripe's mode, Clerk's instance) is read from the key or the vendor, the rest comes from flags.
Then: `pulumi stack init` with the chosen secrets provider, the credentials stored as Pulumi secrets,
`capture --adopt` (every object adopted by its natural key: nothing created, deleted or replaced, no live
value changed) and the first backup. On a stack approvals.yaml protects, the adopting update needs an
approval of the captured document (BACKSTOP_APPROVAL), as `up` does. The audit log gets an `init` record
(the adopting update's changes, the first backup) or a `refused` one.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pulumi import automation as auto
from ruamel.yaml import YAML

from backstop.operations import audit, init_database, init_probe
from backstop.operations.authorize import for_update
from backstop.operations.backup import backup
from backstop.operations.capture import adopt_all, capture
from backstop.operations.drift import managed_drift
from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.operations.stage import Stage, unseen
from backstop.plugin.clients import connections as conn
from backstop.plugin.clients.errors import VendorError
from backstop.plugin.model import DesiredStateError, load_document
from backstop.runbook.session import StackSession
from backstop.runbook.workspace import PROJECT_DIR, backups_dir, workspace_env

VENDORS = ("stripe", "clerk", "vapi", "vercel")
STACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
CREDENTIALS: dict[str, conn.Setting] = {
    "stripe": conn.STRIPE_API_KEY,
    "clerk": conn.CLERK_SECRET_KEY,
    "vapi": conn.VAPI_API_KEY,
    "vercel": conn.VERCEL_TOKEN,
}


@dataclass(frozen=True)
class InitOptions:
    stack: str
    secrets_provider: str = "passphrase"
    vendors: tuple[str, ...] = VENDORS
    vercel_team: str | None = None
    vercel_projects: tuple[str, ...] = ()
    vapi_org: str | None = None
    vapi_prefix: str = ""
    vapi_excluded: tuple[str, ...] = ()
    convex_deployment: str | None = None
    force: bool = False


@dataclass
class Initialised:
    stack: str
    document: Path
    config: Path
    vendors: list[str]
    left_out: list[str] = field(default_factory=list)
    not_captured: list[str] = field(default_factory=list)
    replaced: str | None = None
    """Where what `--force` replaced was copied first."""
    backup_id: str = ""
    next_steps: list[str] = field(default_factory=list)
    database: str | None = None
    """The Convex deployment whose exports the stack now backs up."""


def _chosen(options: InitOptions, env: Mapping[str, str]) -> tuple[list[str], list[str], InitOptions]:
    """The vendors to bring in, a notice for each one left out, and the options with what the keys
    determine filled in (the Vapi org); bad input stops here."""
    unknown = [v for v in options.vendors if v not in (*VENDORS, "convex")]
    if unknown:
        raise Failure(
            INPUT_ERROR,
            f"--vendors: unknown {', '.join(unknown)} (choose from {', '.join((*VENDORS, 'convex'))})",
        )
    chosen, left_out = [], []
    for vendor in [v for v in options.vendors if v != "convex"]:
        setting = CREDENTIALS[vendor]
        value = env.get(setting.env, "")
        if not value:
            left_out.append(f"{vendor}: left out, {setting.env} is not set")
            continue
        kind = conn.wrong_kind(vendor, value)
        if kind:
            expected = " or ".join(conn.SECRET_KEY_PREFIXES[vendor])
            raise Failure(INPUT_ERROR, f"{setting.env}: {kind}; {vendor} needs a {expected}… key")
        if vendor == "vercel" and not (
            options.vercel_projects and (options.vercel_team or env.get("VERCEL_TEAM"))
        ):
            left_out.append("vercel: left out, give --vercel-team (or VERCEL_TEAM) and --vercel-project")
            continue
        if vendor == "vapi" and not options.vapi_org:
            options = dataclasses.replace(options, vapi_org=_vapi_org(value, env))
        if vendor == "vapi" and not options.vapi_org:
            left_out.append(
                "vapi: left out, the key's org has no object to read its id from: give --vapi-org "
                "(Vapi orgs are shared: also --vapi-prefix)"
            )
            continue
        chosen.append(vendor)
    if not chosen:
        raise Failure(INPUT_ERROR, "no vendor to bring in: " + "; ".join(left_out))
    return chosen, left_out, options


def _vapi_org(api_key: str, env: Mapping[str, str]) -> str | None:
    """The org a Vapi key belongs to, read off any object of the org (Vapi has no whoami endpoint)."""
    settings = conn.VapiSettings(api_key, env.get(conn.VAPI_BASE_URL.env) or None)

    async def read() -> str | None:
        api = conn.vapi_api(settings)
        try:
            for kind in ("assistant", "tool", "squad"):
                found = await api.newest(kind)
                if found and found.get("orgId"):
                    return str(found["orgId"])
        except VendorError as exc:
            fix = "check the key (Vapi dashboard → API Keys, the private key)"
            raise Failure(INPUT_ERROR, f"{conn.VAPI_API_KEY.env}: Vapi refused it ({exc}); {fix}") from None
        finally:
            await api.aclose()
        return None

    return asyncio.run(read())


def _existing(session: StackSession, config: Path) -> list[str]:
    found = [str(path) for path in (config, session.path) if path.exists()]
    try:
        session.select()
        found.append(f"stack {session.name} in the backend")
    except auto.errors.StackNotFoundError:
        pass
    return found


def _set_aside(session: StackSession, config: Path) -> str | None:
    """Under --force: a backup of the stack when it has one, and copies of the files init rewrites."""
    folder = backups_dir() / session.name / f"pre-init-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    copies = [path for path in (config, session.path) if path.exists()]
    if copies:
        folder.mkdir(parents=True, exist_ok=True)
        for path in copies:
            shutil.copy2(path, folder / path.name)
    try:
        session.select()
        session.validate()
    except (auto.errors.StackNotFoundError, DesiredStateError):
        return str(folder) if copies else None
    return backup(session, "Pre-init backup", "critical").manifest.id


def _seed(session: StackSession, options: InitOptions, chosen: list[str], env: Mapping[str, str]) -> None:
    """The document's scope from the flags (capture reads inside it and fills in what keys determine);
    the rest of the stack's old document, if any, only lends capture its keys for the same objects."""
    yaml = YAML()
    data: dict[str, Any] = {"version": 1, "stack": session.name, "scope": {}}
    if session.path.exists():
        current = yaml.load(session.path.read_text())
        if isinstance(current, dict) and current.get("stack") == session.name:
            data = current
    # The scope comes from this run's keys and flags only: the old document may be another account's, and
    # so may its smoke checks' apps and its data checks' tables (capture keeps both: here there are none).
    scope: dict[str, Any] = {}
    data["scope"] = scope
    data.pop("checks", None)
    data.pop("verify", None)
    if "vapi" in chosen:
        scope["vapi"] = {"org_id": options.vapi_org, "prefix": options.vapi_prefix}
        if options.vapi_excluded:
            scope["vapi"]["excluded_prefixes"] = list(options.vapi_excluded)
    if "vercel" in chosen:
        team = options.vercel_team or env["VERCEL_TEAM"]
        scope["vercel"] = {"team": team, "projects": list(options.vercel_projects)}
    session.path.parent.mkdir(parents=True, exist_ok=True)
    with session.path.open("w") as fh:
        yaml.dump(data, fh)


def initialise(
    options: InitOptions, env: Mapping[str, str] | None = None, stage: Stage = unseen
) -> Initialised:
    environ: Mapping[str, str] = os.environ if env is None else env
    if not STACK_NAME.match(options.stack):
        raise Failure(INPUT_ERROR, f"--stack: {options.stack!r} is not a stack name (letters, digits, - _ .)")
    chosen, left_out, options = _chosen(options, environ)
    deployment: str | None = None
    if "convex" in options.vendors:
        deployment, notice = init_database.deployment(options.convex_deployment, environ)
        left_out += [notice] if notice else []
    init_probe.credentials(chosen, environ, options.vercel_team, options.vercel_projects)
    session = StackSession(options.stack)
    config = PROJECT_DIR / f"Pulumi.{options.stack}.yaml"
    existing = _existing(session, config)
    if existing and not options.force:
        raise Failure(
            INPUT_ERROR,
            f"{options.stack} is set up already ({', '.join(existing)}): `backstop init --force` replaces "
            "the files after backing them up, and adopts again",
        )
    if not os.access(PROJECT_DIR, os.W_OK):
        raise Failure(INPUT_ERROR, f"{PROJECT_DIR}: the project folder is not writable")
    result = Initialised(options.stack, session.path, config, chosen, left_out)
    if existing:
        with stage("backing up what --force replaces…"):
            result.replaced = _set_aside(session, config)
    if f"stack {options.stack} in the backend" not in existing:
        config.unlink(missing_ok=True)  # a copy is set aside: the new stack gets its own salt or key
        with stage(f"pulumi stack init {options.stack} --secrets-provider {options.secrets_provider}…"):
            session.create(options.secrets_provider)
    values = {
        CREDENTIALS[vendor].key or "": auto.ConfigValue(environ[CREDENTIALS[vendor].env], secret=True)
        for vendor in chosen
    }
    if "vercel" in chosen:
        values[conn.VERCEL_TEAM.key or ""] = auto.ConfigValue(options.vercel_team or environ["VERCEL_TEAM"])
    if deployment:
        values.update(init_database.config_values(deployment, environ, session.config()))
        result.database = deployment
    session.set_config(values)
    _seed(session, options, chosen, environ)
    read = frozenset([*chosen, "convex"] if deployment else chosen)
    captured = capture(session, None, False, list(options.vercel_projects), options.vercel_team, stage, read)
    result.not_captured = captured.not_captured
    session.use_document(load_document(captured.document))  # the one init wrote, not the one it replaced
    unset = missing_secrets(session)
    if unset:
        commands = "\n".join(
            f"  pulumi config set --secret {key} <value> --stack {options.stack}" for key in unset
        )
        raise Failure(
            INPUT_ERROR,
            f"{session.path} is written, but it needs values Backstop can't read (Vercel sensitive "
            f"variables); nothing was changed live. Set them:\n{commands}\nthen run "
            f"`backstop init --stack {options.stack} --force` again (it keeps them)",
        )
    # A stack approvals.yaml protects: the adopting update needs an approval of this document
    # (BACKSTOP_APPROVAL), checked before it runs; a refusal is in the audit log.
    pending = for_update(options.stack, captured.document, None, "init")
    if _holds_objects(session):  # with nothing in the state, a preview can show creates only
        with stage("previewing the adoption (a refresh preview: nothing changes)…"):
            _only_adoptions(session, captured.document)
    pending.use("init")
    try:
        changes = adopt_all(session, captured.document, session.desired, stage)
        with stage("taking the first backup…"):
            result.backup_id = backup(session, "Initial backup", "manual").manifest.id
    except Exception as exc:
        audit.failed("init", options.stack, exc, details={"vendors": chosen})
        raise
    audit.done("init", options.stack, "ok", result.backup_id, changes, details={"vendors": chosen})
    result.next_steps = _next_steps(options.stack, result)
    return result


def _holds_objects(session: StackSession) -> bool:
    return any(not r["type"].startswith(("pulumi:pulumi:", "pulumi:providers:")) for r in session.resources())


def _only_adoptions(session: StackSession, target: Path) -> None:
    """Stops before the adopting `up` when its refresh preview shows anything but adoptions (which the
    engine counts as creates): an update, replacement or deletion would change something live. A stack
    whose old state holds another account's objects, say, would delete them."""
    with session.reading(target, session.desired), workspace_env(BACKSTOP_ADOPT_AS_DECLARED="1"):
        changes = [c for c in managed_drift(session) if c.op != "create"]
    if changes:
        listed = "\n".join(
            f"  {c.op} {c.type} {c.name}" + (f" ({', '.join(c.fields)})" if c.fields else "") for c in changes
        )
        raise Failure(
            INPUT_ERROR,
            f"init stopped before changing anything: adopting {session.name} would also change live "
            f"objects:\n{listed}\nnothing was changed live. Objects the stack's state holds that this "
            "run doesn't capture (another account's, or a vendor or project left out) would be deleted: "
            "give init the same scope as before, or make the state forget them first (`pulumi state "
            f"delete <urn> --stack {session.name}` forgets an object and leaves it live)",
        )


def missing_secrets(session: StackSession) -> list[str]:
    """The config keys the captured document's Vercel variables read that the stack's config lacks."""
    vercel = session.desired.vercel
    if vercel is None:
        return []
    wanted = sorted(
        {
            f"platform-config:{var.value_from.secret}"
            for _, var in vercel.variables()
            if var.value_from and var.value_from.secret
        }
    )
    have = session.config()
    return [key for key in wanted if key not in have]


def _next_steps(stack: str, result: Initialised) -> list[str]:
    steps = [f"backstop doctor --stack {stack}: every check should pass before a schedule relies on it"]
    if result.database:
        steps.append(
            f"keep a copy of platform-config:dbBackupKey (`pulumi config get dbBackupKey --stack {stack}`) "
            "outside this repository: without it no database export can be decrypted"
        )
        steps.append(f'backstop db backup --stack {stack} --label "Initial database backup"')
    steps += [f"set by hand: {item}" for item in result.not_captured]
    steps.append("approvals.yaml: name who may approve this stack's restores (see README, restore step 2)")
    steps.append(
        "schedules/github-actions/: copy the templates into .github/workflows/ (see README, Schedules)"
    )
    document = result.document
    shown = document.relative_to(PROJECT_DIR) if document.is_relative_to(PROJECT_DIR) else document
    steps.append(f"commit {result.config.name}, {shown} and the backup folder")
    return steps
