"""Prices: no custom ids, no delete (archive instead), immutable amounts, unique lookup keys."""

from __future__ import annotations

import re
from typing import Any

from sandbox.stripe.errors import StripeError, invalid, required
from sandbox.stripe.params import (
    apply_metadata,
    check_bool,
    check_currency,
    check_enum,
    check_expand,
    check_int,
    check_string,
    check_string_list,
    reject_unknown,
)
from sandbox.stripe.state import StripeAccount, paginate

COLLECTION = "prices"
KIND = "price"
CREATE = {
    "active",
    "billing_scheme",
    "currency",
    "currency_options",
    "custom_unit_amount",
    "expand",
    "lookup_key",
    "metadata",
    "nickname",
    "product",
    "product_data",
    "recurring",
    "tax_behavior",
    "tiers",
    "tiers_mode",
    "transfer_lookup_key",
    "transform_quantity",
    "unit_amount",
    "unit_amount_decimal",
}
UPDATE = {
    "active",
    "currency_options",
    "expand",
    "lookup_key",
    "metadata",
    "nickname",
    "tax_behavior",
    "transfer_lookup_key",
}
LIST = {
    "active",
    "created",
    "currency",
    "ending_before",
    "expand",
    "limit",
    "lookup_keys",
    "product",
    "recurring",
    "starting_after",
    "type",
}
EXPANDABLE = {"product", "currency_options", "tiers"}
MAX_INTERVALS = {"day": 1095, "week": 156, "month": 36, "year": 3}
_DECIMAL = re.compile(r"^\d+(\.\d{1,12})?$")


