"""`backstop capture`: write the live configuration into the stack's desired-state document.

Then `pulumi up` (or `--adopt`) adopts every object by its natural key, changing nothing live, and the
next `pulumi preview --refresh` finds nothing to do.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Annotated, Any

import typer
from ruamel.yaml import YAML

from backstop.capture.stripe import capture as capture_stripe
from backstop.clients.stripe_client import StripeApi
from backstop.commands.common import INPUT_ERROR, Failure, emit, failures, out
from backstop.model import parse_document
from backstop.workspace import document_path, select, stack_secret


def build(stack_name: str) -> tuple[str, list[str]]:
    stack = select(stack_name)
    api_key = stack_secret(stack, "backstop:stripeApiKey", "BACKSTOP_STRIPE_API_KEY")
    base_url = stack_secret(stack, "backstop:stripeBaseUrl", "BACKSTOP_STRIPE_BASE_URL")
    if not api_key:
        raise Failure(
            INPUT_ERROR, f"no Stripe API key for {stack_name}: set backstop:stripeApiKey (--secret)"
        )
    mode = "live" if api_key.startswith(("sk_live_", "rk_live_")) else "test"
    captured = asyncio.run(capture_stripe(StripeApi(api_key, base_url)))
    document: dict[str, Any] = {
        "version": 1,
        "stack": stack_name,
        "scope": {"stripe": {"mode": mode}},
        "stripe": captured.section,
    }
    buffer = io.StringIO()
    buffer.write(
        f"# Desired state of the {stack_name} stack, captured from the live services by `backstop capture`.\n"
    )
    YAML().dump(document, buffer)
    text = buffer.getvalue()
    parse_document(text, f"captured {stack_name}")
    return text, captured.not_captured


def command(
    stack: Annotated[str, typer.Option(help="Stack whose accounts to read")],
    output: Annotated[
        Path | None, typer.Option(help="Where to write (default: the stack's document)")
    ] = None,
    adopt: Annotated[
        bool, typer.Option("--adopt", help="Then run `pulumi up` to adopt every object")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Read the live configuration into snapshots/<stack>.yaml and list what could not be read."""
    with failures(as_json):
        with out.status(f"reading {stack}'s live configuration…"):
            text, missing = build(stack)
        target = output or document_path(stack)
        target.write_text(text)
        if adopt:
            with out.status("adopting every object (pulumi up)…"):
                select(stack).up(color="never")
        emit(
            as_json,
            {"ok": True, "stack": stack, "document": str(target), "adopted": adopt, "not_captured": missing},
            lambda: out.print(
                f"wrote {target}\n"
                + ("not captured:\n" + "\n".join(f"  - {m}" for m in missing) if missing else "")
            ),
        )
