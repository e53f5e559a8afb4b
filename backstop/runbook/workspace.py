"""The Pulumi project and its stacks, driven through the Automation API with the pinned engine."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pulumi import automation as auto
from pulumi.automation._stack import StackInitMode  # what auto.select_stack passes; not re-exported

from backstop.plugin.model import paths
from backstop.runbook.lean_stack import LeanStack

PROJECT_DIR = paths.project_dir()
VENV = PROJECT_DIR / ".venv"


def engine_env() -> dict[str, str]:
    """The pinned `pulumi`, language host and Python first, whatever else is installed."""
    return {
        "PATH": f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        # bin/pulumi-python: the project's Python, answering the host's `pip list` (run before every engine
        # run) without importing pip.
        "PULUMI_PYTHON_CMD": str(PROJECT_DIR / "bin" / "pulumi-python"),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        # A bare `pulumi` (python3 on PATH) still runs pip's `pip list`: its own update check only slows it.
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        # The engine, its plugins and the program talk gRPC on 127.0.0.1, and gRPC honours http_proxy: a
        # team's HTTP(S) proxy stays in force for the vendors, never for the engine's own traffic (nor a
        # sandbox's on this machine).
        **dict.fromkeys(("NO_PROXY", "no_proxy"), no_proxy(os.environ)),
    }


def no_proxy(env: Mapping[str, str]) -> str:
    """The environment's NO_PROXY hosts, and this machine's."""
    given = [h.strip() for h in (env.get("NO_PROXY") or env.get("no_proxy") or "").split(",") if h.strip()]
    return ",".join([*given, *(h for h in ("127.0.0.1", "localhost") if h not in given)])


def backups_dir() -> Path:
    """Where backup folders go: snapshots/backups unless BACKSTOP_BACKUPS_DIR says otherwise."""
    return Path(os.environ.get("BACKSTOP_BACKUPS_DIR") or PROJECT_DIR / "snapshots" / "backups")


def drills_dir() -> Path:
    """Where drill reports accumulate, a folder per stack: snapshots/drills beside the backups."""
    return backups_dir().parent / "drills"


def _workspace(secrets_provider: str | None = None) -> auto.LocalWorkspace:
    command = auto.PulumiCommand(root=str(VENV), skip_version_check=True)
    return auto.LocalWorkspace(
        work_dir=str(PROJECT_DIR),
        pulumi_command=command,
        env_vars=engine_env(),
        secrets_provider=secrets_provider,
    )


def select(stack: str) -> auto.Stack:
    """The stack (`auto.errors.StackNotFoundError` when there is none)."""
    return LeanStack(stack, _workspace(), StackInitMode.SELECT)


def create(stack: str, secrets_provider: str | None = None) -> auto.Stack:
    """`pulumi stack init` (with `--secrets-provider` when given: passphrase, awskms://, gcpkms://, …)."""
    return LeanStack(stack, _workspace(secrets_provider), StackInitMode.CREATE)


@contextmanager
def workspace_env(**values: str) -> Iterator[None]:
    """Environment for the engine runs inside the block (the program reads BACKSTOP_DESIRED_STATE)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def document_path(stack: str) -> Path:
    """The desired-state document the program will load for this stack (the rule of model/paths.py)."""
    return paths.document_path(stack, PROJECT_DIR, configured_document(stack))


def configured_document(stack: str) -> str | None:
    """The stack's `platform-config:desiredState`, read from Pulumi.<stack>.yaml without the engine."""
    config = PROJECT_DIR / f"Pulumi.{stack}.yaml"
    if not config.exists():
        return None
    from ruamel.yaml import YAML

    settings = (YAML(typ="safe").load(config.read_text()) or {}).get("config") or {}
    value = settings.get("platform-config:desiredState")
    return str(value) if value else None


def pulumi_cli(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [str(VENV / "bin" / "pulumi"), *args, "--non-interactive"],
        cwd=PROJECT_DIR,
        env={**os.environ, **engine_env()},
        input=stdin,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise auto.errors.CommandError(
            auto.CommandResult(stdout=done.stdout, stderr=done.stderr, code=done.returncode)
        )
    return done.stdout


def set_secret(stack: str, key: str, value: str) -> None:
    """`pulumi config set --secret` with the value on standard input: a command line is visible to every
    user of the machine (`ps`), which is where the Automation API's `set_all_config` puts values."""
    pulumi_cli("config", "set", "--secret", "--stack", stack, key, stdin=value)


def export_encrypted(stack: str) -> dict[str, Any]:
    """`pulumi stack export` with secrets left encrypted.

    The Automation API's `export_stack()` passes `--show-secrets`, which would put every secret in
    plaintext into the backup: never use it for backups.
    """
    exported: dict[str, Any] = json.loads(pulumi_cli("stack", "export", "--stack", stack))
    return exported


def last_update_end(stack: auto.Stack) -> datetime | None:
    """When the stack's last successful `pulumi up` (by anyone, plain or through backstop) finished."""
    for entry in stack.history(page_size=50, page=1):
        if entry.kind == "update" and entry.result == "succeeded" and entry.end_time is not None:
            end = entry.end_time
            return end if end.tzinfo else end.replace(tzinfo=UTC)
    return None


def import_state(stack: str, export_file: Path) -> None:
    """`pulumi stack import` of an encrypted export (the stack's own secrets provider decrypts it)."""
    pulumi_cli("stack", "import", "--stack", stack, "--file", str(export_file))


def clear_stale_lock(stack: str) -> list[str]:
    """Remove a `file://` backend's lock left by a `pulumi` process that died on this host.

    Only locks whose process is gone are cleared (`pulumi cancel`); a live update, or any other backend,
    is never touched. Returns the cleared locks' descriptions.
    """
    backend = os.environ.get("PULUMI_BACKEND_URL", "")
    if not backend.startswith("file://"):
        return []
    root = Path(backend.removeprefix("file://").split("?", 1)[0])
    locks = list(root.glob(f".pulumi/locks/*/platform-config/{stack}/*.json"))
    if not locks:
        return []
    stale = []
    for lock in locks:
        try:
            content = json.loads(lock.read_text())
        except (OSError, ValueError):
            return []
        if content.get("hostname") != socket.gethostname() or _alive(int(content.get("pid", 0))):
            return []
        stale.append(f"pid {content.get('pid')} of {content.get('timestamp')}")
    pulumi_cli("cancel", "--yes", "--stack", stack)
    return stale


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _file_backend() -> Path | None:
    backend = os.environ.get("PULUMI_BACKEND_URL", "")
    if not backend.startswith("file://"):
        return None
    return Path(backend.removeprefix("file://").split("?", 1)[0])


def _whole(checkpoint: Path) -> bool:
    """A checkpoint file that parses as one, beside an attributes file that parses too, if it has one.

    A killed run can leave either cut short or empty: the engine then fails with "failed to load
    checkpoint: EOF" though the checkpoint itself is whole.
    """
    attrs = checkpoint.with_name(checkpoint.name + ".attrs")
    try:
        content = json.loads(checkpoint.read_text())
        if attrs.exists() and not isinstance(json.loads(attrs.read_text()), dict):
            return False
    except (OSError, ValueError):
        return False
    return isinstance(content, dict) and isinstance(content.get("checkpoint"), dict)


def repair_checkpoint(stack: str) -> str | None:
    """Put back the last whole checkpoint of a `file://` backend when a killed run left it unreadable.

    The engine keeps the previous checkpoint (`<stack>.json.bak`) and older ones under `.pulumi/backups`.
    The steps since are re-done by the next update, whose creates adopt by natural key. Returns what was
    put back, or None when the checkpoint was readable (or the backend isn't a folder).
    """
    root = _file_backend()
    if root is None:
        return None
    current = root / ".pulumi" / "stacks" / "platform-config" / f"{stack}.json"
    if _whole(current):
        return None  # a whole checkpoint file: no need to ask the engine whether it loads
    try:
        pulumi_cli("stack", "export", "--stack", stack)
        return None
    except auto.errors.CommandError as exc:
        if "failed to load checkpoint" not in str(exc):
            return None  # readable, or no stack at all: not this function's business
    older = sorted(
        (root / ".pulumi" / "backups" / "platform-config" / stack).glob(f"{stack}.*.json"),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for candidate in [current.with_name(f"{stack}.json.bak"), *older]:
        try:
            json.loads(candidate.read_text())
        except (OSError, ValueError):
            continue
        shutil.copyfile(candidate, current)
        attrs = candidate.with_name(candidate.name + ".attrs")
        if attrs.exists():
            shutil.copyfile(attrs, current.with_name(current.name + ".attrs"))
        else:
            current.with_name(current.name + ".attrs").unlink(missing_ok=True)
        return f"checkpoint {current.name} was unreadable (a killed run); put back {candidate.name}"
    return None
