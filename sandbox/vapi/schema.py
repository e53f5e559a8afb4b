"""Request validation as Vapi's NestJS API does it (class-validator, whitelist + forbidNonWhitelisted),
driven by the request DTOs of Vapi's OpenAPI document, extracted into data/request_schemas.json.

Messages follow class-validator's defaults, nested ones prefixed with the parent path as NestJS's
ValidationPipe writes them ("model.property foo should not exist", "members.0.name must be a string").

Regenerate the data file: .venv/bin/python -m sandbox.vapi.schema /path/to/vapi-openapi.json
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from uuid import UUID

DATA = Path(__file__).parent / "data" / "request_schemas.json"
Schema = dict[str, Any]

_KEYWORDS = (
    "$ref type properties required items enum oneOf allOf additionalProperties nullable discriminator "
    "maxLength minLength minimum maximum pattern format"
).split()
_ROOTS = ("CreateAssistantDTO", "UpdateAssistantDTO", "CreateSquadDTO", "UpdateSquadDTO")


class Schemas:
    def __init__(self, data: dict[str, Any]) -> None:
        self.schemas: dict[str, Schema] = data["schemas"]
        self.tool_types: dict[str, dict[str, str]] = data["tool_types"]

    def named(self, name: str) -> Schema:
        return self.schemas[name]

    def resolve(self, schema: Schema) -> Schema:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]]
        while set(schema) <= {"allOf", "nullable"} and len(schema.get("allOf", ())) == 1:
            schema = self.resolve(schema["allOf"][0])
        return schema

    # Entry point: a request body against a DTO.
    def errors(self, dto: str, body: Any) -> list[str]:
        if not isinstance(body, dict):
            return ["request body must be a JSON object"]
        return _unique(self._object(self.named(dto), body, "", ""))

    def _check(self, schema: Schema, value: Any, name: str, parent: str) -> list[str]:
        schema = self.resolve(schema)
        if "allOf" in schema:
            return _unique([m for part in schema["allOf"] for m in self._check(part, value, name, parent)])
        if "oneOf" in schema:
            return self._union(schema, value, name, parent)
        kind = schema.get("type")
        if "properties" in schema:
            if not isinstance(value, dict):
                return [f"{parent}nested property {name} must be either object or array"]
            return self._object(schema, value, name, parent)
        if kind == "object":
            return [] if isinstance(value, dict) else [f"{parent}{name} must be an object"]
        if kind == "array":
            return self._array(schema, value, name, parent)
        return _scalar(schema, value, f"{parent}{name}")

    def _object(self, schema: Schema, value: dict[str, Any], name: str, parent: str) -> list[str]:
        prefix = f"{parent}{name}." if name else parent
        properties: dict[str, Schema] = schema.get("properties", {})
        out: list[str] = []
        if not schema.get("additionalProperties"):
            out += [f"{prefix}property {key} should not exist" for key in value if key not in properties]
        required = schema.get("required", ())
        for key, sub in properties.items():
            if value.get(key) is None:
                if key in required:
                    out += self._missing(sub, key, prefix)
                continue
            out += self._check(sub, value[key], key, prefix)
        return out

    def _array(self, schema: Schema, value: Any, name: str, parent: str) -> list[str]:
        if not isinstance(value, list):
            return [f"{parent}{name} must be an array"]
        out: list[str] = []
        enum = schema.get("enum")
        if enum is not None and any(not _in_enum(v, enum) for v in value):
            out.append(f"{parent}each value in {name} must be one of the following values: {_listing(enum)}")
        if "items" in schema:
            items = self.resolve(schema["items"])
            if {"properties", "oneOf", "allOf"} & set(items) or items.get("type") in ("object", "array"):
                for i, item in enumerate(value):
                    out += self._check(items, item, str(i), f"{parent}{name}.")
            else:
                for item in value:
                    out += _scalar(items, item, f"{parent}each value in {name}")
        return _unique(out)

    def _union(self, schema: Schema, value: Any, name: str, parent: str) -> list[str]:
        branches = [self.resolve(b) for b in schema["oneOf"]]
        objects = [b for b in branches if "properties" in b]
        scalars = [b for b in branches if "properties" not in b]
        if isinstance(value, dict) and objects:
            tag = schema.get("discriminator", {}).get("propertyName") or self._tag(objects)
            if tag is None:
                attempts = [self._check(b, value, name, parent) for b in objects]
                return min(attempts, key=len)
            options: dict[Any, Schema] = {}
            for branch in objects:
                for option in self.resolve(branch["properties"][tag]).get("enum", ()):
                    options.setdefault(option, branch)
            chosen = next((b for o, b in options.items() if _in_enum(value.get(tag), [o])), None)
            if chosen is None:
                prefix = f"{parent}{name}." if name else parent
                return [f"{prefix}{tag} must be one of the following values: {_listing(list(options))}"]
            return self._check(chosen, value, name, parent)
        if not scalars:
            return [f"{parent}nested property {name} must be either object or array"]
        attempts = [self._check(b, value, name, parent) for b in scalars]
        return [] if any(not a for a in attempts) else attempts[0]

    def _tag(self, branches: list[Schema]) -> str | None:
        """The property every branch pins to its own constant(s): `provider`, `type`, `on`, …"""
        keys: dict[str, Schema] = branches[0]["properties"]
        for key in keys:
            values: list[Any] = []
            for branch in branches:
                sub = self.resolve(branch["properties"].get(key, {}))
                if "enum" not in sub:
                    break
                values += sub["enum"]
            else:
                if len(values) == len({json.dumps(v) for v in values}):
                    return key
        return None

    def _missing(self, schema: Schema, key: str, prefix: str) -> list[str]:
        """What class-validator says about an absent required property: its type check fails."""
        schema = self.resolve(schema)
        if "enum" in schema and schema.get("type") != "array":
            return [f"{prefix}{key} must be one of the following values: {_listing(schema['enum'])}"]
        kind = schema.get("type")
        if kind == "array":
            return [f"{prefix}{key} must be an array"]
        if kind in ("string", "number", "integer", "boolean"):
            return _scalar(schema, None, f"{prefix}{key}")
        return [f"{prefix}{key} should not be empty"]


def _scalar(schema: Schema, value: Any, label: str) -> list[str]:
    enum = schema.get("enum")
    kind = schema.get("type")
    if enum is not None:
        return (
            []
            if _in_enum(value, enum)
            else [f"{label} must be one of the following values: {_listing(enum)}"]
        )
    if kind == "string":
        if not isinstance(value, str):
            return [f"{label} must be a string"]
        return _string(schema, value, label)
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            if kind == "integer":
                return [f"{label} must be an integer number"]
            return [f"{label} must be a number conforming to the specified constraints"]
        if kind == "integer" and not float(value).is_integer():
            return [f"{label} must be an integer number"]
        out = []
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{label} must not be less than {_number(schema['minimum'])}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{label} must not be greater than {_number(schema['maximum'])}")
        return out
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{label} must be a boolean value"]
    return []


def _string(schema: Schema, value: str, label: str) -> list[str]:
    out = []
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        out.append(f"{label} must be shorter than or equal to {schema['maxLength']} characters")
    if "minLength" in schema and len(value) < schema["minLength"]:
        out.append(f"{label} must be longer than or equal to {schema['minLength']} characters")
    if "pattern" in schema and not _regex(schema["pattern"]).search(value):
        out.append(f"{label} must match {schema['pattern']} regular expression")
    fmt = schema.get("format")
    if fmt == "uri" and not is_url(value):
        out.append(f"{label} must be a URL address")
    elif fmt == "uuid" and not is_uuid(value):
        out.append(f"{label} must be a UUID")
    elif fmt == "date-time" and parse_datetime(value) is None:
        out.append(f"{label} must be a valid ISO 8601 date string")
    return out


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """The document writes JavaScript regex literals (`/^…$/u`); Python's `re` has no `\\p{L}`."""
    body = pattern[1 : pattern.rindex("/")] if pattern.startswith("/") else pattern
    body = body.replace(r"[\p{L}\d]", r"[^\W_]").replace(r"\p{L}", r"[^\W\d_]")
    return re.compile(body)


