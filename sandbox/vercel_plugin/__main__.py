"""`python -m sandbox.vercel_plugin install --pulumi-home DIR`: install the double into a sandbox
PULUMI_HOME (skipped when the same one is installed already)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sandbox.vercel_plugin import NAME, VERSION
from sandbox.vercel_plugin.install import PROJECT_DIR, InstallError, install


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.vercel_plugin")
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("install", help=f"install the offline {NAME} {VERSION} plugin double")
    setup.add_argument("--pulumi-home", type=Path, required=True, help="the sandbox's PULUMI_HOME")
    setup.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="whose .venv runs the plugin")
    args = parser.parse_args(argv)
    try:
        changed = install(args.pulumi_home, args.project_dir.resolve())
    except InstallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    state = "installed" if changed else "already installed"
    print(f"{NAME} {VERSION} (offline double) {state} in {args.pulumi_home}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
