"""Mapping a backup's document to another stack: values rewritten, sections dropped, identity untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstop.plugin.model import DesiredStateError
from backstop.runbook.restore.mapping import apply, load_mapping
from tests.support import ROOT

DOCUMENT = {
    "version": 1,
    "stack": "prod",
    "scope": {"stripe": {"mode": "live"}},
    "stripe": {
        "webhook_endpoints": [
            {
                "key": "spotted-gerbil-236",
                "url": "https://spotted-gerbil-236.convex.site/x",
                "description": "Billing",
            }
        ]
    },
    "vapi": {"assistants": [{"key": "receptionist", "name": "Receptionist"}]},
    "vercel": {"projects": []},
}


def test_the_committed_mapping_rewrites_prod_for_staging() -> None:
    mapping = load_mapping(ROOT / "mappings" / "prod-to-staging.yaml")
    mapped = apply(mapping, DOCUMENT)
    endpoint = mapped["stripe"]["webhook_endpoints"][0]
    assert endpoint["url"] == "https://quiet-otter-512.convex.site/x"
    assert endpoint["key"] == "spotted-gerbil-236", "keys (resource names) are never rewritten"
    assert endpoint["description"] == "Billing (staging)"
    assert "vercel" not in mapped
    assert mapped["scope"] == DOCUMENT["scope"] and mapped["stack"] == "prod", "merge sets the target's"


def test_the_source_instances_primary_domain_never_reaches_the_target() -> None:
    mapping = load_mapping(ROOT / "mappings" / "prod-to-staging.yaml")
    domains = [
        {"key": "primary", "name": "derrimut247.com.au", "primary": True},
        {"key": "kids", "name": "derrimutkids.com.au"},
    ]
    mapped = apply(mapping, {**DOCUMENT, "clerk": {"domains": domains}})
    assert mapped["clerk"]["domains"] == [{"key": "kids", "name": "derrimutkids.com.au"}]


def test_set_paths_reach_into_lists(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("source: prod\ntarget: staging\nset:\n  vapi.assistants[*].name: 'staging-{value}'\n")
    assert apply(load_mapping(path), DOCUMENT)["vapi"]["assistants"][0]["name"] == "staging-Receptionist"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("source: prod\n", "target: Field required"),
        ("source: prod\ntarget: staging\ncolour: red\n", "colour: unknown field"),
        (
            "source: prod\ntarget: staging\nset: {scope.stripe.mode: test}\n",
            "is not a path into a vendor section",
        ),
        ("source: prod\ntarget: staging\ndrop: [stack]\n", "'stack' is not a vendor section"),
        ("source: [prod\n", "YAML syntax error"),
    ],
)
def test_bad_mappings_name_the_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    with pytest.raises(DesiredStateError) as caught:
        load_mapping(path)
    assert str(path) in str(caught.value) and expected in str(caught.value)
