"""`backstop capture`: write the live configuration into the stack's desired-state document.

Then `pulumi up` (or `--adopt`) adopts every object by its natural key, changing nothing live, and the
next `pulumi preview --refresh` finds nothing to do.
"""

from __future__ import annotations

import asyncio
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from pulumi import automation as auto
from ruamel.yaml import YAML

from backstop.adopt.runner import TOKEN_CONFIG, TOKEN_ENV, up_adopting
from backstop.capture.stripe import capture as capture_stripe
from backstop.capture.vercel import Captured as CapturedVercel
from backstop.capture.vercel import capture as capture_vercel
from backstop.clients.stripe_client import StripeApi
from backstop.clients.vercel_client import VercelApi
from backstop.commands.common import INPUT_ERROR, Failure, emit, failures, out
from backstop.model import parse_document
from backstop.workspace import document_path, select, stack_secret, workspace_env

PROGRAM = "platform-config"


def _existing_scope(stack_name: str) -> dict[str, Any]:
    """The scope the stack's current document declares (capture reads inside it), if there is one."""
    path = document_path(stack_name)
    if not path.exists():
        return {}
    scope = (YAML(typ="safe").load(path.read_text()) or {}).get("scope") or {}
    return dict(scope) if isinstance(scope, dict) else {}


def build(stack_name: str, vercel_projects: list[str], vercel_team: str | None) -> Capture:
    stack = select(stack_name)
    api_key = stack_secret(stack, "backstop:stripeApiKey", "BACKSTOP_STRIPE_API_KEY")
    base_url = stack_secret(stack, "backstop:stripeBaseUrl", "BACKSTOP_STRIPE_BASE_URL")
    if not api_key:
        raise Failure(
            INPUT_ERROR, f"no Stripe API key for {stack_name}: set backstop:stripeApiKey (--secret)"
        )
    mode = "live" if api_key.startswith(("sk_live_", "rk_live_")) else "test"
    captured = asyncio.run(capture_stripe(StripeApi(api_key, base_url)))
    scope = _existing_scope(stack_name)
    scope["stripe"] = {"mode": mode}
    document: dict[str, Any] = {"version": 1, "stack": stack_name, "scope": scope, "stripe": captured.section}
    result = Capture(document, captured.not_captured)

    vercel_scope = scope.get("vercel") or {}
    projects = vercel_projects or list(vercel_scope.get("projects") or [])
    team = vercel_team or vercel_scope.get("team") or stack_secret(stack, "vercel:team", "VERCEL_TEAM")
    if projects:
        token = stack_secret(stack, TOKEN_CONFIG, TOKEN_ENV)
        if not token or not team:
            raise Failure(INPUT_ERROR, f"capturing Vercel needs {TOKEN_CONFIG} (a secret) and vercel:team")
        scope["vercel"] = {"team": team, "projects": projects}

        async def read_vercel() -> CapturedVercel:
            async with VercelApi(token, team, os.environ.get("BACKSTOP_VERCEL_BASE_URL")) as api:
                return await capture_vercel(api, projects)

        vercel = asyncio.run(read_vercel())
        document["vercel"] = vercel.section
        result.secrets.update(vercel.secrets)
        result.not_captured += vercel.not_captured
    return result


@dataclass
class Capture:
    document: dict[str, Any]
    not_captured: list[str]
    secrets: dict[str, str] = field(default_factory=dict)
    """Readable secret values, stored encrypted in the stack's config (never in the document)."""

    def text(self) -> str:
        buffer = io.StringIO()
        buffer.write(
            f"# Desired state of the {self.document['stack']} stack, captured from the live services by "
            "`backstop capture`.\n"
        )
        YAML().dump(self.document, buffer)
        return buffer.getvalue()


def command(
    stack: Annotated[str, typer.Option(help="Stack whose accounts to read")],
    output: Annotated[
        Path | None, typer.Option(help="Where to write (default: the stack's document)")
    ] = None,
    adopt: Annotated[
        bool, typer.Option("--adopt", help="Then run `pulumi up` to adopt every object")
    ] = False,
    vercel_project: Annotated[
        list[str] | None,
        typer.Option("--vercel-project", help="A Vercel project id this stack owns (default: its scope)"),
    ] = None,
    vercel_team: Annotated[str | None, typer.Option("--vercel-team", help="The projects' team id")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Read the live configuration into snapshots/<stack>.yaml and list what could not be read."""
    with failures(as_json):
        with out.status(f"reading {stack}'s live configuration…"):
            captured = build(stack, vercel_project or [], vercel_team)
        text, missing = captured.text(), captured.not_captured
        parse_document(text, f"captured {stack}")
        target = output or document_path(stack)
        target.write_text(text)
        if captured.secrets:
            select(stack).set_all_config(
                {f"{PROGRAM}:{k}": auto.ConfigValue(v, secret=True) for k, v in captured.secrets.items()}
            )
        if adopt:
            with out.status("adopting every object (pulumi up)…"):
                document = parse_document(text, str(target))
                with workspace_env(BACKSTOP_DESIRED_STATE=str(target)):
                    up_adopting(select(stack), document)
        emit(
            as_json,
            {
                "ok": True,
                "stack": stack,
                "document": str(target),
                "adopted": adopt,
                "not_captured": missing,
                "secrets_stored": sorted(captured.secrets),
            },
            lambda: out.print(
                f"wrote {target}\n"
                + ("not captured:\n" + "\n".join(f"  - {m}" for m in missing) if missing else "")
            ),
        )
