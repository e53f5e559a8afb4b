"""The Vapi voice agent in the desired state: tools, assistants (naming tools by key) and squads (naming
assistants by key), all inside the stack's scope of an org that other stacks may share.

Backstop manages the fields the runbook's voice agent uses: a function tool's definition, server URL and
spoken messages; an assistant's model (provider, model, temperature, prompts), voice, transcriber, first
message and call limits; a squad's members, their hand-offs and the variables every call passes in. Every
other field of a Vapi object is left as it is and stays out of the diff. Nothing secret is ever inline:
a tool server authenticates through a Vapi credential, named here by its id (`credential_id`), whose secret
stays in Vapi; headers, inline credentials and server secrets are refused (unknown field).

Vapi retired Workflows on 2026-08-18. The legacy workflow is archived read-only under
`snapshots/vapi-legacy/` (`python -m backstop.runbook.capture.vapi`); a `workflows:` section is refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationError, ValidationInfo, field_validator, model_validator

from backstop.plugin.model.common import HttpUrl, Key, Strict, no_repeats

Json = dict[str, Any]
ARCHIVE = "snapshots/vapi-legacy/"
OrgId = Annotated[str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
Prefix = Annotated[str, Field(max_length=30, pattern=r"^[^\s]*$")]
FunctionName = Annotated[str, Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")]
AssistantName = Annotated[str, Field(min_length=1, max_length=40)]
SquadName = Annotated[str, Field(min_length=1, max_length=80)]
Variables = dict[Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")], str]


class VapiScope(Strict):
    """The part of a Vapi org this stack owns: the org, and the names starting with `prefix` but with none
    of `excluded_prefixes`.

    Vapi has no per-environment containers, and of the three object families only assistants carry
    metadata (tools and squads have none), so a tag can't scope them: names can. A function tool's name is
    its function's name. Prefixes alone can't keep two stacks apart when one prefix starts the other (prod's
    "" starts every name), so a stack whose prefix is a prefix of another stack's lists that other prefix
    under `excluded_prefixes`: prod (`prefix: ""`, `excluded_prefixes: ["staging-"]`) then never adopts,
    imports or writes `staging-…` objects, and staging (`prefix: "staging-"`) never touches prod's.
    """

    org_id: OrgId
    """The org's id (Vapi dashboard, Org settings). An object of another org is never adopted or changed."""
    prefix: Prefix = ""
    excluded_prefixes: list[Prefix] = Field(default_factory=list)

    @field_validator("excluded_prefixes")
    @classmethod
    def _narrower(cls, excluded: list[str], info: ValidationInfo) -> list[str]:
        prefix = info.data.get("prefix", "")
        for other in excluded:
            if not other.startswith(prefix) or other == prefix:
                raise ValueError(
                    f"{other!r} must be a longer prefix than this stack's prefix {prefix!r}: "
                    "only names inside this stack's prefix can be excluded from it"
                )
        if len(set(excluded)) != len(excluded):
            raise ValueError("lists a prefix twice")
        return excluded

    def owns(self, name: str) -> bool:
        return name.startswith(self.prefix) and not any(name.startswith(p) for p in self.excluded_prefixes)

    def describe(self) -> str:
        excluded = " or ".join(repr(p) for p in self.excluded_prefixes)
        if self.prefix and excluded:
            return f"names starting with {self.prefix!r} but not with {excluded}"
        if self.prefix:
            return f"names starting with {self.prefix!r}"
        return f"names not starting with {excluded}" if excluded else "every name"


# While a document is validated, the scope and the declared keys its references are checked against.
_scope: ContextVar[VapiScope | None] = ContextVar("vapi_scope", default=None)
_declared: ContextVar[dict[str, set[str]] | None] = ContextVar("vapi_declared", default=None)


@contextmanager
def document_scope(data: Any) -> Iterator[None]:
    """Check names against the raw document's `scope.vapi` (if it is valid) while the document validates."""
    scope_section = data.get("scope") if isinstance(data, dict) else None
    raw = scope_section.get("vapi") if isinstance(scope_section, dict) else None
    try:
        scope = VapiScope.model_validate(raw) if isinstance(raw, dict) else None
    except ValidationError:
        scope = None  # reported where scope.vapi itself is validated
    token = _scope.set(scope)
    try:
        yield
    finally:
        _scope.reset(token)


