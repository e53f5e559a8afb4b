"""Request bodies of the Convex endpoints (camelCase, as the backend's serde structs take them)."""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sandbox.convex.errors import bad_request

Mode = Literal["requireEmpty", "append", "replace", "replaceAll"]
Format = Literal["csv", "jsonLines", "jsonArray", "zip"]
MODE_NAMES = {
    "requireEmpty": "RequireEmpty",
    "append": "Append",
    "replace": "Replace",
    "replaceAll": "ReplaceAll",
}
"""How the `_snapshot_imports` row spells a mode (ImportMode's Display)."""
M = TypeVar("M", bound=BaseModel)


class ImportArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")
    tableName: str | None = None
    componentPath: str | None = None
    format: Format
    mode: Mode = "requireEmpty"


class FinishUpload(BaseModel):
    model_config = ConfigDict(extra="ignore")
    import_: ImportArgs = Field(alias="import")
    uploadToken: str
    partTokens: list[str]


class PerformImport(BaseModel):
    model_config = ConfigDict(extra="ignore")
    importId: str


class QueryRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    path: str
    format: str | None = None
    args: list[Any] | dict[str, Any] = Field(default_factory=list)


class UpdateEnvironmentVariables(BaseModel):
    model_config = ConfigDict(extra="ignore")
    changes: list[Any]


def parse(model: type[M], raw: bytes) -> M:
    try:
        return model.model_validate(json.loads(raw or b"null"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_request("BadJsonBody", f"Failed to parse the request body as JSON: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise bad_request(
            "BadJsonBody", f"Failed to deserialize the JSON body: {where}: {first['msg']}"
        ) from None
