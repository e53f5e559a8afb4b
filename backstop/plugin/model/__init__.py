"""The desired-state model: what should be live, per stack, validated whole before anything runs.

The names below load on first use: the plugin imports single vendor models (`model.stripe_catalog`) and
never the whole document's, which costs a fifth of a second to build."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backstop.plugin.model.document import DesiredState
    from backstop.plugin.model.errors import DesiredStateError, Problem
    from backstop.plugin.model.loader import load_document, parse_document

__all__ = ["DesiredState", "DesiredStateError", "Problem", "load_document", "parse_document"]

_HOMES = {
    "DesiredState": "document",
    "DesiredStateError": "errors",
    "Problem": "errors",
    "load_document": "loader",
    "parse_document": "loader",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
