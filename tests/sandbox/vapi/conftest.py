"""The official vapi-server-sdk 3.0.0 as the client, plus raw HTTP, both through one recording httpx
client: at the end of each test every response the sandbox sent is checked against Vapi's OpenAPI document
where it describes that response (the 2025-08 document for /workflow), and against NestJS's error
envelope otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from http import HTTPStatus
from typing import Any

import httpx
import pytest
from vapi import Vapi

from sandbox.core.accounts import keys
from tests.openapi import DOCUMENTS, OpenApi
from tests.support import SandboxProcess

KEY = keys("vapi")["org_derrimut"]
ORG = "org_derrimut"
NO_RETRIES: Any = {"max_retries": 0}
"""vapi-server-sdk retries 408, 409, 429 and 5xx twice by default; tests of those statuses turn it off."""
Json = dict[str, Any]


@cache
def document(name: str) -> OpenApi:
    """Vapi's document, read as Vapi evidently means it (a plain jsonschema reading rejects valid bodies):
    - it writes oneOf where the branches overlap, so no value in the overlap could validate: "a known
      value or any string" (oneOf [{type: string, enum: [...]}, {type: string}] for transcriber models,
      voice ids, …), 'off' next to a URI string, transfer and handoff destinations that both take
      {type: "assistant", assistantName}. Read as anyOf.
    - its patterns are JavaScript regex literals ('/^[a-zA-Z0-9_-]{1,64}$/', '/^\\p{L}…$/u'), which as
      JSON-schema patterns would demand the slashes. Read as the regexes they spell."""
    loaded = OpenApi(DOCUMENTS[name])
    _normalise(loaded.spec)
    return loaded


def _normalise(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("oneOf"), list):
            node["anyOf"] = node.pop("oneOf")
        pattern = node.get("pattern")
        if isinstance(pattern, str) and pattern.startswith("/") and pattern.count("/") >= 2:
            body = pattern[1 : pattern.rindex("/")]
            node["pattern"] = body.replace(r"[\p{L}\d]", r"[^\W_]").replace(r"\p{L}", r"[^\W\d_]")
        for value in node.values():
            _normalise(value)
    elif isinstance(node, list):
        for value in node:
            _normalise(value)


def spec_for(path: str) -> OpenApi:
    return document("vapi-2025-08" if path.startswith("/workflow") else "vapi")


def documented(method: str, path: str, status: int) -> bool:
    try:
        _, operation = spec_for(path).operation(method, path)
    except KeyError:
        return False
    return str(status) in operation.get("responses", {})


def assert_nest_error(status: int, body: Any) -> None:
    """NestJS's envelope, which Vapi's document does not describe: {message: str | [str], error, statusCode}."""
    assert isinstance(body, dict) and set(body) == {"message", "error", "statusCode"}, body
    assert body["statusCode"] == status and body["error"] == HTTPStatus(status).phrase, body
    message = body["message"]
    assert isinstance(message, str) or (
        isinstance(message, list) and message and all(isinstance(m, str) for m in message)
    ), body


class Api:
    """Every response through `http` (the SDK's client too) is recorded, then checked by `verify`."""

    def __init__(self, sandbox: SandboxProcess, key: str = KEY) -> None:
        self.sandbox = sandbox
        self.seen: list[tuple[str, str, int, Any]] = []
        self.unchecked: set[int] = set()
        self.http = httpx.Client(
            base_url=f"{sandbox.url}/vapi",
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
            event_hooks={"response": [self._record]},
        )
        self.sdk = Vapi(token=key, base_url=f"{sandbox.url}/vapi", httpx_client=self.http)

    def _record(self, response: httpx.Response) -> None:
        response.read()
        path = response.request.url.path.removeprefix("/vapi")
        body = response.json() if response.content else None
        self.seen.append((response.request.method, path, response.status_code, body))

    def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, **kwargs)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self(method, path, **kwargs)
        assert response.status_code == status, response.text
        return response.json()

    def error(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = self(method, path, **kwargs)
        assert response.status_code == status, response.text
        return response.json()["message"]

    def deviation(self) -> tuple[str, str, int, Any]:
        """Takes the last response out of `verify`: the test asserts how it deviates from the document."""
        self.unchecked.add(len(self.seen) - 1)
        return self.seen[-1]

    def verify(self) -> None:
        for i, (method, path, status, body) in enumerate(self.seen):
            if i in self.unchecked:
                continue
            if documented(method, path, status):
                spec_for(path).assert_valid(method, path, status, body)
            else:
                assert status >= 400, f"{method} {path} {status} is not in the document"
                assert_nest_error(status, body)


@pytest.fixture
def api(sandbox: SandboxProcess) -> Iterator[Api]:
    client = Api(sandbox)
    yield client
    client.http.close()
    client.verify()


@pytest.fixture
def derrimut(sandbox: SandboxProcess) -> Json:
    response = sandbox.http.post("/_sandbox/fixtures/derrimut")
    response.raise_for_status()
    created: Json = response.json()["created"]["vapi"][ORG]
    return created


def stored(sandbox: SandboxProcess, collection: str) -> dict[str, Json]:
    objects: dict[str, Json] = sandbox.dump().get("vapi", {}).get(ORG, {}).get(collection, {})
    return objects
