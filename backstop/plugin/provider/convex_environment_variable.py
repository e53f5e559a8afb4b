"""`backstop:convex:EnvironmentVariable`: one environment variable of a Convex deployment. Id
`<deployment>/<name>`; the name is the natural key, so a create adopts a variable already set (writing
only when its value differs). Values are readable with the admin key, so a refresh sees an out-of-band
change of any value; the value is a secret output."""

from __future__ import annotations

from typing import ClassVar

from backstop.plugin.model.convex import VariableSpec
from backstop.plugin.provider.context import ProviderError
from backstop.plugin.provider.resource import Json, ResourceHandler


class EnvironmentVariableHandler(ResourceHandler):
    token = "backstop:convex:EnvironmentVariable"
    spec = VariableSpec
    replace_on_change = frozenset({"deployment", "name"})
    secret_outputs: ClassVar[frozenset[str]] = frozenset({"value"})

    async def create(self, urn: str, spec: VariableSpec) -> tuple[str, Json]:
        live = await self._variables(spec.deployment)
        if live.get(spec.name) != spec.value:
            await self._set(spec.deployment, {spec.name: spec.value})
        return f"{spec.deployment}/{spec.name}", _outputs(spec.deployment, spec.name, spec.value)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        deployment, name = _parse(resource_id)
        value = (await self._variables(deployment)).get(name)
        return None if value is None else _outputs(deployment, name, value)

    async def update(self, resource_id: str, state: Json, spec: VariableSpec) -> Json:
        await self._set(spec.deployment, {spec.name: spec.value})
        return _outputs(spec.deployment, spec.name, spec.value)

    async def delete(self, resource_id: str, state: Json) -> None:
        deployment, name = _parse(resource_id)
        if name in await self._variables(deployment):
            await self._set(deployment, {name: None})

    async def _variables(self, deployment: str) -> dict[str, str]:
        """One listing per deployment and process (a refresh of N variables costs one query)."""
        if not self.ctx.listings.enabled:
            return await self._fetch(deployment)
        listing = await self.ctx.listings.get(f"convex:env:{deployment}", lambda: self._load(deployment))
        return {row["name"]: row["value"] for row in listing.values()}

    async def _load(self, deployment: str) -> list[Json]:
        return [
            {"id": f"{deployment}/{name}", "name": name, "value": value}
            for name, value in (await self._fetch(deployment)).items()
        ]

    async def _fetch(self, deployment: str) -> dict[str, str]:
        return await self.ctx.convex(deployment).variables()

    async def _set(self, deployment: str, changes: dict[str, str | None]) -> None:
        self.ctx.listings.invalidate(f"convex:env:{deployment}")
        await self.ctx.convex(deployment).update(changes)


def _parse(resource_id: str) -> tuple[str, str]:
    deployment, slash, name = resource_id.partition("/")
    if not slash or not deployment or not name:
        raise ProviderError(
            f"backstop:convex:EnvironmentVariable: id {resource_id!r} is not <deployment>/<name> "
            "(e.g. spotted-gerbil-236/GEMINI_MODEL)"
        )
    return deployment, name


def _outputs(deployment: str, name: str, value: str) -> Json:
    return {"deployment": deployment, "name": name, "value": value}
