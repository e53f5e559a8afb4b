"""Installing the double into a sandbox PULUMI_HOME with `pulumi plugin install --file`, idempotently.

What gets installed is a launcher, `pulumi-resource-vercel`, that runs this project's virtualenv Python
on `sandbox.vercel_plugin.server`: the plugin always runs the checked-out code. The user's default
plugin folder (~/.pulumi) is refused, so the double can never shadow pulumiverse's real plugin.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from sandbox.vercel_plugin import NAME, VERSION

PROJECT_DIR = Path(__file__).resolve().parents[2]
LAUNCHER = f"pulumi-resource-{NAME}"
PLUGIN_DIR = f"resource-{NAME}-v{VERSION}"


class InstallError(RuntimeError):
    pass


def launcher_text(project_dir: Path = PROJECT_DIR) -> str:
    python = shlex.quote(str(project_dir / ".venv" / "bin" / "python"))
    return (
        "#!/bin/sh\n"
        f"# Backstop's offline double of pulumiverse-vercel's plugin ({NAME} {VERSION}), sandbox only:\n"
        "# it refuses to start unless BACKSTOP_VERCEL_BASE_URL names a sandbox (never api.vercel.com).\n"
        f'exec {python} -m sandbox.vercel_plugin.server "$@"\n'
    )


def installed_launcher(pulumi_home: Path) -> Path:
    return pulumi_home / "plugins" / PLUGIN_DIR / LAUNCHER


def is_installed(pulumi_home: Path, project_dir: Path = PROJECT_DIR) -> bool:
    launcher = installed_launcher(pulumi_home)
    partial = pulumi_home / "plugins" / f"{PLUGIN_DIR}.partial"
    return (
        launcher.is_file()
        and os.access(launcher, os.X_OK)
        and not partial.exists()
        and launcher.read_text() == launcher_text(project_dir)
    )


def _refuse_default_home(pulumi_home: Path) -> None:
    default = (Path.home() / ".pulumi").resolve()
    if pulumi_home.resolve() == default:
        raise InstallError(
            f"refusing to install the offline vercel double into the default PULUMI_HOME {default}: it "
            "would shadow pulumiverse's real plugin. Use the sandbox's own (`backstop sandbox env`)"
        )


def _pulumi(project_dir: Path) -> str:
    pinned = project_dir / ".venv" / "bin" / "pulumi"
    if pinned.is_file():
        return str(pinned)
    found = shutil.which("pulumi")
    if found is None:
        raise InstallError("no `pulumi` CLI: run `make setup` first")
    return found


def install(pulumi_home: Path, project_dir: Path = PROJECT_DIR) -> bool:
    """Installs the double into `pulumi_home`; False when the same launcher was installed already."""
    _refuse_default_home(pulumi_home)
    if is_installed(pulumi_home, project_dir):
        return False
    pulumi_home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    env.update(PULUMI_HOME=str(pulumi_home), PULUMI_SKIP_UPDATE_CHECK="true")
    with tempfile.TemporaryDirectory(prefix="vercel-plugin-") as folder:
        launcher = Path(folder) / LAUNCHER
        launcher.write_text(launcher_text(project_dir))
        launcher.chmod(0o755)
        command = [_pulumi(project_dir), "plugin", "install", "resource", NAME, VERSION]
        done = subprocess.run(
            [*command, "--file", str(launcher), "--reinstall", "--non-interactive"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    if done.returncode != 0 or not is_installed(pulumi_home, project_dir):
        raise InstallError(
            f"`pulumi plugin install resource {NAME} {VERSION} --file …` into {pulumi_home} failed "
            f"(exit {done.returncode}): {(done.stdout + done.stderr).strip()[-2000:]}"
        )
    return True
