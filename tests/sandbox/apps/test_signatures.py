"""The apps' verifiers, written from the vendors' documented algorithms, accept what the vendors' own
libraries sign and refuse anything else."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest
import stripe
from svix.webhooks import Webhook

from sandbox.apps.signatures import SignatureError, verify_stripe, verify_svix

STRIPE_SECRET = "whsec_canaryStripeSecretForTheVerifier01"
SVIX_SECRET = "whsec_" + base64.b64encode(b"canary-svix-key-24-bytes").decode()
BODY = '{"id":"evt_backstop_test_1","type":"backstop.test.ping"}'


def stripe_signed(secret: str = STRIPE_SECRET, at: int | None = None) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(BODY, secret, timestamp=at or int(time.time()))
    return {"stripe-signature": header}


def svix_signed(secret: str = SVIX_SECRET, at: int | None = None) -> dict[str, str]:
    stamp = at or int(time.time())
    signature = Webhook(secret).sign("msg_1", datetime.fromtimestamp(stamp, UTC), BODY)
    return {"svix-id": "msg_1", "svix-timestamp": str(stamp), "svix-signature": signature}


def test_what_the_stripe_sdk_signs_is_accepted_and_nothing_else() -> None:
    verify_stripe(BODY.encode(), stripe_signed(), STRIPE_SECRET)
    with pytest.raises(SignatureError, match="No signatures found matching"):
        verify_stripe(BODY.encode(), stripe_signed("whsec_anotherSecret"), STRIPE_SECRET)
    with pytest.raises(SignatureError, match="No signatures found matching"):
        verify_stripe(BODY.replace("ping", "pong").encode(), stripe_signed(), STRIPE_SECRET)
    with pytest.raises(SignatureError, match="tolerance"):
        verify_stripe(BODY.encode(), stripe_signed(at=int(time.time()) - 301), STRIPE_SECRET)
    with pytest.raises(SignatureError, match="No stripe-signature"):
        verify_stripe(BODY.encode(), {}, STRIPE_SECRET)


def test_a_second_v1_signature_is_accepted_as_stripe_sends_during_a_secret_roll() -> None:
    good = stripe_signed()["stripe-signature"]
    stamp, signature = good.split(",")
    verify_stripe(BODY.encode(), {"stripe-signature": f"{stamp},v1={'0' * 64},{signature}"}, STRIPE_SECRET)


def test_what_the_svix_sdk_signs_is_accepted_and_nothing_else() -> None:
    verify_svix(BODY.encode(), svix_signed(), SVIX_SECRET)
    other = "whsec_" + base64.b64encode(b"another-key-of-24-bytes!").decode()
    with pytest.raises(SignatureError, match="No matching signature"):
        verify_svix(BODY.encode(), svix_signed(other), SVIX_SECRET)
    with pytest.raises(SignatureError, match="too old"):
        verify_svix(BODY.encode(), svix_signed(at=int(time.time()) - 301), SVIX_SECRET)
    with pytest.raises(SignatureError, match="too new"):
        verify_svix(BODY.encode(), svix_signed(at=int(time.time()) + 301), SVIX_SECRET)
    with pytest.raises(SignatureError, match="Missing required headers"):
        verify_svix(BODY.encode(), {"svix-id": "msg_1"}, SVIX_SECRET)
