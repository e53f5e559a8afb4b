"""The runbook's approval matrix: who must approve a restore, and who holds which role."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ruamel.yaml import YAML

from backstop.plugin.model.errors import DesiredStateError, Problem

Kind = Literal["configuration", "database"]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stacks: list[str] = Field(min_length=1)
    kinds: list[Kind] = Field(min_length=1)
    roles: list[str] | None
    """Any of these roles approves; null means no approval is needed."""


class Matrix(BaseModel):
    model_config = ConfigDict(extra="forbid")
    people: dict[str, list[str]]
    """Person -> the roles they hold."""
    rules: list[Rule] = Field(min_length=1)

    def required(self, stack: str, kind: Kind) -> list[str] | None:
        """The roles that may approve, or None when none is needed. A stack no rule covers needs the
        strictest approval any rule asks for that kind (never silently none)."""
        for rule in self.rules:
            if (stack in rule.stacks or "*" in rule.stacks) and kind in rule.kinds:
                return rule.roles
        strictest = [r.roles for r in self.rules if kind in r.kinds and r.roles]
        return sorted({role for roles in strictest for role in roles}) or None

    def check(self, stack: str, kind: Kind, approved_by: str | None) -> str | None:
        """None when the restore may go ahead, else why not."""
        roles = self.required(stack, kind)
        if roles is None:
            return None
        if not approved_by:
            return (
                f"restoring {kind} of {stack} needs approval by {' or '.join(roles)}: pass --approved-by NAME"
            )
        held = self.people.get(approved_by)
        if held is None:
            return f"{approved_by!r} is not in the approvals file"
        if not set(held) & set(roles):
            needed = " or ".join(roles)
            return f"{approved_by} holds {', '.join(held)}, but restoring {kind} of {stack} needs {needed}"
        return None


def load_matrix(path: Path) -> Matrix:
    try:
        data = YAML(typ="safe").load(path.read_text())
        return Matrix.model_validate(data)
    except OSError as exc:
        raise DesiredStateError(
            [Problem(str(path), "", f"cannot read the approvals file: {exc.strerror}")]
        ) from None
    except ValidationError as exc:
        raise DesiredStateError(
            [Problem(str(path), ".".join(map(str, e["loc"])), str(e["msg"])) for e in exc.errors()]
        ) from None
