"""The desired-state model: what should be live, per stack, validated whole before anything runs."""

from backstop.model.document import DesiredState
from backstop.model.errors import DesiredStateError, Problem
from backstop.model.loader import load_document, parse_document

__all__ = ["DesiredState", "DesiredStateError", "Problem", "load_document", "parse_document"]
