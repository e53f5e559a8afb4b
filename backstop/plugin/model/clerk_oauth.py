"""The OAuth providers (social connections) a Clerk instance should offer.

Clerk's Backend API can't write them (the dashboard does), so Backstop only reads them, from the
instance's public Frontend API environment (`user_settings.social`), to report drift and to list the
dashboard steps a restore can't take.
"""

from __future__ import annotations

from pydantic import field_validator

from backstop.plugin.model.common import Strict

PROVIDERS = frozenset(
    {
        "apple",
        "atlassian",
        "bitbucket",
        "box",
        "coinbase",
        "discord",
        "dropbox",
        "enstall",
        "facebook",
        "github",
        "gitlab",
        "google",
        "hubspot",
        "huggingface",
        "instagram",
        "line",
        "linear",
        "linkedin",
        "linkedin_oidc",
        "microsoft",
        "notion",
        "slack",
        "spotify",
        "tiktok",
        "twitch",
        "twitter",
        "x",
        "xero",
    }
)
"""Clerk's social connection ids (the Frontend API's strategy is `oauth_<id>`)."""
NAMES = {
    "linkedin_oidc": "LinkedIn (OIDC)",
    "github": "GitHub",
    "gitlab": "GitLab",
    "tiktok": "TikTok",
    "x": "X",
}


class OAuthProvider(Strict):
    provider: str
    enabled: bool = True
    required: bool | None = None
    """Whether sign-up requires connecting it; unset: not checked."""
    authenticatable: bool | None = None
    """Whether it signs users in (not only connects an account); unset: not checked."""

    @field_validator("provider")
    @classmethod
    def _known(cls, provider: str) -> str:
        if provider not in PROVIDERS:
            raise ValueError(
                f"{provider!r} is not a Clerk OAuth provider id (one of: {', '.join(sorted(PROVIDERS))})"
            )
        return provider

    @property
    def title(self) -> str:
        return NAMES.get(self.provider, self.provider.replace("_", " ").title())
