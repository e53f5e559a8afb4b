"""The stored tools, assistants, squads and legacy workflows of one Vapi org, and the operations on them."""

from __future__ import annotations

from typing import Any

from sandbox.core.accounts import Account
from sandbox.core.context import Sandbox
from sandbox.vapi import models
from sandbox.vapi.errors import not_found, pinned
from sandbox.vapi.models import ASSISTANT, SQUAD, TOOL, WORKFLOW, Json, Kind, ListQuery


class VapiOrg:
    def __init__(self, sandbox: Sandbox, account: Account) -> None:
        self.sandbox, self.account = sandbox, account
        self.org_id = account.external_id or models.org_id(account.name)

    def objects(self, kind: Kind) -> dict[str, Json]:
        return self.sandbox.store.collection("vapi", self.account.name, kind.collection)

    def stored(self, kind: Kind, object_id: str) -> Json:
        models.check_path_id(kind, object_id)
        found = self.objects(kind).get(object_id)
        if found is None:
            raise not_found(kind.label)
        return found

    def stamp(self) -> str:
        """Now, strictly after the org's previous stamp: every edit moves `updatedAt`, and `createdAt`
        orders objects even within one millisecond (lists are paged by moving the createdAt bound)."""
        clock = self.sandbox.store.collection("vapi", self.account.name, "_clock")
        last = clock.get("last", {}).get("ms", 0)
        ms = max(self.sandbox.now_ms(), last + 1)
        clock["last"] = {"ms": ms}
        return models.iso(ms)

    # Generic operations

    def insert(self, kind: Kind, body: Json) -> Json:
        at = self.stamp()
        created = models.shape(models.new_uuid(self.sandbox.ids), self.org_id, body, at, at)
        self.objects(kind)[created["id"]] = created
        return created

    def patch(self, kind: Kind, object_id: str, current: Json, body: Json) -> Json:
        """Top-level fields are replaced whole; JSON null is stored (and returned) as the cleared value."""
        kept = {k: v for k, v in current.items() if k != "updatedAt"}
        updated = {**kept, **body, "updatedAt": self.stamp()}
        self.objects(kind)[object_id] = updated
        return updated

    def select(self, kind: Kind, query: ListQuery) -> list[Json]:
        """Newest first."""
        items = sorted(self.objects(kind).values(), key=lambda o: o["createdAt"], reverse=True)
        return [item for item in items if query.admits(item)][: query.limit]

    def retrieve(self, kind: Kind, object_id: str) -> Json:
        return self.stored(kind, object_id)

    # Tools

    def create_tool(self, body: Any) -> Json:
        return self.insert(TOOL, models.check(models.tool_create_dto(body), body))

    def update_tool(self, object_id: str, body: Any) -> Json:
        current = self.stored(TOOL, object_id)
        return self.patch(TOOL, object_id, current, models.check(models.tool_update_dto(current), body))

    def delete_tool(self, object_id: str) -> Json:
        found = self.stored(TOOL, object_id)
        for assistant in self.objects(ASSISTANT).values():
            model = assistant.get("model") or {}
            if any(ref.get("toolId") == object_id for ref in model.get("toolRefs") or ()):
                raise pinned("tool", object_id, f"assistant {assistant['id']} (model.toolRefs)")
        del self.objects(TOOL)[object_id]
        return found

    # Assistants

    def create_assistant(self, body: Any) -> Json:
        return self.insert(ASSISTANT, models.check(models.ASSISTANT_CREATE, body))

    def update_assistant(self, object_id: str, body: Any) -> Json:
        current = self.stored(ASSISTANT, object_id)
        return self.patch(ASSISTANT, object_id, current, models.check(models.ASSISTANT_UPDATE, body))

    def delete_assistant(self, object_id: str) -> Json:
        found = self.stored(ASSISTANT, object_id)
        for squad in self.objects(SQUAD).values():
            for i, member in enumerate(squad.get("members") or ()):
                if member.get("assistantId") == object_id and member.get("assistantVersion") is not None:
                    raise pinned(
                        "assistant", object_id, f"squad {squad['id']} (members.{i}.assistantVersion)"
                    )
        del self.objects(ASSISTANT)[object_id]
        return found

    # Squads: members may name assistants that do not exist (yet); Vapi resolves them when a call starts.

    def create_squad(self, body: Any) -> Json:
        return self.insert(SQUAD, models.check_squad(models.check(models.SQUAD_CREATE, body)))

    def update_squad(self, object_id: str, body: Any) -> Json:
        current = self.stored(SQUAD, object_id)
        checked = models.check_squad(models.check(models.SQUAD_UPDATE, body))
        return self.patch(SQUAD, object_id, current, checked)

    def delete_squad(self, object_id: str) -> Json:
        found = self.stored(SQUAD, object_id)
        del self.objects(SQUAD)[object_id]
        return found

    # Legacy workflows: read-only; only fixtures and /_sandbox/load write them.

    def list_workflows(self) -> list[Json]:
        return self.select(WORKFLOW, ListQuery(limit=len(self.objects(WORKFLOW))))
