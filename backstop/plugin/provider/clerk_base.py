"""What every Clerk resource type shares: the stack's instance bounds its writes.

Each Clerk resource takes `instanceId`, the stack's `scope.clerk.instance`. Before any write it is compared
with the instance the configured secret key belongs to (GET /v1/instance, once per process), so a key
for the wrong instance changes nothing.
"""

from __future__ import annotations

from typing import ClassVar

from pulumi.provider.experimental.provider import DiffResponse

from backstop.plugin.model.wire_names import wire_name
from backstop.plugin.provider.context import ProviderError
from backstop.plugin.provider.props import PropertyMap, is_unknown
from backstop.plugin.provider.resource import ResourceHandler


class ClerkHandler(ResourceHandler):
    replace_on_change: ClassVar[frozenset[str]] = frozenset({"instance_id"})

    async def live_instance_id(self) -> str:
        return str((await self.ctx.clerk_instance())["id"])

    async def in_scope(self, instance_id: str | None) -> None:
        """Refuse to write unless the key's instance is the stack's (a state without one is not checked)."""
        if instance_id is None:
            return
        live = await self.live_instance_id()
        if live != instance_id:
            raise ProviderError(
                f"{self.token}: the Clerk secret key (backstop:clerkSecretKey) belongs to instance {live}, "
                f"but this stack's scope.clerk.instance is {instance_id}; nothing was changed"
            )


class UnsetNotManaged(ClerkHandler):
    """Instance-wide settings: an input left unset (null) is not managed, so it never shows as a change.

    `reapply` works the same way: only a new token counts, not its removal.
    """

    def diff(self, olds: PropertyMap, news: PropertyMap) -> DiffResponse:
        return super().diff(unset_inputs_unchanged(olds, news, self.input_fields()), news)


def unset_inputs_unchanged(olds: PropertyMap, news: PropertyMap, fields: list[str]) -> PropertyMap:
    """`olds` with each field the new inputs leave unset taking that unset value."""
    olds = dict(olds)
    for field in fields:
        wire = wire_name(field)
        new = news.get(wire)
        if new is not None and (is_unknown(new) or new.value is not None):
            continue
        if new is None:
            olds.pop(wire, None)
        else:
            olds[wire] = new
    return olds