def _in_scope(name: str) -> str:
    scope = _scope.get()
    if scope is not None and not scope.owns(name):
        raise ValueError(f"{name!r} is outside this stack's Vapi scope ({scope.describe()})")
    return name


def _declared_as(family: str) -> Any:
    def check(key: str) -> str:
        declared = _declared.get()
        if declared is not None and key not in declared[family]:
            raise ValueError(f"names {family[:-1]} {key!r}, which vapi.{family} does not declare")
        return key

    return AfterValidator(check)


ToolKey = Annotated[Key, _declared_as("tools")]
AssistantKey = Annotated[Key, _declared_as("assistants")]


class FunctionDefinition(Strict):
    """What the model sees: the function's name, when to call it, and its parameters as JSON Schema."""

    name: Annotated[FunctionName, AfterValidator(_in_scope)]
    description: Annotated[str, Field(max_length=1000)] | None = None
    parameters: Json | None = None
    strict: bool | None = None

    @field_validator("parameters")
    @classmethod
    def _object_schema(cls, parameters: Json | None) -> Json | None:
        if parameters is not None and parameters.get("type") != "object":
            raise ValueError("must be a JSON Schema of type object")
        return parameters


class ToolServer(Strict):
    """Where Vapi sends the `tool-calls` webhook. Authentication is a Vapi credential, named by its id."""

    url: HttpUrl
    timeout_seconds: Annotated[int, Field(ge=1, le=300)] | None = None
    credential_id: str | None = None


class ToolFields(Strict):
    type: Literal["function"] = "function"
    function: FunctionDefinition
    server: ToolServer
    asynchronous: bool = False
    """Vapi's `async`: the assistant goes on without waiting for the result."""
    messages: list[Json] = Field(default_factory=list)
    """Vapi's ToolMessage objects (request-start, request-complete, …), as Vapi documents them."""


class ToolSpec(ToolFields):
    """What `backstop:vapi:Tool` takes. The function's name is the natural key."""

    org_id: OrgId


class Tool(ToolFields):
    key: Key

    def spec(self, org_id: str) -> ToolSpec:
        return ToolSpec(org_id=org_id, **self.model_dump(exclude={"key"}))


class ModelMessage(Strict):
    role: Literal["system", "user", "assistant"]
    content: str


class AssistantModel(Strict):
    """The LLM: Vapi's model object without its tools (wired from `tools`)."""

    provider: Annotated[str, Field(min_length=1)]
    model: Annotated[str, Field(min_length=1)]
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    max_tokens: Annotated[int, Field(ge=50, le=10000)] | None = None
    messages: list[ModelMessage] = Field(default_factory=list)


def _provider_object(value: Json | None) -> Json | None:
    if value is not None and not isinstance(value.get("provider"), str):
        raise ValueError("must name its `provider` (Vapi's object for that provider)")
    return value


class AssistantFields(Strict):
    name: Annotated[AssistantName, AfterValidator(_in_scope)]
    first_message: Annotated[str, Field(max_length=1000)] | None = None
    first_message_mode: (
        Literal[
            "assistant-speaks-first",
            "assistant-speaks-first-with-model-generated-message",
            "assistant-waits-for-user",
        ]
        | None
    ) = None
    model: AssistantModel
    voice: Annotated[Json, AfterValidator(_provider_object)]
    """Vapi's voice object for its provider (11labs, azure, cartesia, …), compared whole."""
    transcriber: Annotated[Json | None, AfterValidator(_provider_object)] = None
    max_duration_seconds: Annotated[int, Field(ge=10, le=43200)] | None = None
    end_call_phrases: list[Annotated[str, Field(min_length=2, max_length=140)]] = Field(default_factory=list)
    end_call_message: Annotated[str, Field(max_length=1000)] | None = None
    voicemail_message: Annotated[str, Field(max_length=1000)] | None = None
    metadata: Json = Field(default_factory=dict)


class AssistantSpec(AssistantFields):
    """What `backstop:vapi:Assistant` takes: its fields, org and tools' Vapi ids. Natural key: name."""

    org_id: OrgId
    tool_ids: list[str] = Field(default_factory=list)


