"""The stored objects of one Clerk instance, and the defaults every instance starts with."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from sandbox.core.accounts import Account
from sandbox.core.context import Sandbox

Json = dict[str, Any]
VENDOR = "clerk"
ID_LENGTH = 27
"""Clerk ids are a prefix and a 27-character KSUID, e.g. `jtmp_3CkpqSviO4Fc7G18hmbGAc4UxIj`."""
APPLICATION_NAME = "Derrimut 24:7"
PRODUCTION_DOMAINS = {"ins_derrimut_prod": "derrimut247.com.au"}
"""The fixture's production instance's domain; any other production instance gets its own
(`<slug>.example.com`), so each Frontend API host names one instance (frontend.py)."""
SYSTEM_PERMISSIONS = {
    "org:sys_profile:manage": "Manage organization",
    "org:sys_profile:delete": "Delete organization",
    "org:sys_memberships:read": "Read members",
    "org:sys_memberships:manage": "Manage members",
    "org:sys_domains:read": "Read domains",
    "org:sys_domains:manage": "Manage domains",
}
ROLES = {
    "org:admin": ("Admin", "Role with elevated permissions in the organization", list(SYSTEM_PERMISSIONS)),
    "org:member": ("Member", "Role with non-privileged permissions", ["org:sys_memberships:read"]),
}
"""Every instance's default organization roles: key -> (name, description, permission keys)."""
RESTRICTIONS = (
    "allowlist",
    "blocklist",
    "allowlist_blocklist_disabled_on_sign_in",
    "block_email_subaddresses",
    "block_disposable_email_domains",
)
DEFAULT_ORGANIZATION_SETTINGS: Json = {
    "object": "organization_settings",
    "enabled": False,
    "max_allowed_memberships": 5,
    "max_allowed_roles": 10,
    "max_role_sets_allowed": 1,
    "max_allowed_domains": 10,
    "max_allowed_permissions": 50,
    "creator_role": "org:admin",
    "admin_delete_enabled": True,
    "domains_enabled": False,
    "slug_disabled": False,
    "domains_enrollment_modes": [],
    "domains_default_role": "",
    "initial_role_set_key": None,
}
_ADJECTIVES = ("brave", "quiet", "sunny", "clever", "gentle", "lucky")
_ANIMALS = ("wombat", "quokka", "wallaby", "possum", "kookaburra", "echidna")


SOCIAL = "social"
"""Social connections by strategy (`oauth_google`): read through the Frontend API only (frontend.py)."""


def social_connection(provider: str, enabled: bool, required: bool = False) -> Json:
    return {
        "enabled": enabled,
        "required": required,
        "authenticatable": True,
        "block_email_subaddresses": False,
        "strategy": f"oauth_{provider}",
        "not_selectable": False,
        "deprecated": False,
        "name": provider.title(),
    }


