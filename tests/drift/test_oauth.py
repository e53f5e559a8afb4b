"""Declared Clerk OAuth providers against the live ones, and the dashboard step each difference needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstop.plugin.model import DesiredStateError, load_document
from backstop.plugin.model.clerk_oauth import OAuthProvider
from backstop.runbook.drift.oauth import differences
from tests.support import ROOT

LIVE = {
    "google": {"enabled": True, "required": False, "authenticatable": True},
    "apple": {"enabled": False},
    "github": {"enabled": True, "required": False, "authenticatable": True},
}


def test_each_difference_is_described_with_its_dashboard_step() -> None:
    declared = [
        OAuthProvider(provider="google", required=True),
        OAuthProvider(provider="apple"),
        OAuthProvider(provider="microsoft", enabled=False),
    ]
    found = differences(declared, LIVE)
    assert [d.describe() for d in found] == [
        "oauth google: required true in the document, required false live",
        "oauth apple: on in the document, off live",
        "oauth github: off in the document, on live",
    ]
    steps = [d.step("ins_x", "production") for d in found]
    assert steps[0] == (
        "Clerk dashboard, production instance ins_x: Configure > SSO connections > Google: "
        "turn 'Required' (sign-up asks for it) on"
    )
    assert steps[1].endswith("Apple: add and enable it (with its client id and secret)")
    assert steps[2].endswith("GitHub: remove it")
    assert differences([OAuthProvider(provider="google"), OAuthProvider(provider="github")], LIVE) == []


def test_an_unknown_provider_or_a_repeated_one_is_refused_naming_the_field(tmp_path: Path) -> None:
    text = (ROOT / "snapshots" / "staging.yaml").read_text()
    for bad, reason in (
        ("    - provider: gogle\n", "'gogle' is not a Clerk OAuth provider id"),
        ("    - provider: google\n", "two entries have the same provider 'google'"),
    ):
        path = tmp_path / "staging.yaml"
        path.write_text(text.replace("    - provider: google\n", "    - provider: google\n" + bad, 1))
        with pytest.raises(DesiredStateError) as refused:
            load_document(path)
        message = str(refused.value)
        assert "clerk.oauth_providers" in message and reason in message, message
