"""Where each Vercel or Convex variable's value comes from: inline, `secure:` config, or another resource's
output: this stack's (a webhook endpoint's signing secret or a Vapi object's id), or another stack's signing
secret through one StackReference per stack."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import pulumi

from backstop.plugin.model.vercel import ValueFrom

WEBHOOK_SECRETS_OUTPUT = "webhook_secrets"
"""The stack output mapping `<vendor>.webhook_endpoints.<key>.secret` to that secret (None when unknown)."""

Value = str | pulumi.Output[Any]


class Variable(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def value(self) -> str | None: ...
    @property
    def value_from(self) -> ValueFrom | None: ...


class Values:
    def __init__(self, config: pulumi.Config, outputs: dict[str, pulumi.Output[Any]]) -> None:
        """`outputs`: this stack's followable outputs by path (`stripe.webhook_endpoints.<key>.secret`,
        `vapi.squads.<key>.id`), as the program declared them: an id stays a plain output."""
        self.config, self.outputs = config, outputs
        self.references: dict[str, pulumi.StackReference] = {}

    def resolve(self, variables: Iterable[Variable]) -> dict[str, Value]:
        values: dict[str, Value] = {}
        for var in variables:
            source = var.value_from
            if source is None:
                assert var.value is not None
                values[var.key] = var.value
            elif source.secret is not None:
                values[var.key] = self.config.require_secret(source.secret)
            elif source.output is not None:
                values[var.key] = self.outputs[source.output]
            else:
                # The model lets another stack's signing secrets only be read this way (never an id).
                assert source.stack_output is not None
                stack, path = source.stack_output.stack, source.stack_output.output
                if stack not in self.references:
                    name = f"{pulumi.get_organization()}/{pulumi.get_project()}/{stack}"
                    self.references[stack] = pulumi.StackReference(f"stack-{stack}", stack_name=name)
                secrets = self.references[stack].get_output(WEBHOOK_SECRETS_OUTPUT)
                values[var.key] = pulumi.Output.secret(secrets.apply(_pick(path)))
        return values


def _pick(path: str) -> Any:
    def pick(secrets: dict[str, Any] | None) -> Any:
        return (secrets or {}).get(path)

    return pick
