"""Where each Vercel variable's value comes from: inline, `secure:` config, or another resource's output."""

from __future__ import annotations

from typing import Any

import pulumi

from backstop.plugin.model.vercel import VercelSection

WEBHOOK_SECRETS_OUTPUT = "webhook_secrets"
"""The stack output mapping `<vendor>.webhook_endpoints.<key>.secret` to that secret (None when unknown)."""

Value = str | pulumi.Output[Any]


def resolve(
    section: VercelSection, config: pulumi.Config, outputs: dict[str, pulumi.Output[Any]]
) -> dict[str, Value]:
    references: dict[str, pulumi.StackReference] = {}
    values: dict[str, Value] = {}
    for _, var in section.variables():
        source = var.value_from
        if source is None:
            assert var.value is not None
            values[var.key] = var.value
        elif source.secret is not None:
            values[var.key] = config.require_secret(source.secret)
        elif source.output is not None:
            values[var.key] = outputs[source.output]
        else:
            assert source.stack_output is not None
            stack, path = source.stack_output.stack, source.stack_output.output
            if stack not in references:
                name = f"{pulumi.get_organization()}/{pulumi.get_project()}/{stack}"
                references[stack] = pulumi.StackReference(f"stack-{stack}", stack_name=name)
            secrets = references[stack].get_output(WEBHOOK_SECRETS_OUTPUT)
            values[var.key] = pulumi.Output.secret(secrets.apply(_pick(path)))
    return values


def _pick(path: str) -> Any:
    def pick(secrets: dict[str, Any] | None) -> Any:
        return (secrets or {}).get(path)

    return pick
