"""The Svix side of each Clerk instance: its application, endpoints, tokens and idempotency records.

Svix objects are stored under vendor `svix` with the Clerk instance's name as the account, so the dump
shows them per instance.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sandbox.core.context import Sandbox

Json = dict[str, Any]
VENDOR = "svix"
ID_LENGTH = 27
"""Svix ids are a prefix and a 27-character KSUID (`ep_1srOrx2ZWZBpBUvZwXKQmoEYga2`)."""
REGION = "us"
CAPABILITIES = [
    "ViewBase",
    "ViewEndpointSecret",
    "ManageEndpointSecret",
    "ManageTransformations",
    "CreateAttempts",
    "ManageEndpoint",
]
"""What an app-portal session may do: everything the portal offers for the one application."""
TOKEN_LIFETIME_MS = 7 * 24 * 3600 * 1000
"""Svix app-portal sessions last 7 days by default (`AppPortalAccessIn.expiry`)."""
IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000
_SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def iso(ms: int) -> str:
    """Svix's timestamps: RFC 3339 in UTC."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


class SvixInstance:
    """The Svix objects that belong to one Clerk instance."""

    def __init__(self, sandbox: Sandbox, instance: str) -> None:
        self.sandbox, self.instance = sandbox, instance

    def objects(self, collection: str) -> dict[str, Json]:
        return self.sandbox.store.collection(VENDOR, self.instance, collection)

    def now(self) -> str:
        return iso(self.sandbox.now_ms())

    def new_secret(self) -> str:
        """`whsec_` and 24 random bytes in base64, as Svix generates them."""
        return "whsec_" + self.sandbox.ids.token(32, _SECRET_ALPHABET)

    def create_application(self, name: str) -> Json:
        now = self.now()
        app: Json = {
            "id": self.sandbox.ids.prefixed("app_", ID_LENGTH),
            "uid": None,
            "name": name,
            "rateLimit": None,
            "throttleRate": None,
            "metadata": {},
            "createdAt": now,
            "updatedAt": now,
        }
        self.objects("applications")[app["id"]] = app
        return app

    def application(self, app_id_or_uid: str) -> Json | None:
        for app in self.objects("applications").values():
            if app_id_or_uid in (app["id"], app["uid"]):
                return app
        return None

    def delete_application(self, app_id: str) -> None:
        """Deleting an application takes its endpoints and every token for it along."""
        self.objects("applications").pop(app_id, None)
        self.objects("endpoint_order").pop(app_id, None)
        for collection in ("endpoints", "one_time_tokens", "api_tokens"):
            objects = self.objects(collection)
            for key in [k for k, v in objects.items() if v["appId"] == app_id]:
                del objects[key]

    def mint_one_time_token(self, app_id: str) -> str:
        token = self.sandbox.ids.token(32)
        self.objects("one_time_tokens")[token] = {
            "oneTimeToken": token,
            "appId": app_id,
            "createdAt": self.sandbox.now_ms(),
        }
        return token

    def endpoints(self, app_id: str) -> Iterator[Json]:
        return (e for e in self.objects("endpoints").values() if e["appId"] == app_id)

    def endpoint_order(self, app_id: str) -> list[str]:
        """Every endpoint id the application ever had, oldest first: list iterators survive deletions."""
        record = self.objects("endpoint_order").setdefault(app_id, {"ids": []})
        ids: list[str] = record["ids"]
        return ids

    def replay(self, fingerprint: str) -> Json | None:
        record = self.objects("_idempotency").get(fingerprint)
        if record is None or self.sandbox.now_ms() - record["at"] > IDEMPOTENCY_TTL_MS:
            return None
        return record

    def remember(self, fingerprint: str, status: int, body: Any) -> None:
        self.objects("_idempotency")[fingerprint] = {
            "at": self.sandbox.now_ms(),
            "status": status,
            "body": body,
        }


def idempotency_fingerprint(token: str, key: str, path: str) -> str:
    """Svix keys a saved response by the credentials, the key and the URL."""
    return hashlib.sha256(f"{token}\n{key}\n{path}".encode()).hexdigest()


def instances(sandbox: Sandbox) -> list[SvixInstance]:
    return [SvixInstance(sandbox, name) for name in list(sandbox.store.data.get(VENDOR, {}))]


def exchange_one_time_token(sandbox: Sandbox, one_time_token: str) -> tuple[SvixInstance, Json] | None:
    """Trades a one-time token (usable once) for an app-portal API token."""
    for svix in instances(sandbox):
        record = svix.objects("one_time_tokens").pop(one_time_token, None)
        if record is None:
            continue
        now = sandbox.now_ms()
        token = f"appsk_{sandbox.ids.token(32)}"
        svix.objects("api_tokens")[token] = {
            "token": token,
            "appId": record["appId"],
            "capabilities": list(CAPABILITIES),
            "createdAt": now,
            "expiresAt": now + TOKEN_LIFETIME_MS,
        }
        return svix, svix.objects("api_tokens")[token]
    return None


def find_token(sandbox: Sandbox, token: str) -> tuple[str, Json] | None:
    """The instance and record of a live API token."""
    for svix in instances(sandbox):
        record = svix.objects("api_tokens").get(token)
        if record is not None and record["expiresAt"] > sandbox.now_ms():
            return svix.instance, record
    return None
