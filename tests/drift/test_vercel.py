"""Sensitive values written after the last update, and live variables no stack declares."""

from __future__ import annotations

from datetime import UTC, datetime

from backstop.plugin.model import parse_document
from backstop.runbook.adopt.vercel import variable_urn
from backstop.runbook.drift.vercel import classify
from tests.model.test_vercel import VALID

DOC = parse_document(VALID, "prod.yaml")
BASELINE = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
BEFORE, AFTER = int(BASELINE.timestamp() * 1000) - 5_000, int(BASELINE.timestamp() * 1000) + 5_000


def live(key: str, targets: list[str], updated: int, env_id: str) -> dict[str, object]:
    return {"id": env_id, "key": key, "target": targets, "updatedAt": updated}


def test_a_sensitive_value_written_after_the_last_update_is_out_of_band() -> None:
    managed = {variable_urn("prod", k) for k in ("deploy-key", "stripe-webhook-secret", "convex-url")}
    lives = {
        "prj_Platform1": [
            live("CONVEX_DEPLOY_KEY", ["production"], AFTER, "env_1"),
            live("STRIPE_WEBHOOK_SECRET", ["production"], BEFORE, "env_2"),
            live("NEXT_PUBLIC_CONVEX_URL", ["production"], AFTER, "env_3"),
        ]
    }
    out_of_band, unmanaged = classify(DOC, lives, managed, BASELINE)
    assert [(o.key, o.urn) for o in out_of_band] == [("deploy-key", variable_urn("prod", "deploy-key"))]
    assert unmanaged == []


def test_variables_not_in_the_state_or_without_a_baseline_are_not_out_of_band() -> None:
    lives = {"prj_Platform1": [live("CONVEX_DEPLOY_KEY", ["production"], AFTER, "env_1")]}
    assert classify(DOC, lives, set(), BASELINE)[0] == []
    assert classify(DOC, lives, {variable_urn("prod", "deploy-key")}, None)[0] == []


def test_live_variables_no_declaration_matches_are_unmanaged() -> None:
    lives = {
        "prj_Platform1": [
            live("LEGACY_FLAG", ["production"], BEFORE, "env_7"),
            live("CONVEX_DEPLOY_KEY", ["production", "preview"], BEFORE, "env_8"),
        ],
        "prj_Other": [live("ELSEWHERE", ["production"], BEFORE, "env_9")],
    }
    _, unmanaged = classify(DOC, lives, set(), BASELINE)
    assert [(u.name, u.targets, u.env_id) for u in unmanaged] == [
        ("LEGACY_FLAG", ["production"], "env_7"),
        ("CONVEX_DEPLOY_KEY", ["preview", "production"], "env_8"),
    ]
