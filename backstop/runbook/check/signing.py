"""Signing a delivery exactly as the vendors do, with their own libraries.

- Stripe: `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`, made by the
  `stripe` SDK's `WebhookSignature.generate_signature_header` (the helper it offers for signing test
  payloads).
- Svix (Clerk's webhooks): `svix-id`, `svix-timestamp`, `svix-signature: v1,<base64 HMAC-SHA256(base64-
  decoded whsec_ key, "<id>.<timestamp>.<payload>")>`, made by Svix's Standard Webhooks library (what the
  `svix` SDK's `Webhook.sign` calls; importing it alone avoids loading the whole Svix SDK).

The secrets only ever pass through memory: nothing here logs or returns them.
"""

from __future__ import annotations

from datetime import UTC, datetime


class SigningError(Exception):
    """The stack's secret can't sign (not a Svix `whsec_` key, say); the message never holds it."""


def stripe_headers(payload: str, secret: str, timestamp: int) -> dict[str, str]:
    from stripe import WebhookSignature

    header = WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    return {"Stripe-Signature": str(header)}


def svix_headers(message_id: str, payload: str, secret: str, timestamp: int) -> dict[str, str]:
    from standardwebhooks.webhooks import Webhook

    try:
        signer = Webhook(secret)
    except Exception:
        raise SigningError("the endpoint's secret is not a Svix signing secret (whsec_<base64>)") from None
    signature = signer.sign(message_id, datetime.fromtimestamp(timestamp, UTC), payload)
    return {"svix-id": message_id, "svix-timestamp": str(timestamp), "svix-signature": signature}
