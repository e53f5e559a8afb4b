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
from pydantic import ValidationError
from ruamel.yaml import YAML

from backstop.adopt.runner import TOKEN_CONFIG, TOKEN_ENV, up_adopting
from backstop.capture.clerk import capture as capture_clerk
from backstop.capture.stripe import capture as capture_stripe
from backstop.capture.vapi import OutsideOrg
from backstop.capture.vapi import capture as capture_vapi
from backstop.capture.vercel import Captured as CapturedVercel
from backstop.capture.vercel import capture as capture_vercel
from backstop.clients.clerk_client import ClerkApi
from backstop.clients.stripe_client import StripeApi
from backstop.clients.vapi_client import VapiApi
from backstop.clients.vercel_client import VercelApi
from backstop.commands.common import INPUT_ERROR, Failure, emit, failures, out
from backstop.model import parse_document
from backstop.model.vapi import VapiScope
from backstop.workspace import document_path, select, stack_secret, workspace_env

PROGRAM = "platform-config"


def _current(stack_name: str) -> dict[str, Any]:
    """The stack's current document (capture reads inside its scope and keeps its keys), if there is one."""
    path = document_path(stack_name)
    if not path.exists():
        return {}
    data = YAML(typ="safe").load(path.read_text()) or {}
    return data if isinstance(data, dict) else {}


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return dict(value) if isinstance(value, dict) else {}


def _clerk(stack: auto.Stack, scope: dict[str, Any], current: dict[str, Any], result: Capture) -> None:
    key = stack_secret(stack, "backstop:clerkSecretKey", "BACKSTOP_CLERK_SECRET_KEY")
    declared = _section(scope, "clerk")
    if not key:
        if declared:
            raise Failure(
                INPUT_ERROR,
                f"scope.clerk names instance {declared.get('instance')} but there is no Clerk secret key: "
                "set backstop:clerkSecretKey (--secret)",
            )
        result.not_captured.append("clerk: not read (no backstop:clerkSecretKey)")
        return

    async def read() -> None:
        api = ClerkApi(key, os.environ.get("BACKSTOP_CLERK_BASE_URL"))
        try:
            instance = await api.instance()
            if declared and instance.get("id") != declared.get("instance"):
                raise Failure(
                    INPUT_ERROR,
                    f"the Clerk secret key belongs to instance {instance.get('id')}, but the stack's "
                    f"scope.clerk.instance is {declared.get('instance')}: nothing was captured",
                )
            scope["clerk"] = declared or {
                "instance": instance["id"],
                "environment": instance.get("environment_type", "development"),
            }
            captured = await capture_clerk(api, os.environ.get("BACKSTOP_SVIX_BASE_URL"), current)
        finally:
            await api.aclose()
        result.document["clerk"] = captured.section
        result.not_captured += captured.not_captured

    asyncio.run(read())


def _vapi(stack: auto.Stack, scope: dict[str, Any], current: dict[str, Any], result: Capture) -> None:
    raw = scope.get("vapi")
    if not isinstance(raw, dict):
        result.not_captured.append(
            "vapi: not read: the stack's document has no scope.vapi. Vapi orgs are shared, so declare "
            'which part this stack owns first (`scope: {vapi: {org_id: <org uuid>, prefix: "staging-"}}`, '
            "see README, Vapi) and capture again"
        )
        return
    try:
        scope_vapi = VapiScope.model_validate(raw)
    except ValidationError as exc:
        where = document_path(stack.name)
        raise Failure(INPUT_ERROR, f"{where}: scope.vapi: {exc.errors()[0]['msg']}") from None
    key = stack_secret(stack, "backstop:vapiApiKey", "BACKSTOP_VAPI_API_KEY")
    if not key:
        raise Failure(
            INPUT_ERROR, "scope.vapi is declared but there is no Vapi key: set backstop:vapiApiKey (--secret)"
        )

    async def read() -> None:
        api = VapiApi(key, os.environ.get("BACKSTOP_VAPI_BASE_URL"))
        try:
            captured = await capture_vapi(api, scope_vapi, current)
        except OutsideOrg as exc:
            raise Failure(INPUT_ERROR, str(exc)) from None
        finally:
            await api.aclose()
        result.document["vapi"] = captured.section
        result.not_captured += captured.not_captured

    asyncio.run(read())


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
    current = _current(stack_name)
    scope = _section(current, "scope")
    scope["stripe"] = {"mode": mode}
    document: dict[str, Any] = {"version": 1, "stack": stack_name, "scope": scope, "stripe": captured.section}
    result = Capture(document, captured.not_captured)
    _clerk(stack, scope, _section(current, "clerk"), result)
    _vapi(stack, scope, _section(current, "vapi"), result)

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
                # Clerk's write-only settings can't be read: adopting takes the declared ones as live.
                with workspace_env(BACKSTOP_DESIRED_STATE=str(target), BACKSTOP_ADOPT_AS_DECLARED="1"):
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
