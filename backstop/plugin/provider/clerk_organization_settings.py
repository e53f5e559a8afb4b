"""`backstop:clerk:OrganizationSettings`: the instance's organization settings, one per instance.

Its id is the instance id. Clerk takes role *ids* (`creator_role_id`) but shows role *keys*
(`creator_role`): the desired state names keys and the writes look the ids up. Fields left unset are not
managed. There is nothing to delete: removing the resource leaves Clerk's settings as they are.
"""

from __future__ import annotations

from typing import Any

from backstop.plugin.model.clerk_settings import OrganizationSettingsSpec
from backstop.plugin.provider.clerk_base import UnsetNotManaged
from backstop.plugin.provider.context import ProviderError
from backstop.plugin.provider.resource import Json

FIELDS = (
    "enabled",
    "max_allowed_memberships",
    "admin_delete_enabled",
    "domains_enabled",
    "slug_disabled",
    "domains_enrollment_modes",
    "creator_role",
    "domains_default_role",
)
ROLE_FIELDS = {"creator_role": "creator_role_id", "domains_default_role": "domains_default_role_id"}


class OrganizationSettingsHandler(UnsetNotManaged):
    token = "backstop:clerk:OrganizationSettings"
    spec = OrganizationSettingsSpec

    def normalize(self, field: str, value: Any) -> Any:
        if field == "domains_enrollment_modes":
            # Clerk always keeps manual invitations on.
            return sorted({*value, "manual_invitation"}) if value else None
        if field in ROLE_FIELDS:
            return value or None
        return value

    async def create(self, urn: str, spec: OrganizationSettingsSpec) -> tuple[str, Json]:
        return spec.instance_id, await self._converge(spec)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        if resource_id != await self.live_instance_id():
            return None  # another instance's settings: not reachable with this key
        return await self._outputs(await self.ctx.clerk.organization_settings())

    async def update(self, resource_id: str, state: Json, spec: OrganizationSettingsSpec) -> Json:
        return await self._converge(spec)

    async def delete(self, resource_id: str, state: Json) -> None:
        """Settings can't be deleted: they stay as they are."""

    async def _converge(self, spec: OrganizationSettingsSpec) -> Json:
        await self.in_scope(spec.instance_id)
        live = await self.ctx.clerk.organization_settings()
        declared = {name: getattr(spec, name) for name in FIELDS if getattr(spec, name) is not None}
        if all(self.normalize(k, live.get(k)) == self.normalize(k, v) for k, v in declared.items()):
            return await self._outputs(live)
        # Send every declared field: Clerk wants the default role whenever domains are switched on.
        body = {k: v for k, v in declared.items() if k not in ROLE_FIELDS}
        if any(k in ROLE_FIELDS for k in declared):
            roles = {role["key"]: role["id"] for role in await self.ctx.clerk.organization_roles()}
            for field, param in ROLE_FIELDS.items():
                if field in declared:
                    if declared[field] not in roles:
                        raise ProviderError(
                            f"{self.token}: {field}: the instance has no organization role {declared[field]}"
                        )
                    body[param] = roles[declared[field]]
        return await self._outputs(await self.ctx.clerk.update_organization_settings(body))

    async def _outputs(self, live: Json) -> Json:
        outputs: Json = {"instance_id": await self.live_instance_id()}
        for name in FIELDS:
            outputs[name] = self.normalize(name, live.get(name))
        return outputs
