"""Data checks in the desired state (`verify:`): a table name, dotted fields, a value exactly when the
operator compares, ordering only with numbers and strings, bounds in order, unique keys; each refusal names
the file and the path."""

from __future__ import annotations

import pytest

from backstop.plugin.model import DesiredStateError, parse_document

HEAD = """\
version: 1
stack: staging
scope:
  stripe: {mode: test}
verify:
"""


def problems(checks: str) -> list[str]:
    with pytest.raises(DesiredStateError) as caught:
        parse_document(HEAD + checks, "snapshots/staging.yaml")
    assert "snapshots/staging.yaml" in str(caught.value)
    return [str(p) for p in caught.value.problems]


def test_a_valid_section_loads_with_its_defaults() -> None:
    document = parse_document(
        HEAD
        + """\
  - key: active
    table: memberships
    where: [{field: status, op: "==", value: active}, {field: plan.amountCents, op: ">", value: 0}]
  - key: recent
    table: bookings
    where: [{field: bookedAt, op: "<=", value: now}, {field: cancelledAt, op: missing}]
    min_count: 0
    max_count: 500
""",
        "snapshots/staging.yaml",
    )
    active, recent = document.verify
    assert (active.min_count, active.max_count) == (1, None)
    assert str(active.where[1]) == "plan.amountCents > 0"
    assert str(recent.where[1]) == "cancelledAt missing"
    assert recent.where[0].value == "now"


@pytest.mark.parametrize(
    ("check", "reason"),
    [
        ("{key: a, table: users, where: [{field: email, op: exists, value: 1}]}", "takes no value"),
        ("{key: a, table: users, where: [{field: email, op: '=='}]}", "write value"),
        ("{key: a, table: users, where: [{field: age, op: '>', value: true}]}", "orders numbers or strings"),
        ("{key: a, table: users, where: [{field: age, op: '<', value: null}]}", "orders numbers or strings"),
        ("{key: a, table: users, where: [{field: email, op: like, value: x}]}", "where[0].op"),
        ("{key: a, table: users, where: [{field: 'a..b', op: exists}]}", "where[0].field"),
        ("{key: a, table: 9users}", "table"),
        ("{key: a, table: users, min_count: 3, max_count: 2}", "min_count 3 is above max_count 2"),
        ("{key: a, table: users, min_count: -1}", "min_count"),
        ("{key: a, table: users, filter: x}", "filter"),
    ],
)
def test_a_bad_check_is_refused_with_its_path(check: str, reason: str) -> None:
    found = problems(f"  - {check}\n")
    assert any(reason in p and "verify[0]" in p for p in found), found


def test_keys_are_unique() -> None:
    found = problems("  - {key: a, table: users}\n  - {key: a, table: orders}\n")
    assert any("a" in p and "verify" in p for p in found), found


def test_the_demo_documents_declare_the_runbook_spot_checks() -> None:
    from pathlib import Path

    for stack in ("prod", "staging"):
        path = Path(__file__).parents[2] / "snapshots" / f"{stack}.yaml"
        document = parse_document(path.read_text(), str(path))
        assert {c.table for c in document.verify} == {"users", "memberships", "orders", "bookings"}
