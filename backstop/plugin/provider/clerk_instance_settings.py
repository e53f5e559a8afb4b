"""`backstop:clerk:InstanceSettings` and `backstop:clerk:InstanceRestrictions`: write-only settings.

Clerk has no way to read them back (PATCH /v1/instance answers 204 and GET /v1/instance shows only
`allowed_origins`; restrictions have no GET at all), so a read reports the values applied last and a change
made behind Backstop's back stays invisible to drift checks. To put them back anyway, give the input
`reapply` a new value (the program passes `pulumi config get reapply`, which `backstop restore` sets): the
update then re-applies every declared field. Both are one per instance (id: the instance id); fields left
unset are not managed, and removing the resource leaves Clerk's settings as they are.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from backstop.plugin.model.clerk_settings import InstanceRestrictionsSpec, InstanceSettingsSpec
from backstop.plugin.provider.clerk_base import UnsetNotManaged
from backstop.plugin.provider.resource import Json

BOOKKEEPING = ("instance_id", "reapply")


class WriteOnlySettingsHandler(UnsetNotManaged):
    @abstractmethod
    async def apply(self, body: Json) -> Json:
        """Write the declared fields; returns what Clerk answered about them."""

    def settings(self) -> list[str]:
        return [name for name in self.input_fields() if name not in BOOKKEEPING]

    async def create(self, urn: str, spec: Any) -> tuple[str, Json]:
        if self.ctx.config.adopt_as_declared:
            # Adopting a captured stack: Clerk can't show these, so the declared values are taken as live.
            await self.in_scope(spec.instance_id)
            declared = {name: getattr(spec, name) for name in self.settings()}
            return spec.instance_id, {**declared, "instance_id": spec.instance_id, "reapply": spec.reapply}
        return spec.instance_id, await self._apply(spec)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        if resource_id != await self.live_instance_id():
            return None  # another instance's settings: not reachable with this key
        outputs: Json = {name: state.get(name) for name in self.settings()}
        return {**outputs, "instance_id": await self.live_instance_id(), "reapply": state.get("reapply")}

    async def update(self, resource_id: str, state: Json, spec: Any) -> Json:
        return await self._apply(spec)

    async def delete(self, resource_id: str, state: Json) -> None:
        """Settings can't be deleted: they stay as they are."""

    async def _apply(self, spec: Any) -> Json:
        await self.in_scope(spec.instance_id)
        body = {name: getattr(spec, name) for name in self.settings() if getattr(spec, name) is not None}
        answered = await self.apply(body) if body else {}
        applied = {name: answered.get(name, body.get(name)) for name in self.settings()}
        return {**applied, "instance_id": spec.instance_id, "reapply": spec.reapply}


class InstanceSettingsHandler(WriteOnlySettingsHandler):
    token = "backstop:clerk:InstanceSettings"
    spec = InstanceSettingsSpec

    def normalize(self, field: str, value: Any) -> Any:
        if field == "allowed_origins":
            return sorted(value) if value else None
        return value

    async def read(self, resource_id: str, state: Json) -> Json | None:
        outputs = await super().read(resource_id, state)
        if outputs is None:
            return None
        # The one field Clerk shows: drift in it is real drift.
        live = (await self.ctx.clerk_instance()).get("allowed_origins")
        return {**outputs, "allowed_origins": sorted(live) if live else None}

    async def apply(self, body: Json) -> Json:
        await self.ctx.clerk.update_instance(body)
        return {}


class InstanceRestrictionsHandler(WriteOnlySettingsHandler):
    token = "backstop:clerk:InstanceRestrictions"
    spec = InstanceRestrictionsSpec

    async def apply(self, body: Json) -> Json:
        answered = await self.ctx.clerk.update_restrictions(body)
        return {name: answered.get(name) for name in body}
