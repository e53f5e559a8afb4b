"""Which updates run in two phases, what phase 1 targets, and the plugin's refusal to create an object
whose secret only the state keeps in a run that skips checkpoints."""

from __future__ import annotations

import asyncio
import os
import re
from types import SimpleNamespace
from typing import Any

import pytest
from pulumi import automation as auto
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import ConfigureRequest, CreateRequest

from backstop.plugin.model import load_document
from backstop.plugin.model.document import DesiredState
from backstop.plugin.model.secret_bearing import NEEDS_CHECKPOINTS, SECRET_BEARING
from backstop.plugin.provider.context import ProviderError
from backstop.plugin.provider.dispatcher import REGISTRY, BackstopProvider
from backstop.plugin.provider.props import property_map
from backstop.runbook.adopt import phases
from backstop.runbook.adopt.runner import up_adopting
from tests.support import ROOT

STATE = [
    {"type": "pulumi:pulumi:Stack", "urn": "urn:pulumi:prod::platform-config::pulumi:pulumi:Stack::x"},
    {
        "type": "pulumi:providers:backstop",
        "urn": "urn:pulumi:prod::platform-config::pulumi:providers:backstop::b",
    },
]
ENDPOINT = (
    "urn:pulumi:prod::platform-config::backstop:components:StripeBilling$backstop:stripe:WebhookEndpoint"
    "::stripe-webhook-app"
)
SVIX = "urn:pulumi:prod::platform-config::backstop:components:ClerkAuth$backstop:clerk:WebhookEndpoint::svix-users"
PRICE = "urn:pulumi:prod::platform-config::backstop:components:StripeBilling$backstop:stripe:Price::price-pro"
COMPONENT = "urn:pulumi:prod::platform-config::backstop:components:StripeBilling::stripe"
VARIABLE = (
    "urn:pulumi:prod::platform-config::backstop:components:VercelEnv$vercel:index/projectEnvironmentVariable:"
    "ProjectEnvironmentVariable::prj-KEY"
)


def matches(glob: str, urn: str) -> bool:
    """The engine's glob rule (pkg/resource/deploy/deployment.go): `**` any text, `*` any but a colon."""
    pattern = ".*".join("[^:]*".join(re.escape(p) for p in seg.split("*")) for seg in glob.split("**"))
    return re.fullmatch(pattern, urn) is not None


