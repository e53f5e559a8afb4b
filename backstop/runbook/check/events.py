"""The test event a check delivers: harmless by construction.

Its `type` is `backstop.test.ping`, which is neither a Stripe nor a Clerk event type, so an app that
dispatches on the type does nothing with it; `livemode` is false; ids start `evt_backstop_test_`. Never a
real type: a correctly signed `customer.subscription.updated` would change production data.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Literal

TYPE = "backstop.test.ping"
ID_PREFIX = "evt_backstop_test_"
NOTE = "A signed test delivery from `backstop check`: answer 2xx and do nothing with it."
Family = Literal["stripe", "clerk"]


@dataclass(frozen=True)
class PingEvent:
    id: str
    payload: str
    """The exact body that is signed and sent."""


def new_id() -> str:
    return ID_PREFIX + secrets.token_hex(12)


def ping_event(family: Family, stack: str, endpoint: str, timestamp: int) -> PingEvent:
    """A Stripe-shaped event (`object: event`, `data.object`) or a Clerk-shaped one (`data`, `object:
    event`, `timestamp` in ms), both with the test type."""
    event_id = new_id()
    about = {"object": "backstop_test", "stack": stack, "endpoint": endpoint, "note": NOTE}
    body: dict[str, object]
    if family == "stripe":
        body = {
            "id": event_id,
            "object": "event",
            "type": TYPE,
            "livemode": False,
            "created": timestamp,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": {"id": event_id, **about}},
        }
    else:
        body = {
            "id": event_id,
            "object": "event",
            "type": TYPE,
            "livemode": False,
            "timestamp": timestamp * 1000,
            "data": {"id": event_id, **about},
        }
    return PingEvent(event_id, json.dumps(body, separators=(",", ":")))
