"""The variables that should hold an endpoint's signing secret, and where they live: what a person fixes
when an app refuses a correctly signed delivery."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from backstop.plugin.model import DesiredState
from backstop.plugin.model.vercel import ValueFrom


@dataclass(frozen=True)
class Follower:
    stack: str
    """The stack whose document declares the variable (it writes it)."""
    variable: str
    where: str

    def describe(self) -> str:
        return f"{self.variable} in {self.where} (stack {self.stack})"


def _follows(source: ValueFrom | None, owner: str, stack: str, output: str) -> bool:
    if source is None:
        return False
    if source.output is not None:
        return owner == stack and source.output == output
    reference = source.stack_output
    return reference is not None and reference.stack == stack and reference.output == output


def followers(stack: str, output: str, documents: Mapping[str, DesiredState]) -> list[Follower]:
    """Every Vercel and Convex variable, in any stack's document, declared to follow `stack`'s `output`."""
    found = []
    for owner, document in sorted(documents.items()):
        for project, var in document.vercel.variables() if document.vercel else []:
            if _follows(var.value_from, owner, stack, output):
                branch = f", branch {var.git_branch}" if var.git_branch else ""
                where = (
                    f"Vercel project {project.key} ({project.id}), target {', '.join(var.targets)}{branch}"
                )
                found.append(Follower(owner, var.name, where))
        deployment = document.scope.convex.deployment if document.scope.convex else None
        for convex_var in document.convex.env if document.convex else []:
            if deployment and _follows(convex_var.value_from, owner, stack, output):
                found.append(Follower(owner, convex_var.name, f"Convex deployment {deployment}"))
    return found
