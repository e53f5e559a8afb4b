"""Rules across the stacks of one project: a Vercel project's variables, and a Convex deployment's, belong
to exactly one stack."""

from __future__ import annotations

from pathlib import Path

from backstop.plugin.model.document import DesiredState
from backstop.plugin.model.errors import DesiredStateError, Problem
from backstop.plugin.model.loader import load_document


def sibling_documents(path: Path, stack: str) -> dict[str, DesiredState]:
    """The other stacks' documents next to `path` (`<dir>/<stack>.yaml`); unreadable ones are skipped."""
    found: dict[str, DesiredState] = {}
    for candidate in sorted(path.parent.glob("*.yaml")):
        if candidate.resolve() == path.resolve():
            continue
        try:
            other = load_document(candidate)
        except DesiredStateError:
            continue
        if other.stack != stack and candidate.stem == other.stack:
            found[other.stack] = other
    return found


def check_ownership(document: DesiredState, path: Path) -> None:
    """Refuse a Vercel project or a Convex deployment that another stack's document also claims."""
    siblings = (
        sibling_documents(path, document.stack) if document.scope.vercel or document.scope.convex else {}
    )
    problems = [
        Problem(
            str(path),
            "scope.convex.deployment",
            f"deployment {document.scope.convex.deployment} is also claimed by stack {name} "
            f"({path.parent / (name + '.yaml')}); a deployment's variables belong to exactly one stack",
        )
        for name, other in siblings.items()
        if document.scope.convex is not None
        and other.scope.convex is not None
        and other.scope.convex.deployment == document.scope.convex.deployment
    ]
    if document.scope.vercel is None:
        if problems:
            raise DesiredStateError(problems)
        return
    problems += [
        Problem(
            str(path),
            "scope.vercel.projects",
            f"project {project} is also claimed by stack {name} ({path.parent / (name + '.yaml')}); "
            "a project's variables belong to exactly one stack",
        )
        for name, other in siblings.items()
        if other.scope.vercel is not None
        for project in document.scope.vercel.projects
        if project in other.scope.vercel.projects
    ]
    if problems:
        raise DesiredStateError(problems)
