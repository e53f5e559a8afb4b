"""The stored objects of one Stripe account, its idempotency records, and Stripe's list pagination."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sandbox.core.accounts import Account
from sandbox.core.context import Sandbox
from sandbox.stripe.errors import StripeError, invalid, missing

IDEMPOTENCY_TTL = 24 * 3600


class StripeAccount:
    def __init__(self, sandbox: Sandbox, account: Account) -> None:
        self.sandbox, self.account = sandbox, account

    def objects(self, collection: str) -> dict[str, dict[str, Any]]:
        return self.sandbox.store.collection("stripe", self.account.name, collection)

    def peek(self, collection: str) -> dict[str, dict[str, Any]]:
        """The collection's objects for reading: a read never adds an empty collection to the state."""
        found: dict[str, dict[str, Any]] = (
            self.sandbox.store.data.get("stripe", {}).get(self.account.name, {}).get(collection, {})
        )
        return found

    def stored(self, collection: str, kind: str, object_id: str) -> dict[str, Any]:
        found = self.peek(collection).get(object_id)
        if found is None:
            raise missing(kind, object_id)
        return found

    def replay(self, key: str, method: str, path: str, params: dict[str, Any]) -> tuple[int, Any] | None:
        record = self.objects("_idempotency").get(key)
        if record is None or self.sandbox.now() - record["at"] > IDEMPOTENCY_TTL:
            return None
        if record["fingerprint"] != _fingerprint(method, path, params):
            raise StripeError(
                400,
                "Keys for idempotent requests can only be used with the same parameters they were first "
                f"used with. Try using a key other than '{key}' if you meant to execute a different request.",
                type_="idempotency_error",
            )
        return record["status"], record["body"]

    def remember(
        self, key: str, method: str, path: str, params: dict[str, Any], status: int, body: Any
    ) -> None:
        self.objects("_idempotency")[key] = {
            "at": self.sandbox.now(),
            "fingerprint": _fingerprint(method, path, params),
            "status": status,
            "body": body,
        }


def _fingerprint(method: str, path: str, params: dict[str, Any]) -> str:
    raw = json.dumps([method, path, params], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def paginate(items: list[dict[str, Any]], params: dict[str, Any], url: str) -> dict[str, Any]:
    """Stripe cursor pagination over a newest-first list."""
    try:
        limit = int(params.get("limit", 10))
    except ValueError:
        raise invalid("limit", "Invalid integer: limit") from None
    if not 1 <= limit <= 100:
        raise invalid("limit", "This value must be greater than or equal to 1 and less than or equal to 100.")
    ids = [item["id"] for item in items]
    if "starting_after" in params:
        cursor = params["starting_after"]
        if cursor not in ids:
            raise missing("object", cursor)
        items = items[ids.index(cursor) + 1 :]
        page = items[:limit]
    elif "ending_before" in params:
        cursor = params["ending_before"]
        if cursor not in ids:
            raise missing("object", cursor)
        items = items[: ids.index(cursor)]
        page = items[-limit:]
    else:
        page = items[:limit]
    return {"object": "list", "data": page, "has_more": len(items) > len(page), "url": url}
