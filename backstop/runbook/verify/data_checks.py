"""The document's data checks (`verify:`) run on a restored database's export: each counts the documents of
its table that meet every condition and compares the count with its bounds.

Comparisons: `==` and `!=` compare JSON values exactly (type and value: `1` is not `"1"`, `true` is not `1`;
a JSON number is one type, so `1` is `1.0`); `<`, `<=`, `>`, `>=` order numbers with numbers and strings
with strings, anything else does not match; a document that lacks the field matches no comparison (write
`missing` for that); `exists` and `missing` test only presence (a `null` value is present). `"now"` is
`now_ms`, whatever the op. Results carry counts and conditions as written, never a value from the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from backstop.plugin.model.data_checks import NOW, Condition, DataCheck
from backstop.runbook.db.snapshot import Document, Snapshot

_ABSENT = object()
"""What a field lookup finds when a part of the dotted path is not there."""


@dataclass(frozen=True)
class DataCheckResult:
    key: str
    table: str
    passed: bool
    count: int
    """Documents that meet every condition (0 when the table is not in the export)."""
    expected: str
    """The bounds as a person reads them: `≥ 1`, `≤ 5`, `exactly 3`, `between 1 and 5`."""
    detail: str
    """One line: `3 of 5 memberships match (status == active): expected ≥ 1`."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def run_data_checks(checks: Sequence[DataCheck], snapshot: Snapshot, now_ms: int) -> list[DataCheckResult]:
    """Every check's result, in the checks' order; each table of the export is read once."""
    present = set(snapshot.tables)
    tallies = [[0, 0] for _ in checks]
    """Per check, by position: the table's documents, and those that meet every condition."""
    for table in sorted({check.table for check in checks} & present):
        on_table = [
            (tallies[i], [_resolved(w, now_ms) for w in c.where])
            for i, c in enumerate(checks)
            if c.table == table
        ]
        for document in snapshot.documents(table):
            for tally, where in on_table:
                tally[0] += 1
                if all(_holds(condition, value, document) for condition, value in where):
                    tally[1] += 1
    return [
        _result(check, tally, check.table in present) for check, tally in zip(checks, tallies, strict=True)
    ]


def expected(check: DataCheck) -> str:
    low, high = check.min_count, check.max_count
    if high is None:
        return f"≥ {low}"
    if low == high:
        return f"exactly {low}"
    if low == 0:
        return f"≤ {high}"
    return f"between {low} and {high}"


def _result(check: DataCheck, tally: list[int], present: bool) -> DataCheckResult:
    bounds = expected(check)
    if not present:
        detail = f"table {check.table} is not in the export: expected {bounds}"
        return DataCheckResult(check.key, check.table, False, 0, bounds, detail)
    total, count = tally
    if check.where:
        conditions = " and ".join(str(condition) for condition in check.where)
        found = f"{count} of {total} {check.table} match ({conditions})"
    else:
        found = f"{count} {check.table} documents"
    passed = count >= check.min_count and (check.max_count is None or count <= check.max_count)
    return DataCheckResult(check.key, check.table, passed, count, bounds, f"{found}: expected {bounds}")


def _resolved(condition: Condition, now_ms: int) -> tuple[Condition, Any]:
    return condition, now_ms if condition.value == NOW else condition.value


def _lookup(document: Document, path: str) -> Any:
    node: Any = document
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _ABSENT
        node = node[part]
    return node


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(found: Any, wanted: Any) -> bool:
    """JSON equality: numbers with numbers, otherwise the same type and value."""
    if _number(found) and _number(wanted):
        return bool(found == wanted)
    return type(found) is type(wanted) and bool(found == wanted)


def _holds(condition: Condition, wanted: Any, document: Document) -> bool:
    found = _lookup(document, condition.field)
    op = condition.op
    if op == "exists":
        return found is not _ABSENT
    if op == "missing":
        return found is _ABSENT
    if found is _ABSENT:
        return False
    if op == "==":
        return _same(found, wanted)
    if op == "!=":
        return not _same(found, wanted)
    if not (_number(found) and _number(wanted)) and not (isinstance(found, str) and isinstance(wanted, str)):
        return False
    if op == "<":
        return bool(found < wanted)
    if op == "<=":
        return bool(found <= wanted)
    if op == ">":
        return bool(found > wanted)
    return bool(found >= wanted)
