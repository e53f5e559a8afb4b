"""VapiAgent: the stack's Vapi voice agent (tools, assistants, squads) in its scope of the org.

Tool ids flow into assistants and assistant ids into squads as outputs, so the engine creates tools, then
assistants, then squads, and deletes in the reverse order. Workflows are never declared (Vapi retired them).
"""

from __future__ import annotations

import pulumi

from backstop.plugin.model.outputs import id_path
from backstop.plugin.model.vapi import VapiScope, VapiSection
from backstop.plugin.resources.vapi import Assistant, Squad, Tool


class VapiAgent(pulumi.ComponentResource):
    tools: dict[str, Tool]
    assistants: dict[str, Assistant]
    squads: dict[str, Squad]

    def __init__(
        self, name: str, scope: VapiScope, section: VapiSection, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("backstop:components:VapiAgent", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        org = scope.org_id
        self.tools = {t.key: Tool(f"vapi-tool-{t.key}", t.spec(org), child) for t in section.tools}
        self.assistants = {
            a.key: Assistant(
                f"vapi-assistant-{a.key}", a.fields(), org, [self.tools[k].id for k in a.tools], child
            )
            for a in section.assistants
        }
        ids = {key: assistant.id for key, assistant in self.assistants.items()}
        names = section.assistant_names()
        self.squads = {
            s.key: Squad(
                f"vapi-squad-{s.key}", org, s.name, s.members_spec(ids, names), s.variable_values, child
            )
            for s in section.squads
        }
        self.register_outputs(
            {
                "tool_ids": {key: t.id for key, t in self.tools.items()},
                "assistant_ids": ids,
                "squad_ids": {key: s.id for key, s in self.squads.items()},
            }
        )

    def ids(self) -> dict[str, pulumi.Output[str]]:
        """Squad and assistant ids by output path (`vapi.squads.<key>.id`), for variables that follow them.
        Plain outputs: an id is no secret, and an app may ship it to browsers (`NEXT_PUBLIC_…`)."""
        found = {id_path("squads", key): squad.id for key, squad in self.squads.items()}
        found.update({id_path("assistants", key): a.id for key, a in self.assistants.items()})
        return found
