"""The committed list of Stripe webhook event types is the installed SDK's, so it can't go stale."""

from __future__ import annotations

import typing

import stripe
from stripe.params import WebhookEndpointCreateParams

from backstop.plugin.model.stripe_events import STRIPE_VERSION, WEBHOOK_EVENT_TYPES


def test_the_event_types_are_the_installed_sdks() -> None:
    (literal,) = typing.get_args(WebhookEndpointCreateParams.__annotations__["enabled_events"])
    assert frozenset(typing.get_args(literal)) == WEBHOOK_EVENT_TYPES, (
        "regenerate backstop/plugin/model/stripe_events.py from the installed stripe SDK"
    )
    assert STRIPE_VERSION == stripe.VERSION