class ClerkInstance:
    def __init__(self, sandbox: Sandbox, account: Account) -> None:
        self.sandbox, self.account = sandbox, account
        self.ensure()

    @property
    def production(self) -> bool:
        return self.account.livemode

    @property
    def environment(self) -> str:
        return "production" if self.production else "development"

    def objects(self, collection: str) -> dict[str, Json]:
        return self.sandbox.store.collection(VENDOR, self.account.name, collection)

    def new_id(self, prefix: str) -> str:
        return self.sandbox.ids.prefixed(prefix, ID_LENGTH)

    def now(self) -> int:
        """Clerk timestamps are Unix milliseconds (its serializers call `UnixMilli`)."""
        return self.sandbox.now_ms()

    def single(self, collection: str) -> Json:
        """An instance-wide object (the instance, its restrictions, its organization settings)."""
        return next(iter(self.objects(collection).values()))

    def dev_slug(self) -> str:
        digest = hashlib.sha256(self.account.name.encode()).digest()
        return f"{_ADJECTIVES[digest[0] % 6]}-{_ANIMALS[digest[1] % 6]}-{digest[2] % 90 + 10}"

    def ensure(self) -> None:
        """A new instance has its settings, the default roles and its primary domain.

        Each part is checked on its own, so a state written through /_sandbox/load may omit any of them.
        """
        if not self.objects("instance"):
            self.objects("instance")[self.account.name] = self._default_instance()
        if not self.objects("restrictions"):
            self.objects("restrictions")["instance_restrictions"] = {
                "object": "instance_restrictions",
                **dict.fromkeys(RESTRICTIONS, False),
            }
        if not self.objects("organization_settings"):
            self.objects("organization_settings")["organization_settings"] = copy.deepcopy(
                DEFAULT_ORGANIZATION_SETTINGS
            )
        if not self.objects("roles"):
            self._default_roles()
        if not self.objects(SOCIAL):
            # A new instance offers Google sign-in, as Clerk's application template does.
            self.objects(SOCIAL)["oauth_google"] = social_connection("google", enabled=True)
        if not any(not d["is_satellite"] for d in self.objects("domains").values()):
            domain_id = self.new_id("dmn_")
            slug = self.dev_slug()
            name = (
                PRODUCTION_DOMAINS.get(self.account.name, f"{slug}.example.com")
                if self.production
                else f"{slug}.accounts.dev"
            )
            self.objects("domains")[domain_id] = self.derive_domain(
                {"object": "domain", "id": domain_id, "name": name, "is_satellite": False, "proxy_url": None}
            )

    def _default_instance(self) -> Json:
        return {
            "object": "instance",
            "id": self.account.name,
            "environment_type": self.environment,
            "allowed_origins": None,
            "workspace_id": None,
            "test_mode": not self.production,
            "hibp": True,
            "support_email": None,
            "clerk_js_version": None,
            "development_origin": None,
            "url_based_session_syncing": not self.production,
            "preferred_sign_in_strategy_when_password_required": None,
            "svix_app_id": None,
        }

    def _default_roles(self) -> None:
        now = self.now()
        for key, (name, description, permission_keys) in ROLES.items():
            role_id = self.new_id("role_")
            self.objects("roles")[role_id] = {
                "object": "role",
                "id": role_id,
                "name": name,
                "key": key,
                "description": description,
                "is_creator_eligible": key == "org:admin",
                "permissions": [
                    {
                        "object": "permission",
                        "id": self.new_id("perm_"),
                        "name": SYSTEM_PERMISSIONS[permission],
                        "key": permission,
                        "description": f"Permission to {SYSTEM_PERMISSIONS[permission].lower()}.",
                        "type": "system",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for permission in permission_keys
                ],
                "created_at": now,
                "updated_at": now,
            }

    def derive_domain(self, domain: Json) -> Json:
        """Fills in the URLs and DNS records Clerk derives from a domain's name and kind."""
        name, satellite = domain["name"], domain["is_satellite"]
        if self.production:
            domain["frontend_api_url"] = f"https://clerk.{name}"
            domain["accounts_portal_url"] = None if satellite else f"https://accounts.{name}"
            targets = [("clerk", "frontend-api.clerk.services")]
            if not satellite:
                token = domain["id"][-12:].lower()
                targets += [
                    ("accounts", "accounts.clerk.services"),
                    ("clkmail", f"mail.{token}.clerk.services"),
                    ("clk._domainkey", f"dkim1.{token}.clerk.services"),
                    ("clk2._domainkey", f"dkim2.{token}.clerk.services"),
                ]
            domain["cname_targets"] = [
                {"host": f"{label}.{name}", "value": value, "required": True} for label, value in targets
            ]
            domain["development_origin"] = ""
        else:
            slug = self.dev_slug()
            domain["frontend_api_url"] = f"https://{slug}.clerk.accounts.dev"
            domain["accounts_portal_url"] = None if satellite else f"https://{slug}.accounts.dev"
            domain["cname_targets"] = None
            instance = self.objects("instance").get(self.account.name, {})
            origin = instance.get("development_origin")
            domain["development_origin"] = (origin or "") if not satellite else ""
        return domain