class Assistant(AssistantFields):
    key: Key
    tools: list[ToolKey] = Field(default_factory=list)
    """Keys of tools in vapi.tools; the program passes their Vapi ids, so tools exist first."""

    def fields(self) -> AssistantFields:
        return AssistantFields(**self.model_dump(exclude={"key", "tools"}))


class DestinationSpec(Strict):
    """A hand-off to another member, which Vapi finds by assistant name."""

    assistant_name: AssistantName
    description: str | None = None
    message: str | None = None


class MemberSpec(Strict):
    assistant_id: str
    destinations: list[DestinationSpec] = Field(default_factory=list)
    variable_values: Variables = Field(default_factory=dict)


class SquadSpec(Strict):
    """What `backstop:vapi:Squad` takes: members by assistant id. Natural key: name."""

    org_id: OrgId
    name: SquadName
    members: list[MemberSpec] = Field(min_length=1)
    variable_values: Variables = Field(default_factory=dict)
    """Vapi's membersOverrides.variableValues: the template variables every member's call starts with."""


class Destination(Strict):
    assistant: AssistantKey
    description: str | None = None
    message: str | None = None


class Member(Strict):
    assistant: AssistantKey
    destinations: list[Destination] = Field(default_factory=list)
    variable_values: Variables = Field(default_factory=dict)
    """This member's assistantOverrides.variableValues."""


class Squad(Strict):
    key: Key
    name: Annotated[SquadName, AfterValidator(_in_scope)]
    members: list[Member] = Field(min_length=1)
    variable_values: Variables = Field(default_factory=dict)

    def members_spec(self, ids: Mapping[str, Any], names: Mapping[str, str]) -> list[Json]:
        """Members as `SquadSpec.members` holds them, with each assistant's id taken from `ids` (which may
        hold values resolved later, such as Pulumi outputs)."""
        members = []
        for member in self.members:
            spec = MemberSpec(
                assistant_id="",
                destinations=[
                    DestinationSpec(
                        assistant_name=names[d.assistant], description=d.description, message=d.message
                    )
                    for d in member.destinations
                ],
                variable_values=member.variable_values,
            )
            members.append({**spec.model_dump(), "assistant_id": ids[member.assistant]})
        return members


class VapiSection(Strict):
    tools: list[Tool] = Field(default_factory=list)
    assistants: list[Assistant] = Field(default_factory=list)
    squads: list[Squad] = Field(default_factory=list)
    workflows: None = None

    @model_validator(mode="wrap")
    @classmethod
    def _references(cls, data: Any, handler: Any) -> Any:
        """Assistants may name only declared tools, and squads only declared assistants."""
        declared: dict[str, set[str]] = {"tools": set(), "assistants": set()}
        if isinstance(data, dict):
            for family in declared:
                items = data.get(family)
                if isinstance(items, list):
                    declared[family] = {i["key"] for i in items if isinstance(i, dict) and "key" in i}
        token = _declared.set(declared)
        try:
            return handler(data)
        finally:
            _declared.reset(token)

    @field_validator("workflows", mode="before")
    @classmethod
    def _retired(cls, value: Any) -> None:
        raise ValueError(
            "Vapi retired Workflows on 2026-08-18 and Backstop never applies one: the legacy workflow is "
            f"archived read-only in {ARCHIVE} (see README, Vapi); declare its agent as assistants and a squad"
        )

    @field_validator("tools")
    @classmethod
    def _unique_tools(cls, tools: list[Tool]) -> list[Tool]:
        no_repeats("key", [t.key for t in tools])
        no_repeats("function name", [t.function.name for t in tools])
        return tools

    @field_validator("assistants")
    @classmethod
    def _unique_assistants(cls, assistants: list[Assistant]) -> list[Assistant]:
        no_repeats("key", [a.key for a in assistants])
        no_repeats("name", [a.name for a in assistants])
        return assistants

    @field_validator("squads")
    @classmethod
    def _unique_squads(cls, squads: list[Squad]) -> list[Squad]:
        no_repeats("key", [s.key for s in squads])
        no_repeats("name", [s.name for s in squads])
        return squads

    def declares_objects(self) -> bool:
        return bool(self.tools or self.assistants or self.squads)

    def assistant_names(self) -> dict[str, str]:
        return {a.key: a.name for a in self.assistants}
