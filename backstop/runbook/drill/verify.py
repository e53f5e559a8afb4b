"""Is everything back exactly? Every declared field of every declared object, in the sandbox's own data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backstop.plugin.model import DesiredState
from backstop.plugin.model.outputs import ids_by_path

if TYPE_CHECKING:
    from backstop.runbook.session import StackSession


def stripe_differences(desired: DesiredState, account: dict[str, dict[str, Any]]) -> list[str]:
    if desired.stripe is None:
        return []
    problems: list[str] = []
    endpoints = {e["url"]: e for e in account.get("webhook_endpoints", {}).values()}
    for endpoint in desired.stripe.webhook_endpoints:
        live = endpoints.get(endpoint.url)
        if live is None:
            problems.append(f"webhook endpoint {endpoint.key} is missing")
            continue
        wanted = (
            sorted(endpoint.enabled_events),
            endpoint.description,
            endpoint.api_version,
            "disabled" if endpoint.disabled else "enabled",
            endpoint.metadata,
        )
        got = (
            sorted(live["enabled_events"]),
            live.get("description"),
            live.get("api_version"),
            live["status"],
            {k: v for k, v in live.get("metadata", {}).items() if not k.startswith("backstop_")},
        )
        if wanted != got:
            problems.append(f"webhook endpoint {endpoint.key} differs: {got} != {wanted}")
    meters = list(account.get("billing_meters", {}).values())
    meter_ids: dict[str, str] = {}
    for meter in desired.stripe.meters:
        live_meters = [m for m in meters if m["event_name"] == meter.event_name]
        matching = [m for m in live_meters if (m["status"] == "active") == meter.active]
        if not matching:
            problems.append(f"meter {meter.event_name} is missing")
            continue
        live_meter = matching[0]
        meter_ids[meter.key] = live_meter["id"]
        got_meter = (
            live_meter["display_name"],
            live_meter["default_aggregation"]["formula"],
            live_meter["customer_mapping"]["event_payload_key"],
            live_meter["value_settings"]["event_payload_key"],
            live_meter.get("event_time_window"),
        )
        want_meter = (
            meter.display_name,
            meter.aggregation,
            meter.customer_payload_key,
            meter.value_payload_key,
            meter.event_time_window,
        )
        if got_meter != want_meter:
            problems.append(f"meter {meter.event_name} differs: {got_meter} != {want_meter}")
    products = account.get("products", {})
    prices = account.get("prices", {}).values()
    for product in desired.stripe.products:
        live_product = products.get(product.id)
        if live_product is None:
            problems.append(f"product {product.id} is missing")
            continue
        if (live_product["name"], live_product["active"], live_product.get("metadata", {})) != (
            product.name,
            product.active,
            product.metadata,
        ):
            problems.append(f"product {product.id} differs")
        for price in product.prices:
            holders = [p for p in prices if p.get("lookup_key") == price.lookup_key]
            if len(holders) != 1:
                problems.append(f"price {price.lookup_key}: {len(holders)} prices hold the lookup key")
                continue
            live_price = holders[0]
            recurring = live_price.get("recurring") or None
            got_recurring = (
                (recurring["interval"], recurring["interval_count"], recurring.get("meter"))
                if recurring
                else None
            )
            want_recurring = (
                (
                    price.recurring.interval,
                    price.recurring.interval_count,
                    meter_ids.get(price.recurring.meter or "", price.recurring.meter),
                )
                if price.recurring
                else None
            )
            if (
                live_price["unit_amount"],
                live_price["currency"],
                live_price["active"],
                got_recurring,
                live_price.get("nickname"),
            ) != (price.unit_amount, price.currency, price.active, want_recurring, price.nickname):
                problems.append(f"price {price.lookup_key} differs")
            if price.default and live_product.get("default_price") != live_price["id"]:
                problems.append(f"product {product.id}: {price.lookup_key} is not its default price")
    return problems


def vercel_differences(desired: DesiredState, state: dict[str, Any], session: StackSession) -> list[str]:
    """Every declared variable present once, with its declared value (the dump shows sensitive ones too).

    Values come from the document, the stack's config (decrypted in memory) or its outputs: a signing
    secret, or the current id of the object a variable follows (`vapi.squads.<key>.id`). A variable that
    follows a secret the stack doesn't know is only checked for presence.
    """
    if desired.vercel is None or desired.scope.vercel is None:
        return []
    config = {k: v.value for k, v in session.config().items()}
    stack_outputs = session.outputs()
    exported = stack_outputs.get("webhook_secrets")
    followed = dict(getattr(exported, "value", None) or {}) | ids_by_path(stack_outputs)
    team = state.get("vercel", {}).get(desired.scope.vercel.team, {})
    problems = []
    for project, var in desired.vercel.variables():
        live = [
            e
            for e in (team.get("projects", {}).get(project.id, {}).get("env") or [])
            if e.get("key") == var.name and sorted(e.get("target") or []) == sorted(var.targets)
        ]
        if len(live) != 1:
            problems.append(f"vercel {var.name} ({', '.join(var.targets)}): {len(live)} variables")
            continue
        source = var.value_from
        if source is None:
            wanted = var.value
        elif source.secret is not None:
            wanted = config.get(f"platform-config:{source.secret}")
        elif source.output is not None:
            wanted = followed.get(source.output)
        else:
            continue
        if wanted is not None and live[0].get("value") != wanted:
            problems.append(f"vercel {var.name} ({', '.join(var.targets)}): value differs")
    return problems
