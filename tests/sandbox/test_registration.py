"""`POST /_sandbox/accounts`: a team's own accounts under its ids, each with a key the sandbox mints."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.sandbox.test_in_process import run


def test_registered_accounts_answer_with_their_minted_keys_under_the_teams_ids() -> None:
    tag = uuid.uuid4().hex[:8]
    org = str(uuid.uuid4())
    accounts: list[dict[str, Any]] = [
        {"vendor": "stripe", "name": f"acct_team_{tag}", "livemode": True},
        {"vendor": "clerk", "name": f"ins_team_{tag}", "livemode": True},
        {"vendor": "vapi", "name": f"org_{tag}", "external_id": org},
        {"vendor": "vercel", "name": f"team_{tag}", "projects": {f"prj_{tag}": "web"}},
        {"vendor": "convex", "name": f"happy-otter-{tag}", "livemode": True},
    ]
    body = {
        "accounts": accounts,
        "hosts": {
            "www.team.example": {
                "runtime": "vercel",
                "team": f"team_{tag}",
                "project": f"prj_{tag}",
                "target": "production",
            }
        },
    }

    async def calls(http: httpx.AsyncClient) -> dict[str, Any]:
        made = await http.post("/_sandbox/accounts", json=body)
        keys = made.json()["keys"]
        bearer = {v: {"Authorization": f"Bearer {keys[f'{v}/{n}']}"} for v, n in _names(accounts)}
        again = await http.post("/_sandbox/accounts", json={"accounts": [accounts[0]]})
        return {
            "made": made,
            "again": again.json()["keys"],
            "stripe": await http.get("/stripe/v1/webhook_endpoints", headers=bearer["stripe"]),
            "instance": await http.get("/clerk/v1/instance", headers=bearer["clerk"]),
            "tool": await http.post(
                "/vapi/tool",
                headers=bearer["vapi"],
                json={"type": "function", "function": {"name": "ping"}},
            ),
            "project": await http.get(
                f"/vercel/v9/projects/prj_{tag}", params={"teamId": f"team_{tag}"}, headers=bearer["vercel"]
            ),
            "health": await http.get("/apps/www.team.example/api/health"),
        }

    got = run(calls)
    assert got["made"].status_code == 201, got["made"].text
    keys = got["made"].json()["keys"]
    assert keys[f"stripe/acct_team_{tag}"].startswith("sk_live_")
    assert keys[f"convex/happy-otter-{tag}"].startswith(f"prod:happy-otter-{tag}|")
    assert got["again"] == {f"stripe/acct_team_{tag}": keys[f"stripe/acct_team_{tag}"]}, "registered once"
    assert got["stripe"].json()["data"] == []
    assert got["instance"].json()["environment_type"] == "production"
    assert got["tool"].json()["orgId"] == org
    assert got["project"].json()["name"] == "web"
    assert got["health"].status_code == 200, got["health"].text


def _names(accounts: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(a["vendor"], a["name"]) for a in accounts]


def test_bad_registrations_are_refused_whole() -> None:
    async def calls(http: httpx.AsyncClient) -> list[httpx.Response]:
        return [
            await http.post(
                "/_sandbox/accounts",
                json={"accounts": [{"vendor": "clerk", "name": "ins_derrimut_prod", "livemode": False}]},
            ),
            await http.post("/_sandbox/accounts", json={"accounts": [{"vendor": "ftp", "name": "x"}]}),
            await http.post(
                "/_sandbox/accounts",
                json={"accounts": [], "hosts": {"www.x.example": {"runtime": "vercel"}}},
            ),
        ]

    mode, vendor, host = run(calls)
    assert (mode.status_code, vendor.status_code, host.status_code) == (400, 400, 400)
    assert "exists already with livemode=True" in mode.json()["error"]
    assert "a Vercel app needs team, project and target" in host.json()["error"]


def test_a_clerk_instance_registers_with_the_social_connections_its_document_declares() -> None:
    tag = uuid.uuid4().hex[:8]
    social = [{"provider": "apple"}, {"provider": "google", "enabled": False, "required": True}]

    async def calls(http: httpx.AsyncClient) -> tuple[httpx.Response, httpx.Response]:
        spec = {"vendor": "clerk", "name": f"ins_team_{tag}", "livemode": True, "social": social}
        made = await http.post("/_sandbox/accounts", json={"accounts": [spec]})
        key = made.json()["keys"][f"clerk/ins_team_{tag}"]
        domains = (await http.get("/clerk/v1/domains", headers={"Authorization": f"Bearer {key}"})).json()
        host = domains["data"][0]["frontend_api_url"].removeprefix("https://")
        return made, await http.get(f"/clerk-frontend/{host}/v1/environment")

    made, environment = run(calls)
    assert made.status_code == 201, made.text
    live = environment.json()["user_settings"]["social"]
    assert sorted(live) == ["oauth_apple", "oauth_google"], "instead of the default"
    assert live["oauth_apple"]["enabled"] is True and live["oauth_google"]["enabled"] is False
    assert live["oauth_google"]["required"] is True
