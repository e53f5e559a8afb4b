"""Test deliveries are signed exactly as the vendors document it, and the vendors' own verifiers agree."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
import stripe
from svix.webhooks import Webhook, WebhookVerificationError

from backstop.plugin.model.clerk_webhook_endpoints import CLERK_EVENT_TYPES
from backstop.plugin.model.stripe import webhook_event_types
from backstop.runbook.check.events import ID_PREFIX, TYPE, ping_event
from backstop.runbook.check.signing import SigningError, stripe_headers, svix_headers

STRIPE_SECRET = "whsec_canaryStripeSigningSecret0001"
SVIX_KEY = b"canary-svix-signing-key!"
SVIX_SECRET = "whsec_" + base64.b64encode(SVIX_KEY).decode()


def test_stripe_signature_is_hmac_sha256_of_timestamp_dot_payload_and_stripe_verifies_it() -> None:
    now = int(time.time())
    event = ping_event("stripe", "prod", "app-payments", now)
    header = stripe_headers(event.payload, STRIPE_SECRET, now)["Stripe-Signature"]

    expected = hmac.new(STRIPE_SECRET.encode(), f"{now}.{event.payload}".encode(), hashlib.sha256).hexdigest()
    assert header == f"t={now},v1={expected}"
    stripe.WebhookSignature.verify_header(event.payload, header, STRIPE_SECRET, tolerance=300)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(event.payload, header, "whsec_anotherSecret", tolerance=300)


def test_svix_signature_uses_the_decoded_key_over_id_timestamp_payload_and_svix_verifies_it() -> None:
    now = int(time.time())
    event = ping_event("clerk", "prod", "convex-users", now)
    headers = svix_headers(event.id, event.payload, SVIX_SECRET, now)

    signed = f"{event.id}.{now}.{event.payload}".encode()
    expected = base64.b64encode(hmac.new(SVIX_KEY, signed, hashlib.sha256).digest()).decode()
    assert headers == {"svix-id": event.id, "svix-timestamp": str(now), "svix-signature": f"v1,{expected}"}
    Webhook(SVIX_SECRET).verify(event.payload, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"another-key-of-24-bytes!").decode()).verify(
            event.payload, headers
        )


def test_a_secret_that_is_no_svix_key_is_refused_without_showing_it() -> None:
    with pytest.raises(SigningError) as refused:
        svix_headers("evt_backstop_test_1", "{}", "whsec_@@@@", int(time.time()))
    assert "@@@@" not in str(refused.value) and "whsec_<base64>" in str(refused.value)


@pytest.mark.parametrize("family", ["stripe", "clerk"])
def test_the_test_event_is_harmless(family: str) -> None:
    now = int(time.time())
    event = ping_event(family, "prod", "key", now)  # type: ignore[arg-type]
    body = json.loads(event.payload)
    assert body["type"] == TYPE == "backstop.test.ping" and body["livemode"] is False
    assert event.id == body["id"] and event.id.startswith(ID_PREFIX) and len(event.id) > len(ID_PREFIX) + 16
    assert TYPE not in webhook_event_types() and TYPE not in CLERK_EVENT_TYPES, "never a real event type"
    assert ping_event(family, "prod", "key", now).id != event.id  # type: ignore[arg-type]