def build(
    stripe: StripeAccount,
    params: dict[str, Any],
    prefix: str = "",
    pending_product: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A new price from create parameters, validated whole before anything is stored.

    `pending_product` is the product of a `default_price_data` create, not stored yet.
    """

    def p(name: str) -> str:
        return f"{prefix}[{name}]" if prefix else name

    reject_unknown(params, CREATE)
    if "currency" not in params:
        raise required(p("currency"))
    product = pending_product if pending_product is not None else _product(stripe, params)
    scheme = check_enum(p("billing_scheme"), params.get("billing_scheme", "per_unit"), ("per_unit", "tiered"))
    amounts = [k for k in ("unit_amount", "unit_amount_decimal", "custom_unit_amount") if k in params]
    if scheme == "per_unit" and not amounts:
        raise required(p("unit_amount"))
    if len(amounts) > 1:
        raise invalid(p(amounts[1]), f"You may only specify one of these parameters: {', '.join(amounts)}.")
    unit_amount: int | None = None
    unit_amount_decimal: str | None = None
    if "unit_amount" in params:
        unit_amount = check_int(p("unit_amount"), params["unit_amount"], 0, 99999999999)
        unit_amount_decimal = str(unit_amount)
    elif "unit_amount_decimal" in params:
        raw = params["unit_amount_decimal"]
        if not isinstance(raw, str) or not _DECIMAL.match(raw):
            raise invalid(p("unit_amount_decimal"), f"Invalid decimal: {raw}")
        unit_amount_decimal = raw
        unit_amount = int(float(raw)) if float(raw).is_integer() else None
    recurring = _recurring(stripe, params["recurring"], p("recurring")) if "recurring" in params else None
    lookup_key = check_string(p("lookup_key"), params["lookup_key"], 200) if "lookup_key" in params else None
    transfer = check_bool(p("transfer_lookup_key"), params.get("transfer_lookup_key", "false"))
    price_id = stripe.sandbox.ids.prefixed("price_", 24)
    tiers_mode = params.get("tiers_mode")
    if scheme == "tiered":
        check_enum(p("tiers_mode"), tiers_mode, ("graduated", "volume"))
        if "tiers" not in params:
            raise required(p("tiers"))
    price = {
        "id": price_id,
        "object": "price",
        "active": check_bool(p("active"), params.get("active", "true")),
        "billing_scheme": scheme,
        "created": stripe.sandbox.now(),
        "currency": check_currency(p("currency"), params["currency"]),
        "currency_options": params.get("currency_options"),
        "custom_unit_amount": params.get("custom_unit_amount"),
        "livemode": stripe.account.livemode,
        "lookup_key": lookup_key,
        "metadata": apply_metadata({}, params.get("metadata", {})),
        "nickname": check_string(p("nickname"), params["nickname"]) if "nickname" in params else None,
        "product": product["id"],
        "recurring": recurring,
        "tax_behavior": check_enum(
            p("tax_behavior"),
            params.get("tax_behavior", "unspecified"),
            ("inclusive", "exclusive", "unspecified"),
        ),
        "tiers": params.get("tiers"),
        "tiers_mode": tiers_mode,
        "transform_quantity": _transform(params["transform_quantity"])
        if "transform_quantity" in params
        else None,
        "type": "recurring" if recurring else "one_time",
        "unit_amount": unit_amount,
        "unit_amount_decimal": unit_amount_decimal,
    }
    if lookup_key:
        _claim_lookup_key(stripe, lookup_key, transfer, price_id, p("lookup_key"))
    if pending_product is None and product["id"] not in stripe.objects(products_collection()):
        stripe.objects(products_collection())[product["id"]] = product  # made from product_data
    return price


def products_collection() -> str:
    from sandbox.stripe import products

    return products.COLLECTION


def _product(stripe: StripeAccount, params: dict[str, Any]) -> dict[str, Any]:
    """The existing product a price names, or the product its `product_data` makes (not stored yet)."""
    from sandbox.stripe import products

    if "product" in params and "product_data" in params:
        raise invalid("product_data", "You may only specify one of these parameters: product, product_data.")
    if "product" in params:
        product_id = params["product"]
        found = stripe.objects(products.COLLECTION).get(product_id)
        if found is None:
            raise StripeError(
                400, f"No such product: '{product_id}'", code="resource_missing", param="product"
            )
        return found
    if "product_data" not in params:
        raise required("product")
    data = params["product_data"]
    if not isinstance(data, dict):
        raise invalid("product_data", "Invalid hash: product_data")
    reject_unknown(
        data, {"active", "id", "metadata", "name", "statement_descriptor", "tax_code", "unit_label"}
    )
    return products.build(stripe, data)


def _recurring(stripe: StripeAccount, value: Any, param: str) -> dict[str, Any]:
    from sandbox.stripe import meters

    if not isinstance(value, dict):
        raise invalid(param, f"Invalid hash: {param}")
    reject_unknown(value, {"interval", "interval_count", "meter", "trial_period_days", "usage_type"})
    if "interval" not in value:
        raise required(f"{param}[interval]")
    interval = check_enum(f"{param}[interval]", value["interval"], ("day", "week", "month", "year"))
    count = check_int(f"{param}[interval_count]", value.get("interval_count", 1), 1, MAX_INTERVALS[interval])
    usage_type = check_enum(
        f"{param}[usage_type]", value.get("usage_type", "licensed"), ("licensed", "metered")
    )
    meter = None
    if usage_type == "metered":
        if "meter" not in value:
            raise invalid(
                f"{param}[meter]",
                "Metered prices must be backed by a meter: pass recurring[meter] (legacy usage-based "
                "billing was removed in API version 2025-03-31.basil).",
            )
        meter = meters.attachable(stripe, value["meter"], f"{param}[meter]")
    elif "meter" in value:
        raise invalid(f"{param}[meter]", "A meter can only be attached to a price with usage_type=metered.")
    return {
        "interval": interval,
        "interval_count": count,
        "meter": meter,
        "trial_period_days": check_int(f"{param}[trial_period_days]", value["trial_period_days"], 0, 730)
        if "trial_period_days" in value
        else None,
        "usage_type": usage_type,
    }


def _transform(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or "divide_by" not in value or "round" not in value:
        raise invalid("transform_quantity", "transform_quantity needs divide_by and round")
    return {
        "divide_by": check_int("transform_quantity[divide_by]", value["divide_by"], 1),
        "round": check_enum("transform_quantity[round]", value["round"], ("up", "down")),
    }


def _claim_lookup_key(stripe: StripeAccount, key: str, transfer: bool, price_id: str, param: str) -> None:
    """At most one other price holds the key: refuse, or move it here with `transfer_lookup_key`."""
    for other in stripe.objects(COLLECTION).values():
        if other["lookup_key"] == key and other["id"] != price_id:
            if not transfer:
                raise invalid(param, f"A price (`{other['id']}`) already uses that lookup key.")
            other["lookup_key"] = None


def create(stripe: StripeAccount, params: dict[str, Any]) -> dict[str, Any]:
    expand = check_expand(params, EXPANDABLE)
    price = build(stripe, params)
    stripe.objects(COLLECTION)[price["id"]] = price
    return render(stripe, price, expand)


def retrieve(stripe: StripeAccount, object_id: str, params: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(params, {"expand"})
    return render(stripe, stripe.stored(COLLECTION, KIND, object_id), check_expand(params, EXPANDABLE))


def update(stripe: StripeAccount, object_id: str, params: dict[str, Any]) -> dict[str, Any]:
    from sandbox.stripe import products

    reject_unknown(params, UPDATE)
    expand = check_expand(params, EXPANDABLE)
    price = dict(stripe.stored(COLLECTION, KIND, object_id))
    if "active" in params:
        active = check_bool("active", params["active"])
        product = stripe.objects(products.COLLECTION).get(price["product"])
        if not active and product is not None and product["default_price"] == object_id:
            raise invalid(
                "active", "This price cannot be archived because it is the default price of its product."
            )
        price["active"] = active
    if "lookup_key" in params:
        key = check_string("lookup_key", params["lookup_key"], 200)
        if key:
            transfer = check_bool("transfer_lookup_key", params.get("transfer_lookup_key", "false"))
            _claim_lookup_key(stripe, key, transfer, object_id, "lookup_key")
        price["lookup_key"] = key
    if "nickname" in params:
        price["nickname"] = check_string("nickname", params["nickname"])
    if "metadata" in params:
        price["metadata"] = apply_metadata(price["metadata"], params["metadata"])
    if "tax_behavior" in params:
        wanted = check_enum("tax_behavior", params["tax_behavior"], ("inclusive", "exclusive", "unspecified"))
        if price["tax_behavior"] in ("inclusive", "exclusive") and wanted != price["tax_behavior"]:
            raise invalid("tax_behavior", "The tax behavior of a price can't be changed once it is set.")
        price["tax_behavior"] = wanted
    if "currency_options" in params:
        price["currency_options"] = params["currency_options"] or None
    stripe.objects(COLLECTION)[object_id] = price
    return render(stripe, price, expand)


def list_all(stripe: StripeAccount, params: dict[str, Any], url: str) -> dict[str, Any]:
    reject_unknown(params, LIST)
    expand = {e.removeprefix("data.") for e in check_expand(params, {f"data.{e}" for e in EXPANDABLE})}
    items = list(reversed(stripe.objects(COLLECTION).values()))
    if "active" in params:
        wanted = check_bool("active", params["active"])
        items = [p for p in items if p["active"] == wanted]
    if "currency" in params:
        currency = check_currency("currency", params["currency"])
        items = [p for p in items if p["currency"] == currency]
    if "product" in params:
        items = [p for p in items if p["product"] == params["product"]]
    if "type" in params:
        kind = check_enum("type", params["type"], ("one_time", "recurring"))
        items = [p for p in items if p["type"] == kind]
    if "lookup_keys" in params:
        keys = set(check_string_list("lookup_keys", params["lookup_keys"], 10))
        items = [p for p in items if p["lookup_key"] in keys]
    if "recurring" in params:
        wanted_recurring = params["recurring"]
        if not isinstance(wanted_recurring, dict):
            raise invalid("recurring", "Invalid hash: recurring")
        items = [
            p
            for p in items
            if p["recurring"] and all(p["recurring"].get(k) == v for k, v in wanted_recurring.items())
        ]
    page = paginate(items, params, url)
    page["data"] = [render(stripe, p, expand) for p in page["data"]]
    return page


def render(stripe: StripeAccount, price: dict[str, Any], expand: set[str]) -> dict[str, Any]:
    """`currency_options` and `tiers` are includable: Stripe returns them only when expanded."""
    from sandbox.stripe import products

    out = {k: v for k, v in price.items() if k not in ("currency_options", "tiers") or k in expand}
    if "product" in expand:
        out["product"] = products.render(stripe, stripe.objects(products.COLLECTION)[price["product"]], set())
    return out
