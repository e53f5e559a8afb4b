"""Verifying a delivery as the apps do, written from the vendors' documented algorithms (not with the
libraries Backstop signs with, so a mistake on one side can't hide on the other).

- Stripe (docs.stripe.com/webhooks, "Verify manually"): `Stripe-Signature: t=<unix time>,v1=<hex>[,v1=…]`,
  `v1` = HMAC-SHA256 keyed with the whole `whsec_…` secret over `"<t>.<raw body>"`; the official libraries
  refuse a timestamp more than 300 s old.
- Svix (docs.svix.com/receiving/verifying-payloads/how-manual): `svix-id`, `svix-timestamp`,
  `svix-signature: v1,<base64>[ v1,<base64>…]`, HMAC-SHA256 keyed with the base64-decoded part of the
  `whsec_…` secret over `"<id>.<timestamp>.<raw body>"`; timestamps more than 5 minutes off are refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping

TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    pass


def verify_stripe(body: bytes, headers: Mapping[str, str], secret: str, now: float | None = None) -> None:
    header = headers.get("stripe-signature")
    if not header:
        raise SignatureError("No stripe-signature header value was provided.")
    items = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [value for name, value in items if name == "t"]
    signatures = [value for name, value in items if name == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        raise SignatureError("Unable to extract timestamp and signatures from header")
    if not signatures:
        raise SignatureError("No signatures found with expected scheme v1")
    expected = hmac.new(secret.encode(), stamps[0].encode() + b"." + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, signature) for signature in signatures):
        raise SignatureError("No signatures found matching the expected signature for payload")
    if abs((time.time() if now is None else now) - int(stamps[0])) > TOLERANCE_SECONDS:
        raise SignatureError("Timestamp outside the tolerance zone")


def verify_svix(body: bytes, headers: Mapping[str, str], secret: str, now: float | None = None) -> None:
    msg_id, stamp, header = (headers.get(f"svix-{n}") for n in ("id", "timestamp", "signature"))
    if not (msg_id and stamp and header):
        raise SignatureError("Missing required headers")
    encoded = secret.removeprefix("whsec_")
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        sent_at = int(stamp)
    except (binascii.Error, ValueError):
        raise SignatureError("Invalid secret or timestamp") from None
    current = time.time() if now is None else now
    if current - sent_at > TOLERANCE_SECONDS:
        raise SignatureError("Message timestamp too old")
    if sent_at - current > TOLERANCE_SECONDS:
        raise SignatureError("Message timestamp too new")
    expected = base64.b64encode(
        hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    ).decode()
    for versioned in header.split(" "):
        version, _, signature = versioned.partition(",")
        if version == "v1" and hmac.compare_digest(expected, signature):
            return
    raise SignatureError("No matching signature found")


VERIFIERS = {"stripe": verify_stripe, "svix": verify_svix}
