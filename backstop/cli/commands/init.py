"""`backstop init`: the first day, from the credentials in the environment to the first backup."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from backstop.cli.commands.common import emit, failures
from backstop.operations.console import out
from backstop.operations.init import VENDORS, InitOptions, initialise


def command(
    stack: Annotated[
        str, typer.Option(help="The stack to create (Pulumi.<stack>.yaml, snapshots/<stack>.yaml)")
    ],
    secrets_provider: Annotated[
        str,
        typer.Option(
            help="What `pulumi stack init` accepts: passphrase, awskms://…, gcpkms://…, hashivault://…"
        ),
    ] = "passphrase",
    vendors: Annotated[
        str, typer.Option(help="Comma-separated vendors to bring in (and convex, the database)")
    ] = ",".join((*VENDORS, "convex")),
    vercel_team: Annotated[str | None, typer.Option(help="The Vercel team id (default VERCEL_TEAM)")] = None,
    vercel_project: Annotated[
        list[str] | None, typer.Option("--vercel-project", help="A Vercel project id this stack owns")
    ] = None,
    vapi_org: Annotated[str | None, typer.Option(help="The Vapi org id")] = None,
    vapi_prefix: Annotated[str, typer.Option(help="Names this stack owns in the shared Vapi org")] = "",
    vapi_exclude_prefix: Annotated[
        list[str] | None, typer.Option("--vapi-exclude-prefix", help="A longer prefix another stack owns")
    ] = None,
    convex_deployment: Annotated[
        str | None,
        typer.Option(
            help="The Convex deployment to back up (default: the one BACKSTOP_CONVEX_ADMIN_KEY names)"
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing stack's files (backed up first)")
    ] = False,
    non_interactive: Annotated[
        bool, typer.Option("--non-interactive", help="Never prompt (init never does)")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Create the stack from its live accounts: credentials from BACKSTOP_STRIPE_API_KEY,
    BACKSTOP_CLERK_SECRET_KEY, BACKSTOP_VAPI_API_KEY, VERCEL_API_TOKEN and BACKSTOP_CONVEX_ADMIN_KEY stored as
    Pulumi secrets; the
    live configuration inside the scope captured into snapshots/<stack>.yaml and adopted (nothing created,
    deleted or replaced live); then the first backup and the next steps."""
    options = InitOptions(
        stack=stack,
        secrets_provider=secrets_provider,
        vendors=tuple(v.strip() for v in vendors.split(",") if v.strip()),
        vercel_team=vercel_team,
        vercel_projects=tuple(vercel_project or ()),
        vapi_org=vapi_org,
        vapi_prefix=vapi_prefix,
        vapi_excluded=tuple(vapi_exclude_prefix or ()),
        convex_deployment=convex_deployment,
        force=force,
    )
    with failures(as_json):
        done = initialise(options, stage=out.status)

        def human() -> None:
            out.print(
                f"[green]✓[/green] {stack}: {', '.join(done.vendors)} under management, nothing changed live"
            )
            for notice in done.left_out:
                out.print(f"  {escape(notice)}")
            if done.database:
                out.print(f"  database: Convex deployment {done.database} (exports encrypted to dbBackupKey)")
            if done.replaced:
                out.print(f"  what --force replaced is kept in {escape(done.replaced)}")
            out.print(f"  document {done.document}, config {done.config}, first backup {done.backup_id}")
            out.print("next steps:")
            for step in done.next_steps:
                out.print(f"  - {escape(step)}")

        emit(
            as_json,
            {
                "ok": True,
                "stack": stack,
                "vendors": done.vendors,
                "database": done.database,
                "left_out": done.left_out,
                "not_captured": done.not_captured,
                "replaced": done.replaced,
                "document": str(done.document),
                "config": str(done.config),
                "backup": done.backup_id,
                "next_steps": done.next_steps,
            },
            human,
        )
