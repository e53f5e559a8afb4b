"""The sandbox's ASGI application in-process (no server, no socket), as a test can embed it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from sandbox.app import build_app
from sandbox.core.accounts import keys
from sandbox.core.context import Sandbox
from sandbox.core.ids import IdFactory
from sandbox.core.store import Store


def run(calls: Any) -> Any:
    async def main() -> Any:
        app = build_app(Sandbox(store=Store(), ids=IdFactory(1)))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://sandbox"
        ) as http:
            return await calls(http)

    return asyncio.run(main())


def test_every_vendor_answers_in_process() -> None:
    async def calls(http: httpx.AsyncClient) -> dict[str, int]:
        fixture = await http.post("/_sandbox/fixtures/derrimut")
        stripe = await http.get("/stripe/v1/products", auth=(keys("stripe")["acct_derrimut_staging"], ""))
        clerk = await http.get(
            "/clerk/v1/redirect_urls",
            headers={"Authorization": f"Bearer {keys('clerk')['ins_derrimut_staging']}"},
        )
        vapi = await http.get(
            "/vapi/assistant", headers={"Authorization": f"Bearer {keys('vapi')['org_derrimut']}"}
        )
        vercel = await http.get(
            "/vercel/v10/projects/derrimut-platform/env",
            params={"teamId": "team_derrimut"},
            headers={"Authorization": f"Bearer {keys('vercel')['team_derrimut']}"},
        )
        dump = (await http.get("/_sandbox/dump")).json()
        return {
            "fixture": fixture.status_code,
            "stripe": len(stripe.json()["data"]),
            "clerk": len(clerk.json()),
            "vapi": len(vapi.json()),
            "vercel": len(vercel.json()["envs"]),
            "vendors": len(dump),
        }

    counts = run(calls)
    assert counts["fixture"] == 200 and counts["stripe"] == 4 and counts["clerk"] == 3
    assert counts["vapi"] >= 4 and counts["vercel"] == 24 and counts["vendors"] >= 4


def test_seeded_in_process_sandboxes_agree() -> None:
    async def calls(http: httpx.AsyncClient) -> Any:
        return (await http.post("/_sandbox/fixtures/derrimut")).json()

    assert run(calls) == run(calls)
