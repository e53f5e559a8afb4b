"""`backstop sandbox serve|env`: the offline emulator of the vendor APIs."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Annotated

import typer

from backstop.plugin.model.paths import project_dir

app = typer.Typer(help="Run the offline vendor emulator, or print the environment that points at it.")


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="TCP port on 127.0.0.1 (0 picks a free one)")] = 8787,
    state: Annotated[Path | None, typer.Option(help="JSON file the state persists to")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for reproducible ids")] = None,
    port_file: Annotated[Path | None, typer.Option(help="Write the bound port to this file")] = None,
) -> None:
    """Serve the Stripe, Clerk, Svix, Vapi and Vercel emulation in the foreground."""
    from sandbox.env import prepare
    from sandbox.server import serve as run
    from sandbox.vercel_plugin.install import InstallError

    try:
        prepare(project_dir())
    except InstallError as exc:  # the HTTP emulation is still useful without the engine
        typer.echo(f"warning: {exc}", err=True)
    run(port, state, seed, port_file)


@app.command()
def env(
    port: Annotated[int, typer.Option(help="Port the sandbox listens on")] = 8787,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Print `export NAME=value` lines that point Backstop, Pulumi and the SDKs at the sandbox (whose
    PULUMI_HOME gets the offline vercel plugin double)."""
    from sandbox.env import environment, prepare
    from sandbox.vercel_plugin.install import InstallError

    try:
        prepare(project_dir())
    except InstallError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(3) from None
    values = environment(port, project_dir())
    if as_json:
        typer.echo(json.dumps(values, indent=2))
    else:
        for name, value in values.items():
            typer.echo(f"export {name}={shlex.quote(value)}")


@app.command()
def demo() -> None:
    """Apply the staging stack, break it through the Stripe API, detect the drift and restore it."""
    from backstop.operations.demo import main

    main()
