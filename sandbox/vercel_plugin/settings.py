"""Provider configuration: `vercel:apiToken` (secret) and `vercel:team`, as the Terraform provider
reads them, plus the sandbox base URL the double is bound to."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from pulumi.provider.experimental.property_value import PropertyValue

from sandbox.vercel_plugin.errors import PluginError
from sandbox.vercel_plugin.props import plain_map

TOKEN_PATTERN = re.compile("[0-9a-zA-Z]{24}")
"""Unanchored, as terraform-provider-vercel's check: a token containing 24 alphanumerics passes."""
CONFIG_KEYS = frozenset({"apiToken", "team", "version", "pluginDownloadURL"})


@dataclass(frozen=True)
class Settings:
    token: str
    team: str | None


def settings_from(
    args: Mapping[str, PropertyValue], environ: Mapping[str, str] | None = None
) -> Settings | None:
    """The checked settings; None when the token is not known yet (a preview with pending values)."""
    values = plain_map(args)
    raw = values.get("apiToken")
    if raw is not None and not isinstance(raw, str):
        return None
    token = (
        raw if raw is not None else (os.environ if environ is None else environ).get("VERCEL_API_TOKEN", "")
    )
    if not token:
        raise PluginError("Unable to find api_token", "api_token cannot be an empty string")
    if not TOKEN_PATTERN.search(token):
        raise PluginError(
            "Invalid api_token",
            "api_token (VERCEL_API_TOKEN) must be 24 characters and only contain characters 0-9 and a-f "
            "(all lowercased)",
        )
    team = values.get("team")
    if isinstance(team, str) and team and not team.startswith("team_"):
        # The real provider resolves a slug with GET /v2/teams/{slug}, which the sandbox does not serve.
        raise PluginError(
            "Vercel Team not found",
            f"the offline vercel plugin double takes `vercel:team` as a team ID (team_…), not the slug "
            f"{team!r}: the sandbox does not serve GET /v2/teams to resolve it",
        )
    return Settings(token, team if isinstance(team, str) and team else None)


def unknown_config_keys(args: Mapping[str, PropertyValue]) -> list[str]:
    return sorted(k for k in args if k not in CONFIG_KEYS and not k.startswith("__"))
