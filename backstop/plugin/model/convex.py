"""Convex deployment environment variables in the desired state (`convex.env`), read by the deployment's
functions and HTTP actions (`process.env`): among them the signing secrets its webhook handlers verify.

The value rules are Vercel's: inline only when not secret, otherwise `value_from` a `secure:` config key,
a webhook endpoint's signing secret (this stack's or another stack's) or a Vapi object's id (this stack's).
Names and sizes are Convex's: a name matches `^[a-zA-Z_]+[a-zA-Z0-9_]*$` and is at most 256 characters, a
value at most 8 KiB, and `CONVEX_CLOUD_URL`/`CONVEX_SITE_URL` are built in.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from backstop.plugin.model.common import Key, Strict, no_repeats
from backstop.plugin.model.vercel import ValueFrom, looks_secret

DeploymentName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
VariableName = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z_]+[a-zA-Z0-9_]*$", max_length=256)]
MAX_VALUE_BYTES = 8 * 1024
BUILT_IN = frozenset({"CONVEX_CLOUD_URL", "CONVEX_SITE_URL"})


def _value_size(value: str) -> str:
    if len(value.encode()) > MAX_VALUE_BYTES:
        raise ValueError(f"is {len(value.encode())} bytes; Convex takes values up to {MAX_VALUE_BYTES}")
    return value


Value = Annotated[str, AfterValidator(_value_size)]


class ConvexScope(Strict):
    deployment: DeploymentName
    """The deployment whose environment variables this stack owns, all of them (`spotted-gerbil-236`)."""


class VariableSpec(Strict):
    """`backstop:convex:EnvironmentVariable`'s inputs: one variable of one deployment."""

    deployment: DeploymentName
    name: VariableName
    value: Value


class ConvexEnvVar(Strict):
    key: Key
    name: VariableName
    value: Value | None = None
    value_from: ValueFrom | None = None

    @field_validator("name")
    @classmethod
    def _not_built_in(cls, name: str) -> str:
        if name in BUILT_IN:
            raise ValueError(f"{name} is built in: Convex sets it and refuses to override it")
        return name

    @model_validator(mode="after")
    def _value(self) -> ConvexEnvVar:
        if (self.value is None) == (self.value_from is None):
            raise ValueError("give exactly one of value or value_from")
        if self.value is not None and looks_secret(self.name):
            raise ValueError(
                f"{self.name} holds a secret, which must not be inline: use value_from: {{secret: <config "
                "key>} (set with `pulumi config set --secret`) or value_from: {output: ...}"
            )
        dangling = self.value_from.undeclared(f"Convex variable {self.key!r}") if self.value_from else None
        if dangling:
            raise ValueError(dangling)
        return self


class ConvexSection(Strict):
    env: list[ConvexEnvVar] = Field(default_factory=list)

    @field_validator("env")
    @classmethod
    def _unique(cls, env: list[ConvexEnvVar]) -> list[ConvexEnvVar]:
        no_repeats("key", [var.key for var in env])
        no_repeats("name", [var.name for var in env])
        return env
