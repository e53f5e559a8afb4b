"""Writes the compact vendor OpenAPI documents committed beside this file, from the official ones.

No registry serves Clerk's or Vapi's OpenAPI documents, so the repository carries a compact copy of each:
a valid OpenAPI document of the source's version holding only the operations the sandbox emulates (their
path parameters and responses: status codes and response schemas), every component they reference,
transitively, and `x-backstop-source` (the source's file name, `info.version` and SHA-256). Descriptions,
examples, request bodies, query parameters and vendor extensions are dropped; validation keywords stay.

Run: .venv/bin/python -m tests.specs.compact --source DIR   (or set BACKSTOP_SPECS_DIR to DIR)
where DIR holds the official documents named in SOURCES. tests/specs/test_compact.py checks, when
BACKSTOP_SPECS_DIR is set, that this reproduces the committed files byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ruamel.yaml import YAML
from starlette.routing import Route

from sandbox.clerk import routes as clerk_routes
from sandbox.core.context import Sandbox
from sandbox.core.store import Store
from sandbox.vapi import routes as vapi_routes

HERE = Path(__file__).resolve().parent
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ANNOTATIONS = frozenset(
    {
        "description",
        "summary",
        "title",
        "example",
        "examples",
        "externalDocs",
        "deprecated",
        "$comment",
        "xml",
    }
)
"""Schema keywords that only annotate: dropped. Every other keyword is kept as the source writes it."""
SUBSCHEMA = frozenset(
    {"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"}
    | {"additionalItems", "unevaluatedProperties", "unevaluatedItems"}
)
SUBSCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
SUBSCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
Operation = tuple[str, str]
"""(METHOD, path template), the method upper-case as starlette and the coverage table write it."""


@dataclass(frozen=True)
class Source:
    key: str
    """The name tests/openapi.py's DOCUMENTS gives the document."""
    file: str
    """The official document's file name."""
    output: str
    """The compact document's file name, in tests/specs/."""
    vendor: ModuleType
    """The sandbox's routes module for the vendor."""
    strip_prefix: str
    """What the sandbox's route templates add to the document's path templates (its server URL's path)."""
    selects: Callable[[str], bool]
    """Which emulated paths this document is the reference for."""
    components: tuple[str, ...] = ()
    """Schemas the tests name on purpose (OpenApi.assert_matches_component), kept even if unreferenced."""

    @property
    def compact(self) -> Path:
        return HERE / self.output


SOURCES = (
    Source(
        "clerk",
        "clerk-bapi-2025-11-10.yml",
        "clerk-bapi-2025-11-10.compact.json",
        clerk_routes,
        "/v1",
        lambda path: True,
        components=("ClerkErrors",),
    ),
    # Every emulated Vapi operation is looked up in the current document; those it lacks (the retired
    # /workflow reads) are listed under x-backstop-not-in-source, and kept from the 2025-08 document.
    Source("vapi", "vapi-openapi.json", "vapi.compact.json", vapi_routes, "", lambda path: True),
    Source(
        "vapi-2025-08",
        "vapi-openapi-2025-08.json",
        "vapi-2025-08.compact.json",
        vapi_routes,
        "",
        lambda path: path.startswith("/workflow"),
    ),
)


def emulated(source: Source) -> list[Operation]:
    """The operations the sandbox serves that this document is the reference for, in the document's terms."""
    found: set[Operation] = set()
    for item in source.vendor.routes(Sandbox(store=Store())):
        if isinstance(item, Route) and "{path:path}" not in item.path:
            path = item.path.removeprefix(source.strip_prefix).rstrip("/") or "/"
            if source.selects(path):
                found |= {(method, path) for method in item.methods or () if method != "HEAD"}
    return sorted(found, key=lambda op: (op[1], op[0]))


def template_of(spec_paths: dict[str, Any], method: str, template: str) -> str | None:
    """The document's path template for a sandbox route template: equal literal segments, and a parameter
    where the sandbox has one (whatever either names it); the template with most literal segments wins."""
    wanted = template.rstrip("/").split("/")
    best: tuple[int, str] | None = None
    for candidate in spec_paths:
        parts = candidate.rstrip("/").split("/")
        if method.lower() not in spec_paths[candidate] or len(parts) != len(wanted):
            continue
        literal = 0
        for have, want in zip(parts, wanted, strict=True):
            if have == want:
                literal += 1
            elif not (_is_parameter(have) and _is_parameter(want)):
                break
        else:
            if best is None or literal > best[0]:
                best = (literal, candidate)
    return None if best is None else best[1]


