"""The derrimut fixture's two Convex deployments, through the control API."""

from __future__ import annotations

from sandbox.convex import ids
from tests.sandbox.convex.conftest import PROD, STAGING, Json
from tests.support import SandboxProcess


def test_each_deployment_has_the_runbooks_26_tables(sandbox: SandboxProcess, derrimut: Json) -> None:
    state = sandbox.dump()["convex"]
    assert derrimut[PROD]["stack"] == "prod" and derrimut[STAGING]["stack"] == "staging"
    for name in (PROD, STAGING):
        data = state[name]
        numbers = {row["name"]: row["id"] for row in data["_tables"].values()}
        assert len(numbers) == 26 and {"users", "memberships", "orders", "bookings"} <= set(numbers)
        for table, number in numbers.items():
            assert data[table], f"{name}.{table} holds documents"
            assert len(data[table]) == derrimut[name]["tables"][table]
            assert all(ids.table_number(i) == number for i in data[table])
        users = set(data["users"])
        assert all(m["userId"] in users for m in data["memberships"].values()), "ids link documents"
    assert set(state[PROD]["users"]).isdisjoint(state[STAGING]["users"])


def test_dump_and_load_carry_the_deployments(sandbox: SandboxProcess, derrimut: Json) -> None:
    state = sandbox.dump()
    sandbox.reset()
    assert "convex" not in sandbox.dump()
    sandbox.load(state)
    assert sandbox.dump()["convex"] == state["convex"]
