"""Reading Vercel variables' values for capture: one GET each (the listing holds them encrypted), a bounded
number at once, in the listing's order; none at all for drift's unmanaged check, which compares names."""

from __future__ import annotations

import asyncio
from typing import Any

from backstop.runbook.capture.vercel import VALUE_READS, capture


class Api:
    def __init__(self, count: int) -> None:
        self.envs = [
            {"id": f"env_{i}", "key": f"FLAG_{i:03}", "type": "plain", "target": ["production"]}
            for i in range(count)
        ]
        self.reads = 0
        self.open = self.most_open = 0

    async def env_vars(self, project: str) -> list[dict[str, Any]]:
        return [dict(e) for e in self.envs]

    async def env_var(self, project: str, env_id: str) -> dict[str, Any] | None:
        self.reads += 1
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        await asyncio.sleep(0.001)
        self.open -= 1
        return {"id": env_id, "value": f"value-of-{env_id}"}


def test_values_are_read_a_bounded_number_at_once_and_land_on_their_variables() -> None:
    api = Api(40)
    captured = asyncio.run(capture(api, ["prj_1"]))  # type: ignore[arg-type]
    (project,) = captured.section["projects"]
    assert [e["value"] for e in project["env"]] == [f"value-of-env_{i}" for i in range(40)]
    assert api.reads == 40 and 1 < api.most_open <= VALUE_READS


def test_without_values_nothing_is_read_one_by_one_and_no_value_is_kept() -> None:
    api = Api(5)
    captured = asyncio.run(capture(api, ["prj_1"], values=False))  # type: ignore[arg-type]
    (project,) = captured.section["projects"]
    assert api.reads == 0
    assert [(e["name"], e["targets"]) for e in project["env"]] == [
        (f"FLAG_{i:03}", ["production"]) for i in range(5)
    ]
    assert all("value" not in e for e in project["env"]) and captured.secrets == {}
