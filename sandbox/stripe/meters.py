"""Billing meters: what a metered price counts. No delete: deactivate (and reactivate) instead.

Only `display_name` can change after creation. A price can attach an active meter only, and since API
version 2025-03-31.basil every metered price must name one.
"""

from __future__ import annotations

from typing import Any

from sandbox.stripe.errors import StripeError, invalid, required
from sandbox.stripe.params import check_enum, check_string, reject_unknown
from sandbox.stripe.state import StripeAccount, paginate

COLLECTION = "billing_meters"
KIND = "billing meter"
CREATE = {
    "customer_mapping",
    "default_aggregation",
    "display_name",
    "event_name",
    "event_time_window",
    "expand",
    "value_settings",
}
LIST = {"ending_before", "expand", "limit", "starting_after", "status"}
FORMULAS = ("count", "last", "sum")


def _hash(params: dict[str, Any], name: str, keys: set[str]) -> dict[str, Any]:
    value = params[name]
    if not isinstance(value, dict):
        raise invalid(name, f"Invalid hash: {name}")
    unknown = sorted(set(value) - keys)
    if unknown:
        raise StripeError(400, f"Received unknown parameter: {name}[{unknown[0]}]", code="parameter_unknown")
    return value


def _text(params: dict[str, Any], name: str, max_length: int) -> str:
    if name not in params:
        raise required(name)
    text = check_string(name, params[name], max_length)
    if text is None:
        raise invalid(name, f"Invalid string: {name} can't be empty")
    return text


def create(stripe: StripeAccount, params: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(params, CREATE)
    if "default_aggregation" not in params:
        raise required("default_aggregation")
    aggregation = _hash(params, "default_aggregation", {"formula"})
    if "formula" not in aggregation:
        raise required("default_aggregation[formula]")
    display_name = _text(params, "display_name", 250)
    event_name = _text(params, "event_name", 100)
    for other in stripe.peek(COLLECTION).values():
        if other["event_name"] == event_name and other["status"] == "active":
            raise invalid(
                "event_name", f"An active meter with event_name `{event_name}` already exists: {other['id']}."
            )
    mapping = {"event_payload_key": "stripe_customer_id", "type": "by_id"}
    if "customer_mapping" in params:
        given = _hash(params, "customer_mapping", {"event_payload_key", "type"})
        for name in ("event_payload_key", "type"):
            if name not in given:
                raise required(f"customer_mapping[{name}]")
        mapping = {
            "event_payload_key": _text(given, "event_payload_key", 100),
            "type": check_enum("customer_mapping[type]", given["type"], ("by_id",)),
        }
    value_settings = {"event_payload_key": "value"}
    if "value_settings" in params:
        given = _hash(params, "value_settings", {"event_payload_key"})
        value_settings = {"event_payload_key": _text(given, "event_payload_key", 100)}
    now = stripe.sandbox.now()
    meter: dict[str, Any] = {
        "id": stripe.sandbox.ids.prefixed("mtr_test_" if not stripe.account.livemode else "mtr_", 24),
        "object": "billing.meter",
        "created": now,
        "customer_mapping": mapping,
        "default_aggregation": {
            "formula": check_enum("default_aggregation[formula]", aggregation["formula"], FORMULAS)
        },
        "display_name": display_name,
        "event_name": event_name,
        "event_time_window": check_enum("event_time_window", params["event_time_window"], ("day", "hour"))
        if "event_time_window" in params
        else None,
        "livemode": stripe.account.livemode,
        "status": "active",
        "status_transitions": {"deactivated_at": None},
        "updated": now,
        "value_settings": value_settings,
    }
    stripe.objects(COLLECTION)[meter["id"]] = meter
    return meter


def retrieve(stripe: StripeAccount, object_id: str, params: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(params, {"expand"})
    return stripe.stored(COLLECTION, KIND, object_id)


def update(stripe: StripeAccount, object_id: str, params: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(params, {"display_name", "expand"})
    meter = dict(stripe.stored(COLLECTION, KIND, object_id))
    if "display_name" in params:
        meter["display_name"] = _text(params, "display_name", 250)
        meter["updated"] = stripe.sandbox.now()
    stripe.objects(COLLECTION)[object_id] = meter
    return meter


def set_status(stripe: StripeAccount, object_id: str, params: dict[str, Any], active: bool) -> dict[str, Any]:
    """`/deactivate` and `/reactivate`; each refuses a meter already in the state it asks for."""
    reject_unknown(params, {"expand"})
    meter = dict(stripe.stored(COLLECTION, KIND, object_id))
    if (meter["status"] == "active") == active:
        raise invalid("id", f"The meter {object_id} is already {meter['status']}.")
    if active:
        for other in stripe.objects(COLLECTION).values():
            if other["event_name"] == meter["event_name"] and other["status"] == "active":
                raise invalid(
                    "id", f"An active meter with event_name `{meter['event_name']}` already exists."
                )
    now = stripe.sandbox.now()
    meter.update(
        status="active" if active else "inactive",
        status_transitions={"deactivated_at": None if active else now},
        updated=now,
    )
    stripe.objects(COLLECTION)[object_id] = meter
    return meter


def list_all(stripe: StripeAccount, params: dict[str, Any], url: str) -> dict[str, Any]:
    reject_unknown(params, LIST)
    items = list(reversed(stripe.peek(COLLECTION).values()))
    if "status" in params:
        wanted = check_enum("status", params["status"], ("active", "inactive"))
        items = [m for m in items if m["status"] == wanted]
    return paginate(items, params, url)


def attachable(stripe: StripeAccount, meter_id: Any, param: str) -> str:
    """The id of an active meter a price may attach."""
    meter = stripe.peek(COLLECTION).get(meter_id) if isinstance(meter_id, str) else None
    if meter is None:
        raise StripeError(400, f"No such billing meter: '{meter_id}'", code="resource_missing", param=param)
    if meter["status"] != "active":
        raise invalid(param, f"The meter {meter_id} is inactive and can't be attached to a price.")
    return str(meter["id"])
