"""The committed compact vendor documents (tests/specs/compact.py): current with the sandbox's routes, whole
(every reference resolves), and, given the official documents, exactly what the script writes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.openapi import DOCUMENTS, OpenApi
from tests.specs import compact

SOURCES = {source.key: source for source in compact.SOURCES}
METHODS = frozenset(compact.METHODS)


def committed(source: compact.Source) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(source.compact.read_text())
    return loaded


def kept(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), template)
        for template, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


@pytest.mark.skipif(
    not os.environ.get("BACKSTOP_SPECS_DIR"),
    reason="set BACKSTOP_SPECS_DIR to a folder with the official Clerk and Vapi documents to check the "
    "committed compact ones are regenerated from them byte for byte",
)
def test_regenerating_reproduces_the_committed_documents(tmp_path: Path) -> None:
    written = compact.write(Path(os.environ["BACKSTOP_SPECS_DIR"]), tmp_path)
    assert [path.name for path in written] == [source.output for source in compact.SOURCES]
    for path, source in zip(written, compact.SOURCES, strict=True):
        assert path.read_bytes() == source.compact.read_bytes(), (
            f"tests/specs/{source.output} is stale: run "
            "`.venv/bin/python -m tests.specs.compact --source DIR` and commit it"
        )


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_the_tests_read_the_committed_document(key: str) -> None:
    assert DOCUMENTS[key] == SOURCES[key].compact


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_the_source_is_recorded(key: str) -> None:
    source = SOURCES[key]
    document = committed(source)
    recorded = document["x-backstop-source"]
    assert recorded["file"] == source.file
    assert recorded["version"] == document["info"]["version"]
    assert re.fullmatch(r"[0-9a-f]{64}", recorded["sha256"]), recorded
    assert document["openapi"].startswith("3.")


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_it_holds_exactly_the_emulated_operations(key: str) -> None:
    """A route added to or removed from the sandbox fails here until the documents are regenerated."""
    source = SOURCES[key]
    document = committed(source)
    wanted = set(compact.emulated(source))
    absent = {tuple(entry.split(" ", 1)) for entry in document["x-backstop-not-in-source"]}
    have = kept(document)
    assert have <= {(method, _template(document, method, path)) for method, path in wanted}, (
        "operations the sandbox does not emulate"
    )
    found = {(method, path) for method, path in wanted if _template(document, method, path) is not None}
    assert found | absent == wanted and not found & absent, (
        f"emulated operations missing from tests/specs/{source.output}: regenerate it"
    )
    assert len(have) == len(found)


def test_every_emulated_vapi_operation_has_a_document() -> None:
    """The /workflow reads the current document lacks are the ones the 2025-08 document holds."""
    current, legacy = committed(SOURCES["vapi"]), committed(SOURCES["vapi-2025-08"])
    assert current["x-backstop-not-in-source"] == ["GET /workflow", "GET /workflow/{id}"]
    assert kept(legacy) == {("GET", "/workflow"), ("GET", "/workflow/{id}")}


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_every_reference_resolves(key: str) -> None:
    document = committed(SOURCES[key])
    for ref in compact.refs(document):
        node: Any = document
        for part in ref.removeprefix("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
            node = node[part]


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_it_is_a_complete_openapi_document(key: str) -> None:
    """What OpenAPI requires of what is kept: info's title and version, each operation's responses and
    each response's description, and a path parameter for every template expression."""
    document = committed(SOURCES[key])
    assert {"title", "version"} <= set(document["info"])
    components = document.get("components", {})
    for template, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation["responses"]
            assert responses, f"{method} {template}"
            for response in responses.values():
                if "$ref" in response:
                    response = components["responses"][response["$ref"].rsplit("/", 1)[-1]]
                assert isinstance(response["description"], str)
            parameters = [
                components["parameters"][p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p
                for p in [*item.get("parameters", []), *operation.get("parameters", [])]
            ]
            named = {p["name"] for p in parameters if p["in"] == "path"}
            assert named == set(re.findall(r"\{([^}]+)\}", template)), f"{method} {template}"
    OpenApi(SOURCES[key].compact)


def _template(document: dict[str, Any], method: str, path: str) -> str | None:
    return compact.template_of(document["paths"], method, path)
