"""The fake accounts the sandbox serves, and the API keys that select them.

One sandbox hosts the prod and the staging side of the runbook's platform at once: separate Stripe
accounts (live- and test-mode keys) and Clerk instances, but one Vapi org and one Vercel team shared by
both, as the runbook has them, and a Convex deployment per side. The keys are obviously fake.

Stripe restricted keys (`rk_…`) sit in a table of their own: each selects the account of its secret key, as
Stripe's do, and carries a permission per resource that the Stripe emulation checks (sandbox/stripe/
permissions.py). `by_key` resolves them to their account; `keys` lists only the accounts' own keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Access = Literal["read", "write"]
"""A restricted key's permission on one resource: `write` includes `read`, as in Stripe's dashboard."""


@dataclass(frozen=True)
class Account:
    vendor: str
    name: str
    api_key: str
    livemode: bool = False
    external_id: str | None = None
    """The id the vendor shows for the account when it isn't derived from the name (a rehearsed team's
    Vapi org UUID)."""


ACCOUNTS: tuple[Account, ...] = (
    Account("stripe", "acct_derrimut_staging", "sk_test_sandbox_derrimut_staging", livemode=False),
    Account("stripe", "acct_derrimut_prod", "sk_live_sandbox_derrimut_prod", livemode=True),
    Account("clerk", "ins_derrimut_staging", "sk_test_sandbox_clerk_derrimut_staging", livemode=False),
    Account("clerk", "ins_derrimut_prod", "sk_live_sandbox_clerk_derrimut_prod", livemode=True),
    Account("vapi", "org_derrimut", "5a4db0c5-0000-4000-8000-00000000d3a1"),
    Account("vercel", "team_derrimut", "vercelsandboxtokenderrimut0000000"),
    # Convex deployments, named as the runbook names them; a deploy key is an admin key of its deployment.
    Account("convex", "quiet-otter-512", "preview:quiet-otter-512|sandbox-fake-convex-deploy-key"),
    Account("convex", "spotted-gerbil-236", "prod:spotted-gerbil-236|sandbox-fake-convex-deploy-key", True),
    # The second example, another team (sandbox/fixtures.py `kestrel`): staging only, no Vapi, no Convex.
    Account("stripe", "acct_kestrel_staging", "sk_test_sandbox_kestrel_staging", livemode=False),
    Account("clerk", "ins_kestrel_staging", "sk_test_sandbox_clerk_kestrel_staging", livemode=False),
    Account("vercel", "team_kestrel", "vercelsandboxtokenkestrel00000000"),
)


@dataclass(frozen=True)
class RestrictedKey:
    """A Stripe restricted key: the account it selects (by name) and its permission per resource (Stripe's
    resource names, e.g. `webhook_endpoint`); a resource it doesn't list, it may neither read nor write."""

    vendor: str
    account: str
    name: str
    api_key: str
    permissions: Mapping[str, Access] = field(default_factory=dict, hash=False)


STRIPE_RESOURCES = ("webhook_endpoint", "product", "price", "billing_meter")
RESTRICTED_KEYS: tuple[RestrictedKey, ...] = (
    RestrictedKey(
        "stripe",
        "acct_derrimut_staging",
        "readonly",
        "rk_test_sandbox_derrimut_staging_readonly",
        dict.fromkeys(STRIPE_RESOURCES, "read"),
    ),
    RestrictedKey(
        "stripe",
        "acct_derrimut_staging",
        "restore",
        "rk_test_sandbox_derrimut_staging_restore",
        dict.fromkeys(STRIPE_RESOURCES, "write"),
    ),
)


_REGISTERED: list[Account] = []
"""Accounts added while the server runs (`POST /_sandbox/accounts`: a rehearsal's, under the team's own
ids); a private sandbox lives for one rehearsal, so they are not part of the saved state."""


def register(account: Account) -> Account:
    """Adds `account`, or returns the one of that vendor and name already there when it agrees on the
    mode and the external id; ValueError when it doesn't."""
    found = by_name(account.vendor, account.name)
    if found is None:
        _REGISTERED.append(account)
        return account
    if (found.livemode, found.external_id) != (account.livemode, account.external_id):
        raise ValueError(
            f"{account.vendor} account {account.name} exists already with livemode={found.livemode}, "
            f"external id {found.external_id}"
        )
    return found


def all_accounts() -> tuple[Account, ...]:
    return (*ACCOUNTS, *_REGISTERED)


def by_key(vendor: str, api_key: str) -> Account | None:
    """The account the key selects: an account's own key, or a restricted key of the account."""
    for account in all_accounts():
        if account.vendor == vendor and account.api_key == api_key:
            return account
    key = restricted(vendor, api_key)
    return by_name(vendor, key.account) if key else None


def restricted(vendor: str, api_key: str) -> RestrictedKey | None:
    for key in RESTRICTED_KEYS:
        if key.vendor == vendor and key.api_key == api_key:
            return key
    return None


def by_name(vendor: str, name: str) -> Account | None:
    for account in all_accounts():
        if account.vendor == vendor and account.name == name:
            return account
    return None


def keys(vendor: str) -> dict[str, str]:
    """Account name -> API key, for `backstop sandbox env`."""
    return {a.name: a.api_key for a in all_accounts() if a.vendor == vendor}


def restricted_keys(vendor: str) -> dict[str, str]:
    """`<account name>/<key name>` -> restricted key, for `backstop sandbox env`."""
    return {f"{k.account}/{k.name}": k.api_key for k in RESTRICTED_KEYS if k.vendor == vendor}


def bearer(header: str) -> str | None:
    return header[7:].strip() if header.startswith("Bearer ") else None
