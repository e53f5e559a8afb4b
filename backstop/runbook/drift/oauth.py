"""The declared OAuth providers against those the instance's Frontend API shows, and the dashboard steps
that would put them right (Clerk's Backend API can't write them, so neither can a restore)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backstop.plugin.model.clerk_oauth import NAMES, OAuthProvider

FIELDS = ("required", "authenticatable")


@dataclass(frozen=True)
class OAuthDifference:
    provider: str
    field: str
    """`enabled`, `required` or `authenticatable`."""
    declared: bool
    live: bool

    def describe(self) -> str:
        if self.field == "enabled":
            declared, live = _on(self.declared), _on(self.live)
        else:
            declared, live = f"{self.field} {_yes(self.declared)}", f"{self.field} {_yes(self.live)}"
        return f"oauth {self.provider}: {declared} in the document, {live} live"

    def step(self, instance: str, environment: str) -> str:
        title = NAMES.get(self.provider, self.provider.replace("_", " ").title())
        where = f"Clerk dashboard, {environment} instance {instance}: Configure > SSO connections > {title}"
        if self.field == "enabled":
            todo = "add and enable it (with its client id and secret)" if self.declared else "remove it"
            return f"{where}: {todo}"
        label = LABELS[self.field]
        return f"{where}: turn {label} {_on(self.declared)}"


LABELS = {"required": "'Required' (sign-up asks for it)", "authenticatable": "'Use for sign-in'"}


def _on(value: bool) -> str:
    return "on" if value else "off"


def _yes(value: bool) -> str:
    return "true" if value else "false"


def differences(declared: list[OAuthProvider], live: dict[str, dict[str, Any]]) -> list[OAuthDifference]:
    """Every declared provider's settings as live shows them, and every enabled provider not declared."""
    found = []
    names = {p.provider for p in declared}
    for provider in declared:
        settings = live.get(provider.provider) or {}
        on = bool(settings.get("enabled"))
        if on != provider.enabled:
            found.append(OAuthDifference(provider.provider, "enabled", provider.enabled, on))
            continue
        for field in FIELDS:
            wanted = getattr(provider, field)
            if on and wanted is not None and bool(settings.get(field)) != wanted:
                found.append(OAuthDifference(provider.provider, field, wanted, bool(settings.get(field))))
    for name, settings in sorted(live.items()):
        if name not in names and settings.get("enabled"):
            found.append(OAuthDifference(name, "enabled", False, True))
    return found
