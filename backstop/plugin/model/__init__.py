"""The desired-state model: what should be live, per stack, validated whole before anything runs."""

from backstop.plugin.model.document import DesiredState
from backstop.plugin.model.errors import DesiredStateError, Problem
from backstop.plugin.model.loader import load_document, parse_document

__all__ = ["DesiredState", "DesiredStateError", "Problem", "load_document", "parse_document"]
