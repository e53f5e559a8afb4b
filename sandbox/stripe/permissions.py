"""Stripe restricted keys (`rk_…`): which resource a request touches, and Stripe's 403 when the key may not.

A restricted key selects its account like the account's secret key does, but each resource needs a
permission: a GET needs `rak_<resource>_read` (or write), a POST or DELETE `rak_<resource>_write`. Stripe
checks it right after authentication, before it reads the parameters or replays an idempotent request, so an
empty create answers 403 to a key without write and 400 `parameter_missing` to a key with it.
"""

from __future__ import annotations

from sandbox.core.accounts import Account, restricted
from sandbox.stripe.errors import StripeError

RESOURCES: tuple[tuple[str, str], ...] = (
    ("/v1/webhook_endpoints", "webhook_endpoint"),
    ("/v1/products", "product"),
    ("/v1/prices", "price"),
    ("/v1/billing/meters", "billing_meter"),
)
"""Path prefix (under the Stripe base URL) -> Stripe's name of the resource in its permission names (the
resources of sandbox/core/accounts.py's STRIPE_RESOURCES)."""


def resource(path: str) -> str | None:
    """The resource a path belongs to (`/v1/products/prod_1` -> `product`); None for any other path."""
    for prefix, name in RESOURCES:
        if path == prefix or path.startswith(f"{prefix}/"):
            return name
    return None


def mask(key: str) -> str:
    """A key as Stripe shows it in errors: its first 8 and last 4 characters, asterisks between."""
    return f"{key[:8]}{'*' * max(len(key) - 12, 1)}{key[-4:]}"


def check(api_key: str, account: Account, method: str, path: str) -> None:
    """Raises Stripe's 403 when `api_key` is a restricted key without the permission the request needs;
    an account's secret key may do everything."""
    key = restricted("stripe", api_key)
    name = resource(path)
    if key is None or name is None:
        return
    wanted = "read" if method == "GET" else "write"
    granted = key.permissions.get(name)
    if granted == "write" or granted == wanted:
        return
    raise StripeError(
        403,
        f"The provided key '{mask(api_key)}' does not have the required permissions for this endpoint on "
        f"account '{account.name}'. Having the 'rak_{name}_{wanted}' permission would allow this request "
        "to continue.",
    )
