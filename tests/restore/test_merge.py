"""The document a restore applies: the backup's objects, what came later (unless exact), the target's identity."""

from __future__ import annotations

from typing import Any

from backstop.runbook.restore.merge import merge

BACKUP: dict[str, Any] = {
    "version": 1,
    "stack": "prod",
    "scope": {"stripe": {"mode": "live"}},
    "stripe": {"webhook_endpoints": [{"key": "app", "url": "https://old.example.com"}]},
    "vercel": {"redeploy_hook": "old-hook", "projects": [{"key": "p", "id": "prj_1", "env": []}]},
}
CURRENT: dict[str, Any] = {
    "version": 1,
    "stack": "staging",
    "scope": {"stripe": {"mode": "test"}},
    "stripe": {
        "webhook_endpoints": [
            {"key": "app", "url": "https://new.example.com"},
            {"key": "partner", "url": "https://partner.example.com"},
        ]
    },
    "vercel": {"projects": [{"key": "p", "id": "prj_1", "env": [{"key": "flag", "name": "FLAG"}]}]},
}


def test_backup_objects_win_and_later_objects_are_kept() -> None:
    merged = merge(BACKUP, CURRENT)
    endpoints = merged.document["stripe"]["webhook_endpoints"]
    assert endpoints == [
        {"key": "app", "url": "https://old.example.com"},
        {"key": "partner", "url": "https://partner.example.com"},
    ]
    assert merged.newer == ["stripe.webhook_endpoints/partner", "vercel.projects/p.env/flag"]
    assert (merged.document["stack"], merged.document["scope"]) == ("staging", {"stripe": {"mode": "test"}})


def test_exact_applies_the_backup_alone() -> None:
    merged = merge(BACKUP, CURRENT, exact=True)
    assert [e["key"] for e in merged.document["stripe"]["webhook_endpoints"]] == ["app"]
    assert merged.newer == []


def test_operational_settings_are_always_the_current_documents() -> None:
    assert "redeploy_hook" not in merge(BACKUP, CURRENT).document["vercel"]
    current = {**CURRENT, "vercel": {**CURRENT["vercel"], "redeploy_hook": "new-hook"}}
    assert merge(BACKUP, current, exact=True).document["vercel"]["redeploy_hook"] == "new-hook"


def test_smoke_checks_are_always_the_current_documents() -> None:
    old = [{"key": "health", "url": "https://old.example.com/health"}]
    new = [
        {"key": "health", "url": "https://new.example.com/health"},
        {"key": "api", "url": "https://a.example"},
    ]
    backup = {**BACKUP, "checks": old}
    for exact in (False, True):
        merged = merge(backup, {**CURRENT, "checks": new}, exact=exact)
        assert merged.document["checks"] == new and not [n for n in merged.newer if n.startswith("checks")]
        assert "checks" not in merge(backup, CURRENT, exact=exact).document
