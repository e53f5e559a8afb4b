"""Where backups go and where the state is: the backend reachable, the stack's secrets decrypting, the
backup folder and the database's backup store writable, Node and the pinned Convex CLI present."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path

from pulumi import automation as auto

from backstop.plugin.model import DesiredStateError
from backstop.runbook.db import convex_cli
from backstop.runbook.db.store import StoreError, default_url, open_store
from backstop.runbook.doctor.check import Check, failed, passed
from backstop.runbook.session import StackSession

NODE_MAJOR = 20


def state(session: StackSession) -> Check:
    """Selecting the stack reaches the backend; reading its config decrypts every secret."""
    name = "state backend and secrets"
    try:
        session.select()
        config = session.config()
    except auto.errors.StackNotFoundError:
        return failed(
            name,
            f"no stack {session.name} in the backend",
            f"pulumi stack init {session.name} (or `pulumi login` to the team's backend)",
            restore_needs=True,
        )
    except auto.errors.CommandError as exc:
        reason = next((line for line in str(exc).splitlines() if "error:" in line), str(exc)[-300:])
        return failed(
            name,
            reason.strip(),
            "check `pulumi login` and the secrets provider's credentials (PULUMI_CONFIG_PASSPHRASE for "
            "passphrase stacks)",
            restore_needs=True,
        )
    secrets = sum(1 for value in config.values() if value.secret)
    return passed(name, f"stack {session.name}: {secrets} secrets decrypt", restore_needs=True)


def backups_folder(folder: Path) -> Check:
    """Write, read back and delete a probe file where backups go. A restore needs it: it writes its
    safety backup, its post-restore backup and its report there."""
    name = "backup folder"
    probe = folder / f".backstop-doctor-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_text("probe")
        ok = probe.read_text() == "probe"
        probe.unlink()
    except OSError as exc:
        return failed(
            name,
            f"{folder}: {exc.strerror}",
            f"make {folder} writable, or set BACKSTOP_BACKUPS_DIR",
            restore_needs=True,
        )
    if not ok:
        return failed(
            name, f"{folder}: a probe file read back differently", "check the disk", restore_needs=True
        )
    return passed(name, f"{folder} is writable", restore_needs=True)


def database(config: Mapping[str, auto.ConfigValue], env: Mapping[str, str]) -> list[Check]:
    """When the stack has a database (`platform-config:convexDeployment`): Node, the pinned Convex CLI,
    and a probe object written, read and deleted in the backup store."""
    if not config.get("platform-config:convexDeployment"):
        return []
    return [_node(), _convex_cli(), _store(env)]


def _node() -> Check:
    name = "database: Node"
    node = shutil.which("node")
    if node is None:
        return failed(name, "no `node` on PATH", f"install Node {NODE_MAJOR} or newer")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    major = int(version.lstrip("v").split(".")[0] or 0)
    if major < NODE_MAJOR:
        return failed(name, f"node {version}", f"install Node {NODE_MAJOR} or newer")
    return passed(name, f"node {version}")


def _convex_cli() -> Check:
    name = "database: Convex CLI"
    if convex_cli.installed():
        return passed(name, f"convex {convex_cli.PINNED} in {convex_cli.CONVEX_DIR}")
    return failed(name, f"convex {convex_cli.PINNED} is not installed", "run `make setup`")


def _store(env: Mapping[str, str]) -> Check:
    name = "database: backup store"
    url = default_url(env)
    key = f"doctor/probe-{uuid.uuid4().hex}"
    try:
        store = open_store(url)
        with tempfile.TemporaryDirectory(prefix="backstop-doctor-") as scratch:
            source, back = Path(scratch) / "probe", Path(scratch) / "back"
            source.write_text("probe")
            store.put(key, source)
            store.get(key, back)
            store.delete(key)
            ok = back.read_text() == "probe"
    except DesiredStateError as exc:
        reason = "; ".join(p.reason for p in exc.problems)
        return failed(name, f"{url}: {reason}", "set BACKSTOP_STORE_URL to a writable store")
    except (StoreError, OSError) as exc:
        return failed(name, f"{url}: {exc}", "set BACKSTOP_STORE_URL to a writable store")
    if not ok:
        return failed(name, f"{url}: a probe object read back differently", "check the store")
    return passed(name, f"{url}: write, read and delete work")
