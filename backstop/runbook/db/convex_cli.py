"""The Convex CLI (npm `convex`, pinned in toolchain/convex) as the client of a deployment.

Installed with `npm ci` from a lock file that names no registry host, by `make setup` when npm is
there or on first use. Run with node from toolchain/convex (whose package.json names `convex`, which
`export` and `import` require), pointed at the deployment as a self-hosted one: `CONVEX_SELF_HOSTED_URL`
and `CONVEX_SELF_HOSTED_ADMIN_KEY` in the child's environment only, `CI=1` (no prompts, no crash reports).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backstop.runbook.db.settings import DbSettings
from backstop.runbook.workspace import PROJECT_DIR, no_proxy

CONVEX_DIR = PROJECT_DIR / "toolchain" / "convex"
PINNED: str = json.loads((CONVEX_DIR / "package.json").read_text())["dependencies"]["convex"]
MAIN = CONVEX_DIR / "node_modules" / "convex" / "bin" / "main.js"
STAMP = CONVEX_DIR / "node_modules" / ".backstop-lock-sha256"
TIMEOUT_SECONDS = float(os.environ.get("BACKSTOP_CONVEX_TIMEOUT", "1800"))
Say = Callable[[str], None]


class ConvexCliError(Exception):
    """The CLI could not be installed or run, or it failed; the message holds its last output lines."""


@dataclass(frozen=True)
class ExportResult:
    snapshot_ts: int | None
    """The export's snapshot timestamp (ns) as the CLI reports it."""


def _digest() -> str:
    return hashlib.sha256(
        (CONVEX_DIR / "package.json").read_bytes() + (CONVEX_DIR / "package-lock.json").read_bytes()
    ).hexdigest()


def installed() -> bool:
    return MAIN.exists() and STAMP.exists() and STAMP.read_text() == _digest()


def ensure_installed(say: Say) -> None:
    if installed():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise ConvexCliError("npm (Node 20 or newer) is needed to install the Convex CLI: install Node first")
    say(f"installing the Convex CLI (npm convex {PINNED}) with `npm ci` in {CONVEX_DIR} (first use)…")
    started = time.monotonic()
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=CONVEX_DIR, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise ConvexCliError(f"npm ci in {CONVEX_DIR} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    STAMP.write_text(_digest())
    say(f"installed convex {PINNED} in {time.monotonic() - started:.0f} s")


def _environment(settings: DbSettings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONVEX_")}
    env.update(
        CONVEX_SELF_HOSTED_URL=settings.url,
        CONVEX_SELF_HOSTED_ADMIN_KEY=settings.admin_key,
        CI="1",
        # A team's HTTP(S) proxy is for the internet, not a deployment on this machine (a sandbox's).
        NO_PROXY=no_proxy(os.environ),
        no_proxy=no_proxy(os.environ),
        NO_COLOR="1",
        FORCE_COLOR="0",
    )
    return env


def _run(settings: DbSettings, args: list[str], say: Say) -> str:
    ensure_installed(say)
    node = shutil.which("node")
    if node is None:
        raise ConvexCliError("node (20 or newer) is needed to run the Convex CLI")
    try:
        done = subprocess.run(
            [node, str(MAIN), *args],
            cwd=CONVEX_DIR,
            env=_environment(settings),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise ConvexCliError(f"`convex {args[0]}` took longer than {TIMEOUT_SECONDS:.0f} s") from None
    output = (done.stdout + done.stderr).replace(settings.admin_key, "<admin key>")
    if done.returncode != 0:
        tail = "\n".join(line for line in output.splitlines() if line.strip())[-1500:]
        raise ConvexCliError(f"`convex {args[0]}` on {settings.deployment} exited {done.returncode}:\n{tail}")
    return output


def export(settings: DbSettings, target: Path, include_storage: bool, say: Say) -> ExportResult:
    args = ["export", "--path", str(target), *(["--include-file-storage"] if include_storage else [])]
    output = _run(settings, args, say)
    if not target.exists():
        raise ConvexCliError(f"`convex export` reported success but wrote no file:\n{output[-1000:]}")
    found = re.search(r"snapshot export at timestamp (\d+)", output)
    return ExportResult(int(found.group(1)) if found else None)


def import_replace(settings: DbSettings, source: Path, say: Say) -> int | None:
    """`convex import --replace --yes`: each table in the ZIP is emptied and filled from it; tables the
    ZIP does not hold are left alone. Returns the documents written, as the CLI reports them."""
    output = _run(settings, ["import", "--replace", "--yes", str(source)], say)
    found = re.search(r"Added ([\d,]+) documents", output)
    return int(found.group(1).replace(",", "")) if found else None


if __name__ == "__main__":
    ensure_installed(lambda message: print(f"[setup] {message}", flush=True))
    print(f"[setup] Convex CLI {PINNED} ready in {CONVEX_DIR}")
