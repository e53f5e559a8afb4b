"""The engine: the pinned CLI and language host, and which `vercel` plugin each PULUMI_HOME holds."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from backstop.runbook.doctor.check import Check, failed, passed

VERCEL_PLUGIN_VERSION = "5.21.1"
"""The plugin version the pinned pulumiverse_vercel package names."""
DOUBLE_MARK = "offline double"
"""Written in the launcher of the sandbox's double (sandbox/vercel_plugin/install.py)."""


def pinned(project: Path) -> dict[str, str]:
    values = {}
    for line in (project / "toolchain" / "versions.env").read_text().splitlines():
        name, _, value = line.partition("=")
        if value and not name.startswith("#"):
            values[name.strip()] = value.strip()
    return values


def engine_versions(project: Path, cli_version: str | None = None) -> list[Check]:
    """`pulumi version` and the language host's build stamp against toolchain/versions.env.
    `cli_version`: what the stack's workspace already read from `pulumi version` (no second run)."""
    want = pinned(project)
    bin_dir = project / ".venv" / "bin"
    cli = cli_version or ""
    try:
        if cli_version is None:
            cli = subprocess.run(
                [str(bin_dir / "pulumi"), "version"], capture_output=True, text=True, timeout=60
            ).stdout.strip()
    except OSError:
        cli = ""
    stamp = bin_dir / "pulumi-language-python.built-from"
    host = stamp.read_text().split()[0] if stamp.exists() else ""
    return [
        _pinned_check("engine: pulumi CLI", cli, want["PULUMI_CLI_VERSION"], bin_dir),
        _pinned_check("engine: Python language host", host, want["PULUMI_LANGHOST_VERSION"], bin_dir),
    ]


def _pinned_check(name: str, found: str, expected: str, bin_dir: Path) -> Check:
    if found == expected:
        return passed(name, found, restore_needs=True)
    fix = "run `make setup` (it builds the pinned engine into .venv/bin)"
    return failed(name, f"{found or 'missing'} in {bin_dir}, pinned {expected}", fix, restore_needs=True)


def default_home(env: Mapping[str, str]) -> Path:
    return Path(env.get("PULUMI_HOME") or Path.home() / ".pulumi")


def _vercel_plugins(project: Path, home: Path) -> list[dict[str, str]]:
    done = subprocess.run(
        [str(project / ".venv" / "bin" / "pulumi"), "plugin", "ls", "--json"],
        env={**os.environ, "PULUMI_HOME": str(home), "PULUMI_SKIP_UPDATE_CHECK": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    listed: list[dict[str, str]] = json.loads(done.stdout or "[]") if done.returncode == 0 else []
    return [p for p in listed if p.get("name") == "vercel" and p.get("kind") == "resource"]


def _is_double(home: Path, version: str) -> bool:
    launcher = home / "plugins" / f"resource-vercel-v{version}" / "pulumi-resource-vercel"
    try:
        return DOUBLE_MARK in launcher.read_bytes()[:4096].decode(errors="replace")
    except OSError:
        return False


def vercel_plugin(project: Path, env: Mapping[str, str], sandbox: bool) -> Check:
    """Against the sandbox, the double in the sandbox's own PULUMI_HOME; otherwise pulumiverse's plugin,
    never the double, in the PULUMI_HOME the engine uses."""
    home = default_home(env)
    name = "vercel plugin"
    found = {p.get("version", ""): p for p in _vercel_plugins(project, home)}
    if sandbox:
        if home.resolve() == (Path.home() / ".pulumi").resolve():
            return failed(
                name,
                "the sandbox is targeted but PULUMI_HOME is the default one",
                'eval "$(.venv/bin/backstop sandbox env)" (the sandbox\'s own PULUMI_HOME)',
                restore_needs=True,
            )
        if VERCEL_PLUGIN_VERSION in found and _is_double(home, VERCEL_PLUGIN_VERSION):
            return passed(name, f"the offline double {VERCEL_PLUGIN_VERSION} in the sandbox's {home}")
        return failed(
            name, f"no offline double in {home}", "run `.venv/bin/backstop sandbox env`", restore_needs=True
        )
    if VERCEL_PLUGIN_VERSION not in found:
        have = ", ".join(sorted(found)) or "none"
        return failed(
            name,
            f"pulumiverse vercel {VERCEL_PLUGIN_VERSION} is not in {home} (installed: {have})",
            f"pulumi plugin install resource vercel {VERCEL_PLUGIN_VERSION}",
            restore_needs=True,
        )
    if _is_double(home, VERCEL_PLUGIN_VERSION):
        return failed(
            name,
            f"{home} holds Backstop's offline double, which refuses the real Vercel",
            f"pulumi plugin rm resource vercel {VERCEL_PLUGIN_VERSION} --yes && "
            f"pulumi plugin install resource vercel {VERCEL_PLUGIN_VERSION}",
            restore_needs=True,
        )
    return passed(name, f"pulumiverse vercel {VERCEL_PLUGIN_VERSION} in {home}", restore_needs=True)
