"""Capturing a Convex deployment's variables: credentials to config, the rest inline, endpoint wiring kept
(re-keyed to the captured endpoint) and never a shared config key overwritten."""

from __future__ import annotations

import asyncio
from typing import Any

from backstop.runbook.capture.convex import capture


class Api:
    def __init__(self, variables: dict[str, str]) -> None:
        self._variables = variables

    async def variables(self) -> dict[str, str]:
        return dict(self._variables)


CURRENT: dict[str, Any] = {
    "env": [
        {
            "key": "billing-secret",
            "name": "STRIPE_WEBHOOK_SECRET",
            "value_from": {"output": "stripe.old.secret"},
        },
        {"key": "gemini", "name": "GEMINI_API_KEY", "value_from": {"secret": "vercel-gemini-api-key"}},
        {"key": "vapi", "name": "VAPI_API_KEY", "value_from": {"secret": "convex-vapi"}},
    ]
}
LIVE = {
    "STRIPE_WEBHOOK_SECRET": "whsec_canary_live",
    "GEMINI_API_KEY": "AIza-canary",
    "VAPI_API_KEY": "vapi-canary",
    "GEMINI_MODEL": "gemini-2.5-flash",
    "CLERK_WEBHOOK_SECRET": "whsec_canary_clerk",
}


def test_wiring_is_kept_secrets_go_to_config_and_plain_values_inline() -> None:
    rewired = {"stripe.old.secret": "stripe.webhook_endpoints.captured-key.secret"}
    captured = asyncio.run(capture(Api(LIVE), CURRENT, rewired.get))  # type: ignore[arg-type]
    by_name = {entry["name"]: entry for entry in captured.section["env"]}
    assert by_name["STRIPE_WEBHOOK_SECRET"] == {
        "key": "billing-secret",
        "name": "STRIPE_WEBHOOK_SECRET",
        "value_from": {"output": "stripe.webhook_endpoints.captured-key.secret"},
    }
    # Vercel's config key is never overwritten with Convex's value: the variable gets its own.
    assert by_name["GEMINI_API_KEY"]["value_from"] == {"secret": "convex-gemini"}
    assert by_name["VAPI_API_KEY"]["value_from"] == {"secret": "convex-vapi"}
    assert by_name["GEMINI_MODEL"] == {
        "key": "gemini-model",
        "name": "GEMINI_MODEL",
        "value": "gemini-2.5-flash",
    }
    assert by_name["CLERK_WEBHOOK_SECRET"]["value_from"] == {"secret": "convex-clerk-webhook-secret"}
    assert captured.secrets == {
        "convex-gemini": "AIza-canary",
        "convex-vapi": "vapi-canary",
        "convex-clerk-webhook-secret": "whsec_canary_clerk",
    }
    assert "canary" not in str(captured.section), "no credential in the document"


def test_wiring_to_an_endpoint_the_capture_doesnt_declare_falls_back_to_a_secret() -> None:
    captured = asyncio.run(capture(Api(LIVE), CURRENT))  # type: ignore[arg-type]
    by_name = {entry["name"]: entry for entry in captured.section["env"]}
    assert by_name["STRIPE_WEBHOOK_SECRET"]["value_from"] == {"secret": "convex-billing-secret"}
    assert captured.secrets["convex-billing-secret"] == "whsec_canary_live"


def test_a_followed_signing_secret_stays_out_of_the_document_whatever_its_name() -> None:
    current = {"env": [{"key": "hook", "name": "HOOK", "value_from": {"output": "clerk.old.secret"}}]}
    captured = asyncio.run(capture(Api({"HOOK": "whsec_canary_hook"}), current))  # type: ignore[arg-type]
    (entry,) = captured.section["env"]
    assert entry["value_from"] == {"secret": "convex-hook"} and "value" not in entry
    assert captured.secrets == {"convex-hook": "whsec_canary_hook"}