def _is_parameter(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def load(path: Path) -> tuple[dict[str, Any], bytes]:
    raw = path.read_bytes()
    text = raw.decode()
    document: dict[str, Any] = json.loads(text) if path.suffix == ".json" else YAML(typ="safe").load(text)
    return document, raw


def compact(source: Source, document: dict[str, Any], raw: bytes) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    absent: list[str] = []
    for method, route_template in emulated(source):
        template = template_of(document["paths"], method, route_template)
        if template is None:
            absent.append(f"{method} {route_template}")
            continue
        item = document["paths"][template]
        kept = paths.setdefault(template, {})
        shared = _path_parameters(document, item.get("parameters", []))
        if shared:
            kept["parameters"] = shared
        kept[method.lower()] = _operation(document, item[method.lower()])
    result: dict[str, Any] = {
        "openapi": document["openapi"],
        "info": {"title": document["info"]["title"], "version": document["info"]["version"]},
        "paths": paths,
        "x-backstop-source": {
            "file": source.file,
            "version": document["info"]["version"],
            "sha256": hashlib.sha256(raw).hexdigest(),
            "generator": "python -m tests.specs.compact",
        },
        "x-backstop-not-in-source": absent,
    }
    if "servers" in document:
        result["servers"] = [{"url": server["url"]} for server in document["servers"]]
    result["components"] = _components(document, paths, source.components)
    return result


def _operation(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    if "operationId" in operation:
        kept["operationId"] = operation["operationId"]
    parameters = _path_parameters(document, operation.get("parameters", []))
    if parameters:
        kept["parameters"] = parameters
    kept["responses"] = {status: _response(response) for status, response in operation["responses"].items()}
    return kept


def _path_parameters(document: dict[str, Any], parameters: list[Any]) -> list[Any]:
    """Only path parameters: every template expression of a path must name one."""
    kept = []
    for parameter in parameters:
        resolved = _resolve(document, parameter["$ref"]) if "$ref" in parameter else parameter
        if resolved.get("in") == "path":
            kept.append({"$ref": parameter["$ref"]} if "$ref" in parameter else _parameter(parameter))
    return kept


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {key: parameter[key] for key in ("name", "in", "required") if key in parameter}
    if "schema" in parameter:
        kept["schema"] = _schema(parameter["schema"])
    return kept


def _response(response: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in response:
        return {"$ref": response["$ref"]}
    kept: dict[str, Any] = {"description": response.get("description", "")}
    content = {
        media: ({"schema": _schema(body["schema"])} if "schema" in body else {})
        for media, body in response.get("content", {}).items()
    }
    if content:
        kept["content"] = content
    return kept


def _schema(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    kept: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ANNOTATIONS or key.startswith("x-"):
            continue
        if key in SUBSCHEMA_MAPS and isinstance(value, dict):
            kept[key] = {name: _schema(sub) for name, sub in value.items()}
        elif key in SUBSCHEMA_LISTS and isinstance(value, list):
            kept[key] = [_schema(sub) for sub in value]
        elif key in SUBSCHEMA:
            kept[key] = [_schema(sub) for sub in value] if isinstance(value, list) else _schema(value)
        else:
            kept[key] = value
    return kept


COMPACTORS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "schemas": _schema,
    "responses": _response,
    "parameters": _parameter,
}


def _components(document: dict[str, Any], paths: dict[str, Any], named: tuple[str, ...]) -> dict[str, Any]:
    """Every component the kept paths reference, transitively (discriminator mappings included)."""
    components: dict[str, dict[str, Any]] = {}
    pending = [*refs(paths), *(f"#/components/schemas/{name}" for name in named)]
    while pending:
        ref = pending.pop()
        kind, name = _component_of(ref)
        if name in components.get(kind, {}):
            continue
        if kind not in COMPACTORS:
            raise ValueError(f"{ref}: a kind of component this script does not compact")
        node = COMPACTORS[kind](document["components"][kind][name])
        components.setdefault(kind, {})[name] = node
        pending += refs(node)
    return components


def _component_of(ref: str) -> tuple[str, str]:
    parts = ref.split("/")
    if len(parts) != 4 or parts[:2] != ["#", "components"]:
        raise ValueError(f"{ref}: only references to whole components are supported")
    return parts[2], parts[3].replace("~1", "/").replace("~0", "~")


def refs(node: Any) -> list[str]:
    """Every reference in a node: `$ref` values and discriminator mappings."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.append(value)
            elif key == "discriminator" and isinstance(value, dict):
                found += [v for v in value.get("mapping", {}).values() if v.startswith("#/")]
            else:
                found += refs(value)
    elif isinstance(node, list):
        for value in node:
            found += refs(value)
    return found


def _resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    kind, name = _component_of(ref)
    resolved: dict[str, Any] = document["components"][kind][name]
    return resolved


def render(document: dict[str, Any]) -> str:
    """Stable formatting, sorted keys throughout: the first three levels of objects indented, then one
    operation (paths → template → method) or one component (components → kind → name) a line, so that a
    regenerated document diffs readably."""
    return _dump(document, levels=3, indent=0) + "\n"


def _dump(value: Any, levels: int, indent: int) -> str:
    if levels == 0 or not isinstance(value, dict) or not value:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    pad = " " * (indent + 1)
    items = [
        f"{pad}{json.dumps(key, ensure_ascii=False)}: {_dump(value[key], levels - 1, indent + 1)}"
        for key in sorted(value)
    ]
    return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"


def write(source_dir: Path, out_dir: Path = HERE) -> list[Path]:
    written = []
    for source in SOURCES:
        path = source_dir / source.file
        if not path.exists():
            raise FileNotFoundError(
                f"{path} is missing: --source (or BACKSTOP_SPECS_DIR) must hold {source.file}"
            )
        document, raw = load(path)
        target = out_dir / source.output
        target.write_text(render(compact(source, document, raw)), encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.specs.compact", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=os.environ.get("BACKSTOP_SPECS_DIR"),
        help="the folder holding the official documents (default: $BACKSTOP_SPECS_DIR)",
    )
    parser.add_argument("--out", type=Path, default=HERE, help="where to write (default: tests/specs)")
    args = parser.parse_args(argv)
    if args.source is None:
        parser.error("give --source DIR or set BACKSTOP_SPECS_DIR")
    for path in write(Path(args.source), args.out):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
