"""Vercel environment variables in the desired state: one list per project the stack owns.

A Vercel variable record spans a set of targets, so a project's variables belong to exactly one stack,
declared with their full target sets. Values are inline only when they are not secret; secrets come from
`secure:` stack config or from another resource's output (`value_from`): a webhook endpoint's signing
secret, or the id of a Vapi squad or assistant of the same stack (`backstop/plugin/model/outputs.py`).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from backstop.plugin.model.common import Key, Strict
from backstop.plugin.model.outputs import OutputPath, ReferencedPath, is_id, undeclared

Target = Literal["production", "preview", "development"]
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,255}$")]
ConfigKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")]
StackName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,100}$")]

SECRET_LOOKING = re.compile(r"(SECRET|PASSWORD|TOKEN|PRIVATE|(^|_)KEY$|_KEY_|DEPLOY_KEY|API_KEY)")
PUBLIC_PREFIXES = ("NEXT_PUBLIC_",)


def looks_secret(name: str) -> bool:
    """A name that says it holds a credential (NEXT_PUBLIC_ names are shipped to browsers, so never are)."""
    return not name.startswith(PUBLIC_PREFIXES) and bool(SECRET_LOOKING.search(name))


class StackOutput(Strict):
    """An output of another stack of this project, read through a StackReference."""

    stack: StackName
    output: ReferencedPath
    """A webhook endpoint's signing secret in that stack's `webhook_secrets` output (ids are refused)."""


class ValueFrom(Strict):
    secret: ConfigKey | None = None
    """A `secure:` value of this stack's config (`platform-config:<name>`)."""
    output: OutputPath | None = None
    """An output of this stack: a webhook endpoint's signing secret or a Vapi object's id."""
    stack_output: StackOutput | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ValueFrom:
        given = [name for name in ("secret", "output", "stack_output") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of secret, output or stack_output")
        return self

    @property
    def follows_secret(self) -> bool:
        """Follows a webhook endpoint's signing secret (this stack's or another's)."""
        return self.stack_output is not None or (self.output is not None and not is_id(self.output))

    @property
    def follows_id(self) -> bool:
        """Follows the id of one of this stack's objects: not a secret, and always known after an `up`."""
        return self.output is not None and is_id(self.output)

    def undeclared(self, label: str) -> str | None:
        """Why this source can't be followed in the document being validated, or None."""
        why = undeclared(self.output) if self.output is not None else None
        return f"{label}: value_from.output {self.output} {why}" if why else None

    @property
    def described(self) -> str:
        if self.stack_output is not None:
            return f"stack {self.stack_output.stack}'s {self.stack_output.output}"
        return str(self.output) if self.output is not None else f"config {self.secret}"


class EnvVar(Strict):
    key: Key
    name: EnvName
    targets: list[Target] = Field(min_length=1)
    git_branch: Annotated[str, StringConstraints(min_length=1, max_length=250)] | None = None
    sensitive: bool = False
    """Sensitive values are write-only in Vercel: asserted by Backstop, never read back."""
    comment: Annotated[str, StringConstraints(max_length=500)] | None = None
    value: str | None = None
    value_from: ValueFrom | None = None

    @field_validator("targets")
    @classmethod
    def _distinct(cls, targets: list[Target]) -> list[Target]:
        if len(set(targets)) != len(targets):
            raise ValueError("lists a target twice")
        return targets

    @model_validator(mode="after")
    def _value(self) -> EnvVar:
        if (self.value is None) == (self.value_from is None):
            raise ValueError("give exactly one of value or value_from")
        if self.value is not None and (self.sensitive or looks_secret(self.name)):
            raise ValueError(
                f"{self.name} holds a secret, which must not be inline: use "
                "value_from: {secret: <config key>} (set with `pulumi config set --secret`) "
                "or value_from: {output: ...}"
            )
        if self.sensitive and "development" in self.targets:
            raise ValueError("Vercel does not allow sensitive variables in the development target")
        if self.git_branch is not None and self.targets != ["preview"]:
            raise ValueError("git_branch applies only to a variable whose only target is preview")
        dangling = self.value_from.undeclared(f"Vercel variable {self.key!r}") if self.value_from else None
        if dangling:
            raise ValueError(dangling)
        return self


class Project(Strict):
    key: Key
    id: Annotated[str, StringConstraints(pattern=r"^prj_[A-Za-z0-9]{1,64}$")]
    env: list[EnvVar] = Field(default_factory=list)

    @field_validator("env")
    @classmethod
    def _no_overlap(cls, env: list[EnvVar]) -> list[EnvVar]:
        keys: set[str] = set()
        claimed: dict[tuple[str, str, str | None], str] = {}
        for var in env:
            if var.key in keys:
                raise ValueError(f"two entries have the same key {var.key!r}")
            keys.add(var.key)
            for target in var.targets:
                slot = (var.name, target, var.git_branch)
                if slot in claimed:
                    raise ValueError(
                        f"{var.name} is declared twice for the {target} target "
                        f"({claimed[slot]!r} and {var.key!r}); Vercel refuses that with ENV_CONFLICT"
                    )
                claimed[slot] = var.key
        return env


class VercelScope(Strict):
    team: Annotated[str, StringConstraints(pattern=r"^team_[A-Za-z0-9_]{1,64}$")]
    projects: list[Annotated[str, StringConstraints(pattern=r"^prj_[A-Za-z0-9]{1,64}$")]] = Field(
        min_length=1
    )
    """The projects whose environment variables this stack owns, all targets included."""


class VercelSection(Strict):
    projects: list[Project] = Field(default_factory=list)
    redeploy_hook: ConfigKey | None = None
    """Config key of a secret deploy hook URL to call after a restore changed variables (off when absent)."""

    @field_validator("projects")
    @classmethod
    def _unique(cls, projects: list[Project]) -> list[Project]:
        seen_keys: set[str] = set()
        seen_ids: set[str] = set()
        for project in projects:
            if project.key in seen_keys or project.id in seen_ids:
                raise ValueError(f"project {project.key!r} ({project.id}) is declared twice")
            seen_keys.add(project.key)
            seen_ids.add(project.id)
        owner: dict[str, str] = {}
        for project in projects:
            for var in project.env:
                if var.key in owner and owner[var.key] != project.key:
                    raise ValueError(
                        f"env key {var.key!r} is in projects {owner[var.key]!r} and {project.key!r}: a "
                        "key names the variable's resource and config secret, so it must be unique across "
                        "projects"
                    )
                owner[var.key] = project.key
        return projects

    def variables(self) -> list[tuple[Project, EnvVar]]:
        return [(project, var) for project in self.projects for var in project.env]
