"""Webhook endpoints: `we_…`, with a signing secret returned by the create response only."""

from __future__ import annotations

from typing import Any

from sandbox.stripe.errors import required
from sandbox.stripe.params import (
    apply_metadata,
    check_api_version,
    check_bool,
    check_description,
    check_events,
    check_url,
    reject_unknown,
)
from sandbox.stripe.state import StripeAccount, paginate

COLLECTION = "webhook_endpoints"
KIND = "webhook endpoint"
WEBHOOK_CREATE = {"api_version", "connect", "description", "enabled_events", "expand", "metadata", "url"}
WEBHOOK_UPDATE = {"description", "disabled", "enabled_events", "expand", "metadata", "url"}


def new_webhook_endpoint(
    params: dict[str, Any], *, object_id: str, secret: str, created: int, livemode: bool
) -> dict[str, Any]:
    reject_unknown(params, WEBHOOK_CREATE)
    if "url" not in params:
        raise required("url")
    if "enabled_events" not in params:
        raise required("enabled_events")
    return {
        "id": object_id,
        "object": "webhook_endpoint",
        "api_version": check_api_version(params["api_version"]) if "api_version" in params else None,
        "application": None,
        "created": created,
        "description": check_description(params["description"]) if "description" in params else None,
        "enabled_events": check_events(params["enabled_events"]),
        "livemode": livemode,
        "metadata": apply_metadata({}, params.get("metadata", {})),
        "secret": secret,
        "status": "enabled",
        "url": check_url(params["url"], livemode),
        "connect": check_bool("connect", params.get("connect", "false")),
    }


def update_webhook_endpoint(current: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(params, WEBHOOK_UPDATE)
    updated = dict(current)
    if "url" in params:
        updated["url"] = check_url(params["url"], current["livemode"])
    if "enabled_events" in params:
        updated["enabled_events"] = check_events(params["enabled_events"])
    if "description" in params:
        updated["description"] = check_description(params["description"])
    if "disabled" in params:
        updated["status"] = "disabled" if check_bool("disabled", params["disabled"]) else "enabled"
    if "metadata" in params:
        updated["metadata"] = apply_metadata(current["metadata"], params["metadata"])
    return updated


def public_webhook_endpoint(stored: dict[str, Any], *, with_secret: bool = False) -> dict[str, Any]:
    """Stripe returns the signing secret in the create response only, and never `connect`."""
    out = {k: v for k, v in stored.items() if k not in ("secret", "connect")}
    if with_secret:
        out["secret"] = stored["secret"]
    return out


def create(stripe: StripeAccount, params: dict[str, Any]) -> dict[str, Any]:
    ids = stripe.sandbox.ids
    endpoint = new_webhook_endpoint(
        params,
        object_id=ids.prefixed("we_"),
        secret=ids.prefixed("whsec_", 32),
        created=stripe.sandbox.now(),
        livemode=stripe.account.livemode,
    )
    stripe.objects(COLLECTION)[endpoint["id"]] = endpoint
    return public_webhook_endpoint(endpoint, with_secret=True)


def retrieve(stripe: StripeAccount, object_id: str, params: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(params, {"expand"})
    return public_webhook_endpoint(stripe.stored(COLLECTION, KIND, object_id))


def update(stripe: StripeAccount, object_id: str, params: dict[str, Any]) -> dict[str, Any]:
    updated = update_webhook_endpoint(stripe.stored(COLLECTION, KIND, object_id), params)
    stripe.objects(COLLECTION)[object_id] = updated
    return public_webhook_endpoint(updated)


def delete(stripe: StripeAccount, object_id: str) -> dict[str, Any]:
    stripe.stored(COLLECTION, KIND, object_id)
    del stripe.objects(COLLECTION)[object_id]
    return {"id": object_id, "object": "webhook_endpoint", "deleted": True}


def list_all(stripe: StripeAccount, params: dict[str, Any], url: str) -> dict[str, Any]:
    reject_unknown(params, {"limit", "starting_after", "ending_before", "expand"})
    items = [public_webhook_endpoint(o) for o in stripe.objects(COLLECTION).values()]
    return paginate(list(reversed(items)), params, url)
