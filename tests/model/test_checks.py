"""Smoke checks in the desired state: a URL that is http(s), header values only from secrets, a JSON path
with the value expected there, a body only on a POST, unique keys; each refusal names file, line and path."""

from __future__ import annotations

import pytest

from backstop.plugin.model import DesiredStateError, parse_document

HEAD = """\
version: 1
stack: staging
scope:
  stripe: {mode: test}
checks:
"""
VALID = (
    HEAD
    + """\
  - key: app-health
    url: https://staging.example.com/api/health
    headers:
      Authorization: {secret: healthCheckToken}
    expect: {status: 200, json_path: checks.database, equals: true}
  - key: search
    url: http://staging.example.com/api/search
    method: POST
    body: {query: gym}
    expect: {status: 201, text: results}
    timeout_seconds: 30
"""
)


def problems(checks: str) -> list[str]:
    with pytest.raises(DesiredStateError) as caught:
        parse_document(HEAD + checks, "snapshots/staging.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_valid_section_parses_with_its_defaults() -> None:
    desired = parse_document(VALID, "staging.yaml")
    health, search = desired.checks
    assert health.method == "GET" and health.timeout_seconds == 10 and health.body is None
    assert health.headers["Authorization"].secret == "healthCheckToken"
    assert health.expect.json_path == "checks.database" and health.expect.equals is True
    assert search.body == {"query": "gym"} and search.expect.text == "results" and search.expect.status == 201
    assert parse_document(HEAD.removesuffix("checks:\n"), "staging.yaml").checks == []


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        (
            "  - key: a\n    url: ftp://example.com/health\n",
            "snapshots/staging.yaml:7: checks[0].url: must be an absolute http(s) URL",
        ),
        (
            "  - key: a\n    url: https://example.com/health\n    headers:\n      Authorization: Bearer abc\n",
            "snapshots/staging.yaml:8: checks[0].headers: header Authorization: a header value may hold a "
            "credential, so it is never written in the document",
        ),
        (
            "  - key: a\n    url: https://example.com/health\n    expect: {json_path: status}\n",
            "checks[0].expect: json_path and equals go together",
        ),
        (
            "  - key: a\n    url: https://example.com/health\n    body: {x: 1}\n",
            "checks[0]: body: only a POST sends one",
        ),
        (
            "  - key: a\n    url: https://example.com/health\n    colour: red\n",
            "checks[0].colour: unknown field",
        ),
        (
            "  - key: a\n    url: https://example.com/health\n    method: DELETE\n",
            "checks[0].method: Input should be 'GET' or 'POST'",
        ),
        (
            "  - key: a\n    url: https://example.com/health\n    timeout_seconds: 0\n",
            "checks[0].timeout_seconds",
        ),
        (
            "  - key: a\n    url: https://example.com/a\n  - key: a\n    url: https://example.com/b\n",
            "checks: two entries have the same key 'a'",
        ),
        (
            "  - key: a\n    url: https://example.com/a\n    expect: {status: 99}\n",
            "checks[0].expect.status",
        ),
    ],
)
def test_bad_input_names_file_line_and_path(checks: str, expected: str) -> None:
    found = problems(checks)
    assert any(expected in p for p in found), found