def test_small_updates_run_in_one_phase_and_the_size_is_every_declared_object(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(phases.MIN_OBJECTS_ENV, raising=False)
    assert phases.plan("prod", "platform-config", phases.DEFAULT_MIN_OBJECTS - 1) is None
    assert phases.plan("prod", "platform-config", phases.DEFAULT_MIN_OBJECTS) is not None
    monkeypatch.setenv(phases.MIN_OBJECTS_ENV, "0")
    assert phases.plan("prod", "platform-config", 0) is not None
    monkeypatch.setenv(phases.MIN_OBJECTS_ENV, "many")
    with pytest.raises(ValueError, match="BACKSTOP_TWO_PHASE_MIN_OBJECTS='many': a whole number"):
        phases.threshold()
    prod = load_document(ROOT / "snapshots" / "prod.yaml")
    assert prod.vercel is not None and prod.stripe is not None
    variables = sum(len(p.env) for p in prod.vercel.projects)
    endpoints = len(prod.stripe.webhook_endpoints)
    assert phases.declared_objects(prod) > variables + endpoints > 20


def test_phase_one_targets_the_secret_bearing_objects_and_their_components_only() -> None:
    two = phases.plan("prod", "platform-config", 10_000)
    assert two is not None

    def targeted(urn: str) -> bool:
        return any(matches(glob, urn) for glob in two.targets)

    assert targeted(ENDPOINT) and targeted(SVIX) and targeted(COMPONENT)
    assert all(targeted(r["urn"]) for r in STATE), "the stack and its providers, for an empty stack"
    assert not targeted(PRICE) and not targeted(VARIABLE)
    assert not targeted(ENDPOINT.replace(":prod::", ":staging::")), "never another stack's"
    assert phases.secret_bearing(ENDPOINT) and phases.secret_bearing(SVIX)
    assert not phases.secret_bearing(PRICE) and not phases.secret_bearing(COMPONENT)
    assert set(REGISTRY) >= SECRET_BEARING, "every secret-bearing type is one the plugin serves"


def test_the_plugin_refuses_a_secret_bearing_create_when_checkpoints_are_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provider = BackstopProvider()
    args = {"stripeApiKey": PropertyValue("sk_test_canary", is_secret=True)}
    asyncio.run(provider.configure(ConfigureRequest({}, args, True, True)))
    monkeypatch.setenv("PULUMI_SKIP_CHECKPOINTS", "true")
    inputs = {"url": "https://app.example.com/stripe", "enabledEvents": ["invoice.paid"], "disabled": False}
    with pytest.raises(ProviderError) as refused:
        asyncio.run(provider.create(CreateRequest(ENDPOINT, property_map(inputs), 60, False)))
    message = str(refused.value)
    assert message.startswith(
        f"{NEEDS_CHECKPOINTS}: {ENDPOINT} is not created in a run that skips checkpoints"
    )
    assert phases.refused_without_checkpoints(f"error: {message}")
    assert "sk_test_canary" not in message
    # A preview creates nothing and is never refused.
    asyncio.run(provider.create(CreateRequest(ENDPOINT, property_map(inputs), 60, True)))


class FakeStack:
    """Records each `up` it is asked for and the checkpoint mode it ran in; refuses, as the plugin does, a
    skipped-checkpoint run while `refuse` is set."""

    name = "prod"

    def __init__(self, refuse: bool) -> None:
        self.refuse = refuse
        self.runs: list[tuple[dict[str, Any], bool]] = []

    def up(self, **options: Any) -> SimpleNamespace:
        skipping = os.environ.get("PULUMI_SKIP_CHECKPOINTS") == "true"
        self.runs.append(({k: v for k, v in options.items() if k in ("target", "replace")}, skipping))
        if skipping and self.refuse:
            raise auto.errors.CommandError(
                auto.CommandResult(stdout="", stderr=f"error: {NEEDS_CHECKPOINTS}: … ", code=255)
            )
        return SimpleNamespace(summary=SimpleNamespace(resource_changes={"create": 1, "same": 3}))


class FakeSession:
    def __init__(self, stack: FakeStack) -> None:
        self.stack = stack

    def invalidate(self) -> None:
        return


@pytest.mark.parametrize("refuse", [False, True])
def test_phase_one_runs_the_endpoints_then_phase_two_the_rest_and_a_refusal_keeps_checkpoints(
    refuse: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_SKIP_CHECKPOINTS", raising=False)
    stack = FakeStack(refuse)
    two = phases.TwoPhases(["urn:glob"])
    document = DesiredState.model_validate({"version": 1, "stack": "prod", "scope": {}})
    result, adopted = up_adopting(FakeSession(stack), document, None, two, replace=[ENDPOINT, PRICE])  # type: ignore[arg-type]

    # Phase 1's creates are counted in the result, its unchanged objects are not counted twice.
    assert result.summary.resource_changes == {"create": 2, "same": 3}
    assert stack.runs[0] == ({"target": ["urn:glob"], "replace": [ENDPOINT]}, False)
    assert stack.runs[1] == ({"replace": [PRICE]}, True), "phase 2 never replaces an endpoint again"
    if refuse:
        assert stack.runs[2] == ({"replace": [PRICE]}, False)
        assert adopted.phases[1].startswith("phase 2 stopped: an object whose secret only the state keeps")
    else:
        assert len(stack.runs) == 2
        assert adopted.phases[1] == "phase 2: everything else, checkpoints skipped"
    assert os.environ.get("PULUMI_SKIP_CHECKPOINTS") is None, "the environment is put back"
