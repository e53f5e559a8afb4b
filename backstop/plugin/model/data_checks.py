"""`verify:`: data checks of a restored Convex database export, run by `backstop verify` (the weekly backup
verification) on the database the chosen backup restored.

Each names a table, conditions every counted document must meet (a dotted field, an operator and, for a
comparison, a JSON value; `"now"` is the current time in milliseconds since the epoch) and how many such
documents there must be. Values in the data are never reported: only counts and the conditions as written.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from backstop.plugin.model.common import Key, Strict, no_repeats

FieldPath = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")]
"""Dotted keys into a document (`status`, `address.city`); each part walks one nested object."""
TableName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]
Op = Literal["==", "!=", "<", "<=", ">", ">=", "exists", "missing"]
PRESENCE: tuple[Op, ...] = ("exists", "missing")
"""Operators that test only whether the field is there (a `null` value is there), so take no value."""
ORDERING: tuple[Op, ...] = ("<", "<=", ">", ">=")
"""Operators that order numbers with numbers and strings with strings."""
NOW = "now"
"""The value that stands for the current time, in milliseconds since the epoch."""


class Condition(Strict):
    field: FieldPath
    op: Op
    value: str | int | float | bool | None = None
    """The JSON value compared with (every op but exists/missing); `now` is the current time in ms."""

    @model_validator(mode="after")
    def _value_with_comparisons(self) -> Condition:
        given = "value" in self.model_fields_set
        if self.op in PRESENCE and given:
            raise ValueError(f"op {self.op} tests only that the field is there: it takes no value")
        if self.op not in PRESENCE and not given:
            raise ValueError(f"op {self.op} compares the field with a value: write value (null is one)")
        if self.op in ORDERING and (self.value is None or isinstance(self.value, bool)):
            raise ValueError(f"op {self.op} orders numbers or strings: value must be one (or now)")
        return self

    def __str__(self) -> str:
        """The condition as written (`status == active`, `deletedAt missing`)."""
        if self.op in PRESENCE:
            return f"{self.field} {self.op}"
        return f"{self.field} {self.op} {json_text(self.value)}"


def json_text(value: str | int | float | bool | None) -> str:
    """A value as the YAML has it: a string bare, `true`/`false`/`null` in lower case."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class DataCheck(Strict):
    key: Key
    table: TableName
    where: list[Condition] = Field(default_factory=list)
    """Every condition must hold for a document to count; none counts every document of the table."""
    min_count: int = Field(default=1, ge=0)
    max_count: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _bounds_in_order(self) -> DataCheck:
        if self.max_count is not None and self.min_count > self.max_count:
            raise ValueError(f"min_count {self.min_count} is above max_count {self.max_count}")
        return self


def unique_data_checks(checks: list[DataCheck]) -> list[DataCheck]:
    no_repeats("key", [check.key for check in checks])
    return checks
