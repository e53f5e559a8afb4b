"""Vapi's request validation per object, its list queries, and the objects' shapes (UUIDs, ISO times)."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sandbox.core.ids import IdFactory
from sandbox.vapi.errors import VapiError, bad_request
from sandbox.vapi.schema import is_uuid, parse_datetime, schemas

Json = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    label: str
    """As NestJS messages name it: "Assistant not found"."""
    collection: str


TOOL = Kind("Tool", "tools")
ASSISTANT = Kind("Assistant", "assistants")
SQUAD = Kind("Squad", "squads")
WORKFLOW = Kind("Workflow", "workflows")
ASSISTANT_CREATE, ASSISTANT_UPDATE = "CreateAssistantDTO", "UpdateAssistantDTO"
SQUAD_CREATE, SQUAD_UPDATE = "CreateSquadDTO", "UpdateSquadDTO"

DATE_FILTERS = tuple(
    f"{field}{op}" for field in ("createdAt", "updatedAt") for op in ("Gt", "Lt", "Ge", "Le")
)
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


def check(dto: str, body: Any) -> Json:
    problems = schemas().errors(dto, body)
    if problems:
        raise bad_request(problems)
    checked: Json = body
    return checked


def tool_create_dto(body: Any) -> str:
    """The body is a oneOf picked by `type`."""
    types = schemas().tool_types["create"]
    type_ = body.get("type") if isinstance(body, dict) else None
    if not isinstance(type_, str) or type_ not in types:
        raise bad_request([f"type must be one of the following values: {', '.join(types)}"])
    return types[type_]


def tool_update_dto(stored: Json) -> str:
    """PATCH validates against the stored type's Update DTO, whose `type` enum allows only that type:
    resending the same type passes (the SDK always sends it), another type is rejected."""
    return schemas().tool_types["update"][stored["type"]]


def check_squad(body: Json) -> Json:
    problems = []
    for i, member in enumerate(body.get("members") or ()):
        if not isinstance(member, dict) or member.get("assistantVersion") is None:
            continue
        if member.get("assistant") is not None or member.get("assistantId") is None:
            problems.append(
                f"members.{i}.assistantVersion is valid only with assistantId, not with assistant"
            )
    if problems:
        raise bad_request(problems)
    return body


@dataclass(frozen=True)
class ListQuery:
    limit: int = DEFAULT_LIMIT
    bounds: tuple[tuple[str, str, datetime], ...] = ()
    ids: tuple[str, ...] | None = None

    def admits(self, item: Json) -> bool:
        if self.ids is not None and item["id"] not in self.ids:
            return False
        for field, op, bound in self.bounds:
            at = parse_datetime(item[field])
            assert at is not None
            if not {"Gt": at > bound, "Lt": at < bound, "Ge": at >= bound, "Le": at <= bound}[op]:
                return False
        return True


def list_query(params: list[tuple[str, str]], *, id_any: bool = False) -> ListQuery:
    """The list DTO: `limit` (0 to 1000, default 100), the createdAt/updatedAt bounds, `idAny` (squads)."""
    problems: list[str] = []
    limit, bounds, ids = DEFAULT_LIMIT, [], None
    for name, value in params:
        if name == "limit":
            try:
                number = float(value)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                problems.append("limit must be a number conforming to the specified constraints")
            elif number < 0:
                problems.append("limit must not be less than 0")
            elif number > MAX_LIMIT:
                problems.append(f"limit must not be greater than {MAX_LIMIT}")
            else:
                limit = int(number)
        elif name in DATE_FILTERS:
            at = parse_datetime(value)
            if at is None:
                problems.append(f"{name} must be a valid ISO 8601 date string")
            else:
                bounds.append((name[:-2], name[-2:], at))
        elif name == "idAny" and id_any:
            given = [part for part in value.split(",") if part]
            if not all(is_uuid(part) for part in given):
                problems.append("each value in idAny must be a UUID")
            ids = (*(ids or ()), *given)
        else:
            problems.append(f"property {name} should not exist")
    if problems:
        raise bad_request(list(dict.fromkeys(problems)))
    return ListQuery(limit, tuple(bounds), ids)


def check_path_id(kind: Kind, object_id: str) -> None:
    """The document types the `id` path parameters `format: uuid` (the legacy /workflow/{id}: any string)."""
    if kind is not WORKFLOW and not is_uuid(object_id):
        raise VapiError(400, "Validation failed (uuid is expected)")


def new_uuid(ids: IdFactory) -> str:
    """A version-4 UUID drawn from the sandbox's (seedable) id factory."""
    digits = list(ids.token(32, "0123456789abcdef"))
    digits[12] = "4"
    digits[16] = "89ab"[int(digits[16], 16) & 3]
    return str(uuid.UUID("".join(digits)))


def org_id(account_name: str) -> str:
    """A stable UUID for the org the account stands for."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox:vapi:{account_name}"))


def iso(ms: int) -> str:
    """ISO 8601 in UTC with milliseconds, as Vapi writes `createdAt`/`updatedAt`."""
    at = datetime.fromtimestamp(ms / 1000, UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def shape(object_id: str, org: str, body: Json, created: str, updated: str) -> Json:
    return {"id": object_id, "orgId": org, **body, "createdAt": created, "updatedAt": updated}
