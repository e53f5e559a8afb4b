"""The sandbox demo (`backstop sandbox demo`): drift and restore of the staging stack, narrated, against
a private sandbox.

Every step is a plain `pulumi` command a user can type; the out-of-band changes go through the Stripe
API as a dashboard user's would. Nothing here talks to a real vendor.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import stripe
from rich.console import Console
from rich.panel import Panel

from backstop.plugin.model import load_document, paths

PROJECT = paths.project_dir()
STACK = "staging"
ACCOUNT = "acct_derrimut_staging"
console = Console(highlight=False)


class DemoFailed(RuntimeError):
    pass


@contextmanager
def running_sandbox(workdir: Path) -> Iterator[int]:
    from sandbox.process import SandboxStartError, spawn, stop

    try:
        process, port = spawn(workdir, quiet=False)
    except SandboxStartError as exc:
        raise DemoFailed(str(exc)) from None
    try:
        yield port
    finally:
        stop(process)
        console.print("[dim]sandbox stopped[/dim]")


def step(number: int, title: str, why: str) -> None:
    console.print()
    console.print(Panel(f"[bold]{title}[/bold]\n{why}", title=f"step {number}", title_align="left"))


def pulumi(env: dict[str, str], *args: str, expect: tuple[int, ...] = (0,)) -> int:
    console.print(f"[cyan]$ pulumi {' '.join(args)}[/cyan]")
    code = subprocess.run([str(PROJECT / ".venv" / "bin" / "pulumi"), *args], cwd=PROJECT, env=env).returncode
    if code not in expect:
        raise DemoFailed(f"`pulumi {' '.join(args)}` exited {code}, expected {' or '.join(map(str, expect))}")
    return code


def run() -> None:
    from sandbox.env import environment, prepare_pulumi_home
    from sandbox.vercel_plugin.install import InstallError

    workdir = PROJECT / ".sandbox" / "demo"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    with running_sandbox(workdir) as port:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "BACKSTOP_"))}
        env.update(environment(port, PROJECT))
        try:
            prepare_pulumi_home(PROJECT)
        except InstallError as exc:
            raise DemoFailed(str(exc)) from None
        env["PULUMI_BACKEND_URL"] = f"file://{workdir / 'state'}"
        env["PATH"] = f"{PROJECT / '.venv' / 'bin'}:{env.get('PATH', '')}"
        (workdir / "state").mkdir()
        console.print(f"[dim]sandbox on port {port}; state backend {env['PULUMI_BACKEND_URL']}[/dim]")
        sdk = stripe.StripeClient(
            env["BACKSTOP_SANDBOX_STRIPE_KEY_STAGING"],
            base_addresses={"api": env["BACKSTOP_STRIPE_BASE_URL"]},
        )
        control = httpx.Client(base_url=env["BACKSTOP_SANDBOX_URL"])

        step(1, "Declare and apply", "snapshots/staging.yaml declares two Stripe webhook endpoints.")
        pulumi(env, "stack", "init", STACK)
        pulumi(env, "up", "--yes", "--stack", STACK)
        endpoints = {e.url: e for e in sdk.v1.webhook_endpoints.list().data}
        desired = load_document(PROJECT / "snapshots" / f"{STACK}.yaml")
        assert desired.stripe is not None
        app, convex = (
            endpoints[e.url] for e in sorted(desired.stripe.webhook_endpoints, key=lambda e: e.key)
        )

        step(
            2,
            "Disaster, behind the engine's back",
            f"Through the Stripe API: delete {app.url}\nand disable {convex.url}, cutting its events to one.",
        )
        sdk.v1.webhook_endpoints.delete(app.id)
        sdk.v1.webhook_endpoints.update(
            convex.id, params={"disabled": True, "enabled_events": ["invoice.paid"]}
        )

        step(
            3,
            "Detect the drift",
            "A refresh preview compares live Stripe with the saved state: exit 7 = drift.",
        )
        pulumi(env, "preview", "--refresh", "--diff", "--expect-no-changes", "--stack", STACK, expect=(7,))

        step(4, "Restore", "`pulumi up --refresh` recreates the deleted endpoint and reverts the edit.")
        pulumi(env, "up", "--refresh", "--yes", "--stack", STACK)

        step(
            5,
            "Verify",
            "The same refresh preview now finds nothing to change (exit 0), and live Stripe matches.",
        )
        pulumi(env, "preview", "--refresh", "--expect-no-changes", "--stack", STACK)
        live = control.get("/_sandbox/dump").json()["stripe"][ACCOUNT]["webhook_endpoints"]
        for declared in desired.stripe.webhook_endpoints:
            match = [e for e in live.values() if e["url"] == declared.url]
            if (
                len(match) != 1
                or match[0]["enabled_events"] != declared.enabled_events
                or match[0]["status"] != "enabled"
            ):
                raise DemoFailed(f"{declared.url} is not back as declared")
            console.print(
                f"  [green]✓[/green] {declared.key}: {declared.url} ({len(declared.enabled_events)} events)"
            )

        step(6, "Back up", "`pulumi stack export` is the backup of the stack; secrets stay encrypted in it.")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = PROJECT / "snapshots" / "backups" / STACK / f"{STACK}-{stamp}"
        folder.mkdir(parents=True, exist_ok=True)
        pulumi(env, "stack", "export", "--stack", STACK, "--file", str(folder / "stack.json"))
        exported = (folder / "stack.json").read_text()
        secrets = [e["secret"] for e in live.values()]
        if any(secret in exported for secret in secrets):
            raise DemoFailed("a signing secret is in plaintext in the export")
        resources = len(json.loads(exported)["deployment"]["resources"])
        console.print(
            f"  [green]✓[/green] {folder.relative_to(PROJECT)}/stack.json: {resources} resources, "
            "no plaintext signing secret"
        )
    console.print("\n[bold green]Demo complete: drift detected, restored and verified.[/bold green]")


def main() -> None:
    try:
        run()
    except DemoFailed as exc:
        console.print(f"[bold red]demo failed:[/bold red] {exc}")
        raise SystemExit(1) from None
