"""The fake accounts the sandbox serves, and the API keys that select them.

One sandbox hosts the prod and the staging side of the runbook's platform at once: separate Stripe
accounts (live- and test-mode keys) and Clerk instances, but one Vapi org and one Vercel team shared by
both, as the runbook has them, and a Convex deployment per side. The keys are obviously fake.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    vendor: str
    name: str
    api_key: str
    livemode: bool = False


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
)


def by_key(vendor: str, api_key: str) -> Account | None:
    for account in ACCOUNTS:
        if account.vendor == vendor and account.api_key == api_key:
            return account
    return None


def by_name(vendor: str, name: str) -> Account | None:
    for account in ACCOUNTS:
        if account.vendor == vendor and account.name == name:
            return account
    return None


def keys(vendor: str) -> dict[str, str]:
    """Account name -> API key, for `backstop sandbox env`."""
    return {a.name: a.api_key for a in ACCOUNTS if a.vendor == vendor}


def bearer(header: str) -> str | None:
    return header[7:].strip() if header.startswith("Bearer ") else None
