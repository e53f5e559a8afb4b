"""Products: custom ids allowed; a product that has prices can't be deleted."""

from __future__ import annotations

from typing import Any

from sandbox.stripe import prices
from sandbox.stripe.errors import StripeError, invalid, required
from sandbox.stripe.params import (
    apply_metadata,
    check_bool,
    check_expand,
    check_string,
    check_string_list,
    check_url,
    reject_unknown,
)
from sandbox.stripe.state import StripeAccount, paginate

COLLECTION = "products"
KIND = "product"
EDITABLE = {
    "active",
    "description",
    "images",
    "marketing_features",
    "metadata",
    "name",
    "package_dimensions",
    "shippable",
    "statement_descriptor",
    "tax_code",
    "unit_label",
    "url",
}
CREATE = EDITABLE | {"id", "default_price_data", "expand"}
UPDATE = EDITABLE | {"default_price", "expand"}
LIST = {"active", "created", "ending_before", "expand", "ids", "limit", "shippable", "starting_after", "url"}


def _apply(product: dict[str, Any], params: dict[str, Any], livemode: bool) -> None:
    for name, value in params.items():
        if name == "active":
            product["active"] = check_bool(name, value)
        elif name == "name":
            text = check_string(name, value)
            if text is None:
                raise invalid(name, "Invalid string: name can't be empty")
            product["name"] = text
        elif name in ("description", "unit_label", "tax_code"):
            product[name] = check_string(name, value, 250 if name == "unit_label" else 40000)
        elif name == "statement_descriptor":
            product[name] = check_string(name, value, 22)
        elif name == "url":
            product[name] = check_url(value, livemode) if value != "" else None
        elif name == "images":
            product[name] = check_string_list(name, value, 8)
        elif name == "marketing_features":
            features = value if value != "" else []
            if not isinstance(features, list) or len(features) > 15:
                raise invalid(name, "Invalid array: marketing_features takes at most 15 features")
            product[name] = [
                {"name": check_string(f"{name}[{i}][name]", f.get("name"))} for i, f in enumerate(features)
            ]
        elif name == "shippable":
            product[name] = check_bool(name, value)
        elif name == "package_dimensions":
            product[name] = (
                None if value == "" else {k: float(value[k]) for k in ("height", "length", "weight", "width")}
            )
        elif name == "metadata":
            product["metadata"] = apply_metadata(product["metadata"], value)


def build(stripe: StripeAccount, params: dict[str, Any]) -> dict[str, Any]:
    """A validated new product that is not stored yet."""
    if "name" not in params:
        raise required("name")
    object_id = params.get("id") or stripe.sandbox.ids.prefixed("prod_", 14)
    if not isinstance(object_id, str) or not object_id.replace("_", "").replace("-", "").isalnum():
        raise invalid("id", f"Invalid product id: {object_id}")
    if object_id in stripe.objects(COLLECTION):
        raise StripeError(400, "Product already exists.", code="resource_already_exists", param="id")
    now = stripe.sandbox.now()
    product: dict[str, Any] = {
        "id": object_id,
        "object": "product",
        "active": True,
        "created": now,
        "default_price": None,
        "description": None,
        "images": [],
        "livemode": stripe.account.livemode,
        "marketing_features": [],
        "metadata": {},
        "name": "",
        "package_dimensions": None,
        "shippable": None,
        "statement_descriptor": None,
        "tax_code": None,
        "unit_label": None,
        "updated": now,
        "url": None,
    }
    _apply(product, {k: v for k, v in params.items() if k in EDITABLE}, stripe.account.livemode)
    return product


def create(stripe: StripeAccount, params: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(params, CREATE)
    expand = check_expand(params, {"default_price"})
    product = build(stripe, params)
    default_price_data = params.get("default_price_data")
    price: dict[str, Any] | None = None
    if default_price_data is not None:
        if not isinstance(default_price_data, dict):
            raise invalid("default_price_data", "Invalid hash: default_price_data")
        price = prices.build(
            stripe,
            {**default_price_data, "product": product["id"]},
            "default_price_data",
            pending_product=product,
        )
    stripe.objects(COLLECTION)[product["id"]] = product
    if price is not None:
        stripe.objects(prices.COLLECTION)[price["id"]] = price
        product["default_price"] = price["id"]
    return render(stripe, product, expand)


def retrieve(stripe: StripeAccount, object_id: str, params: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(params, {"expand"})
    return render(stripe, stripe.stored(COLLECTION, KIND, object_id), check_expand(params, {"default_price"}))


def update(stripe: StripeAccount, object_id: str, params: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(params, UPDATE)
    expand = check_expand(params, {"default_price"})
    product = dict(stripe.stored(COLLECTION, KIND, object_id))
    _apply(product, {k: v for k, v in params.items() if k in EDITABLE}, stripe.account.livemode)
    if "default_price" in params:
        price_id = params["default_price"]
        if price_id == "":
            product["default_price"] = None
        else:
            price = stripe.objects(prices.COLLECTION).get(price_id)
            if price is None:
                raise StripeError(
                    400, f"No such price: '{price_id}'", code="resource_missing", param="default_price"
                )
            if price["product"] != object_id:
                raise invalid(
                    "default_price", f"The price {price_id} does not belong to product {object_id}."
                )
            if not price["active"]:
                raise invalid(
                    "default_price", f"The price {price_id} is archived and can't be the default price."
                )
            product["default_price"] = price_id
    product["updated"] = stripe.sandbox.now()
    stripe.objects(COLLECTION)[object_id] = product
    return render(stripe, product, expand)


def delete(stripe: StripeAccount, object_id: str) -> dict[str, Any]:
    stripe.stored(COLLECTION, KIND, object_id)
    if any(p["product"] == object_id for p in stripe.objects(prices.COLLECTION).values()):
        raise invalid("id", "This product cannot be deleted because it has one or more user-created prices.")
    del stripe.objects(COLLECTION)[object_id]
    return {"id": object_id, "object": "product", "deleted": True}


def list_all(stripe: StripeAccount, params: dict[str, Any], url: str) -> dict[str, Any]:
    reject_unknown(params, LIST)
    expand = {e.removeprefix("data.") for e in check_expand(params, {"data.default_price"})}
    items = list(reversed(stripe.objects(COLLECTION).values()))
    if "active" in params:
        wanted = check_bool("active", params["active"])
        items = [p for p in items if p["active"] == wanted]
    if "shippable" in params:
        wanted = check_bool("shippable", params["shippable"])
        items = [p for p in items if p["shippable"] == wanted]
    if "url" in params:
        items = [p for p in items if p["url"] == params["url"]]
    if "ids" in params:
        if "starting_after" in params or "ending_before" in params:
            raise invalid("ids", "You cannot combine `ids` with `starting_after` or `ending_before`.")
        wanted_ids = set(check_string_list("ids", params["ids"], 100))
        items = [p for p in items if p["id"] in wanted_ids]
    page = paginate(items, params, url)
    page["data"] = [render(stripe, p, expand) for p in page["data"]]
    return page


def render(stripe: StripeAccount, product: dict[str, Any], expand: set[str]) -> dict[str, Any]:
    out = dict(product)
    if "default_price" in expand and out["default_price"]:
        out["default_price"] = prices.render(
            stripe, stripe.objects(prices.COLLECTION)[out["default_price"]], set()
        )
    return out