def is_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", value))


def parse_datetime(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _in_enum(value: Any, enum: list[Any]) -> bool:
    return any(type(value) is type(option) and value == option for option in enum)


def _listing(values: list[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _unique(messages: list[str]) -> list[str]:
    return list(dict.fromkeys(messages))


@cache
def schemas() -> Schemas:
    return Schemas(json.loads(DATA.read_text()))


# Extraction from the OpenAPI document (run by hand when the document changes).


def _strip(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key in _KEYWORDS:
        if key not in schema:
            continue
        value = schema[key]
        if key == "properties":
            value = {name: _strip(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties"):
            value = _strip(value)
        elif key in ("oneOf", "allOf"):
            value = [_strip(sub) for sub in value]
        elif key == "discriminator":
            value = {"propertyName": value["propertyName"]}
        out[key] = value
    return out


def extract(document: dict[str, Any]) -> dict[str, Any]:
    components: dict[str, Schema] = document["components"]["schemas"]
    tool_types: dict[str, dict[str, str]] = {"create": {}, "update": {}}
    roots = list(_ROOTS)
    for kind, path, method in (("create", "/tool", "post"), ("update", "/tool/{id}", "patch")):
        body = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        for branch in body["oneOf"]:
            name = branch["$ref"].rsplit("/", 1)[-1]
            roots.append(name)
            for type_ in components[name]["properties"]["type"]["enum"]:
                tool_types[kind][type_] = name
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack += re.findall(r"#/components/schemas/([A-Za-z0-9_.-]+)", json.dumps(components[name]))
    return {
        "source": "Vapi's OpenAPI document (VapiAI/docs fern/apis/api/openapi.json, as vendored in "
        "shared/specs/vapi-openapi.json): the request DTOs of /assistant, /tool and /squad and what they "
        "reference, with only the keywords validation uses. Regenerate: python -m sandbox.vapi.schema SPEC",
        "tool_types": tool_types,
        "schemas": {name: _strip(components[name]) for name in sorted(seen)},
    }


def main(argv: list[str]) -> None:
    document = json.loads(Path(argv[0]).read_text())
    DATA.parent.mkdir(exist_ok=True)
    data = extract(document)
    # One schema a line, so that a regenerated file diffs readably.
    lines = [
        f"{json.dumps(name)}:{json.dumps(s, separators=(',', ':'))}" for name, s in data["schemas"].items()
    ]
    head = {k: v for k, v in data.items() if k != "schemas"}
    DATA.write_text(json.dumps(head, indent=1)[:-2] + ',\n"schemas":{\n' + ",\n".join(lines) + "\n}}\n")
    print(f"wrote {DATA}")


if __name__ == "__main__":
    main(sys.argv[1:])
