"""Stripe's live configuration as the desired-state document's `stripe` section."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from backstop.plugin.clients.stripe_client import StripeApi


@dataclass
class Captured:
    section: dict[str, Any]
    not_captured: list[str] = field(default_factory=list)
    """What could not be read or declared, and why."""


def key_of(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (slug or "x")[:63].rstrip("-")


def _unique(key: str, taken: set[str]) -> str:
    candidate, n = key, 2
    while candidate in taken:
        candidate = f"{key[:60]}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


async def capture(api: StripeApi) -> Captured:
    result = Captured({"webhook_endpoints": [], "meters": [], "products": []})
    keys: set[str] = set()
    for endpoint in reversed(await api.list_all("webhook_endpoints")):
        parsed = urlparse(endpoint["url"])
        entry: dict[str, Any] = {
            "key": _unique(key_of(f"{parsed.netloc}{parsed.path}"), keys),
            "url": endpoint["url"],
            "enabled_events": endpoint["enabled_events"],
        }
        if endpoint.get("description"):
            entry["description"] = endpoint["description"]
        if endpoint.get("api_version"):
            entry["api_version"] = endpoint["api_version"]
        if endpoint["status"] == "disabled":
            entry["disabled"] = True
        metadata = {
            k: v for k, v in (endpoint.get("metadata") or {}).items() if not k.startswith("backstop_")
        }
        if metadata:
            entry["metadata"] = metadata
        result.section["webhook_endpoints"].append(entry)
        secret_note = "its signing secret (Stripe shows it at creation only)"
        result.not_captured.append(f"stripe webhook endpoint {endpoint['url']}: {secret_note}")
    meter_keys = _meters(result, await api.list_all("billing_meters"))
    prices_by_product: dict[str, list[dict[str, Any]]] = {}
    for price in reversed(await api.list_all("prices", {"active": True})):
        prices_by_product.setdefault(price["product"], []).append(price)
    product_keys: set[str] = set()
    for product in reversed(await api.list_all("products", {"active": True})):
        entry = {
            "key": _unique(key_of(product["id"]), product_keys),
            "id": product["id"],
            "name": product["name"],
        }
        for name in ("description", "statement_descriptor", "unit_label", "url", "tax_code"):
            if product.get(name):
                entry[name] = product[name]
        if product.get("metadata"):
            entry["metadata"] = product["metadata"]
        price_keys: set[str] = set()
        entry["prices"] = []
        for price in prices_by_product.get(product["id"], []):
            if not price.get("lookup_key"):
                result.not_captured.append(
                    f"stripe price {price['id']} of {product['id']}: no lookup key, so it can't be declared "
                    "(give it one in Stripe and capture again)"
                )
                continue
            if price.get("unit_amount") is None or price.get("billing_scheme") != "per_unit":
                result.not_captured.append(
                    f"stripe price {price['id']}: tiered or decimal prices aren't supported"
                )
                continue
            declared: dict[str, Any] = {
                "key": _unique(key_of(price["lookup_key"]), price_keys),
                "lookup_key": price["lookup_key"],
                "currency": price["currency"],
                "unit_amount": price["unit_amount"],
            }
            if price.get("recurring"):
                recurring = price["recurring"]
                declared["recurring"] = {
                    "interval": recurring["interval"],
                    "interval_count": recurring.get("interval_count") or 1,
                }
                if recurring.get("usage_type", "licensed") != "licensed":
                    declared["recurring"]["usage_type"] = recurring["usage_type"]
                if recurring.get("meter"):
                    if recurring["meter"] not in meter_keys:
                        result.not_captured.append(
                            f"stripe price {price['id']}: its meter {recurring['meter']} is inactive (Stripe "
                            "can't attach it to a new price; reactivate it and capture again)"
                        )
                        continue
                    declared["recurring"]["meter"] = meter_keys[recurring["meter"]]
            if price.get("tax_behavior") and price["tax_behavior"] != "unspecified":
                declared["tax_behavior"] = price["tax_behavior"]
            if price.get("nickname"):
                declared["nickname"] = price["nickname"]
            if price.get("metadata"):
                declared["metadata"] = price["metadata"]
            if product.get("default_price") == price["id"]:
                declared["default"] = True
            entry["prices"].append(declared)
        result.section["products"].append(entry)
    if not result.section["meters"]:
        del result.section["meters"]
    return result


def _meters(result: Captured, meters: list[dict[str, Any]]) -> dict[str, str]:
    """Declares the active meters (retired ones are history, not configuration); returns id -> key."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for meter in reversed(meters):
        if meter["status"] != "active":
            continue
        entry: dict[str, Any] = {
            "key": _unique(key_of(meter["event_name"]), taken),
            "event_name": meter["event_name"],
            "display_name": meter["display_name"],
            "aggregation": meter["default_aggregation"]["formula"],
        }
        customer_key = (meter.get("customer_mapping") or {}).get("event_payload_key")
        if customer_key and customer_key != "stripe_customer_id":
            entry["customer_payload_key"] = customer_key
        value_key = (meter.get("value_settings") or {}).get("event_payload_key")
        if value_key and value_key != "value":
            entry["value_payload_key"] = value_key
        if meter.get("event_time_window"):
            entry["event_time_window"] = meter["event_time_window"]
        keys[meter["id"]] = entry["key"]
        result.section["meters"].append(entry)
    return keys
