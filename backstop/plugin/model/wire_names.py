"""A field's name on the wire (camelCase) and back (snake_case), computed once per name: pydantic's
converters run regular expressions, and the plugin converts every field of every object it reads."""

from __future__ import annotations

from functools import cache

from pydantic.alias_generators import to_camel, to_snake


@cache
def wire_name(field: str) -> str:
    return to_camel(field)


@cache
def field_name(wire: str) -> str:
    return to_snake(wire)
