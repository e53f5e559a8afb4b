"""Validating the sandbox's responses against the vendors' official OpenAPI documents."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from ruamel.yaml import YAML

from tests.support import ROOT

COMPACT = ROOT / "tests" / "specs"
DOCUMENTS = {
    # Copied from pinned Go modules by `make setup` (toolchain/build.sh).
    "stripe": ROOT / ".tools" / "stripe-openapi" / "spec3.json",
    "svix": ROOT / ".tools" / "svix-openapi" / "openapi.json",
    # Committed: the emulated operations of the official documents (tests/specs/compact.py).
    "clerk": COMPACT / "clerk-bapi-2025-11-10.compact.json",
    "vapi": COMPACT / "vapi.compact.json",
    "vapi-2025-08": COMPACT / "vapi-2025-08.compact.json",
}


class OpenApi:
    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `make setup`")
        text = path.read_text()
        self.spec: dict[str, Any] = (
            json.loads(text) if path.suffix == ".json" else YAML(typ="safe").load(text)
        )
        _nullable_compositions(self.spec)
        self.uri = f"urn:openapi:{path.name}"
        resource = Resource.from_contents(self.spec, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(self.uri, resource)
        # Svix's document says 3.1 but writes 3.0's `nullable`; the 3.0 validator understands it.
        uses_nullable = "nullable" in text
        self.validator_class = (
            OAS31Validator if self.spec["openapi"].startswith("3.1") and not uses_nullable else OAS30Validator
        )

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        """The spec's path template matching a concrete path (literal segments win), and its operation."""
        wanted = path.split("?")[0].rstrip("/").split("/")
        best: tuple[int, str] | None = None
        for template, item in self.spec["paths"].items():
            parts = template.rstrip("/").split("/")
            if method.lower() not in item or len(parts) != len(wanted):
                continue
            literal = 0
            for have, want in zip(parts, wanted, strict=True):
                if have == want:
                    literal += 1
                elif not (have.startswith("{") and have.endswith("}")):
                    break
            else:
                if best is None or literal > best[0]:
                    best = (literal, template)
        if best is None:
            raise KeyError(f"{method} {path} is not in the OpenAPI document")
        return best[1], self.spec["paths"][best[1]][method.lower()]

    def response_schema(self, method: str, path: str, status: int) -> str | None:
        """A JSON pointer to the documented schema of that response, or None if it documents no body."""
        template, operation = self.operation(method, path)
        responses = operation.get("responses", {})
        key = next((k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses), None)
        if key is None:
            raise AssertionError(f"{method} {template} documents no {status} response")
        response = responses[key]
        base = f"#/paths/{_escape(template)}/{method.lower()}/responses/{key}"
        if "$ref" in response:
            base = response["$ref"]
            response = self._resolve(base)
        content = response.get("content", {})
        media = next((m for m in content if "json" in m), None)
        if media is None or "schema" not in content[media]:
            return None
        return f"{base}/content/{_escape(media)}/schema"

    def errors(self, method: str, path: str, status: int, body: Any) -> list[str]:
        pointer = self.response_schema(method, path, status)
        if pointer is None:
            return [] if body in (None, b"", "") else [f"{method} {path} {status} documents no body"]
        validator = self.validator_class({"$ref": f"{self.uri}{pointer}"}, registry=self.registry)
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message[:300]}"
            for e in validator.iter_errors(body)
        ]

    def assert_valid(self, method: str, path: str, status: int, body: Any) -> None:
        problems = self.errors(method, path, status, body)
        assert not problems, f"{method} {path} {status} does not match the OpenAPI document:\n" + "\n".join(
            problems[:10]
        )

    def assert_matches_component(self, name: str, body: Any) -> None:
        """For responses to undocumented operations (e.g. Stripe's 404 for an unknown URL)."""
        validator = self.validator_class(
            {"$ref": f"{self.uri}#/components/schemas/{name}"}, registry=self.registry
        )
        problems = [e.message[:300] for e in validator.iter_errors(body)]
        assert not problems, f"does not match components/schemas/{name}: {problems[:5]}"

    def _resolve(self, ref: str) -> dict[str, Any]:
        node: Any = self.spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        resolved: dict[str, Any] = node
        return resolved


def _nullable_compositions(node: Any) -> None:
    """OAS 3.0 `nullable: true` allows null also through an `enum` or an anyOf/oneOf, as the vendors send it."""
    if isinstance(node, dict):
        if node.get("nullable") is True:
            if isinstance(node.get("enum"), list) and None not in node["enum"]:
                node["enum"].append(None)
            for key in ("anyOf", "oneOf"):
                if "type" not in node and isinstance(node.get(key), list):
                    node[key].append({"enum": [None]})
        for value in node.values():
            _nullable_compositions(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_compositions(value)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@cache
def document(vendor: str) -> OpenApi:
    return OpenApi(DOCUMENTS[vendor])
