"""Smoke checks against a real local HTTP server: the request sent (method, JSON body, secret headers), how an
answer is judged (status, text, JSON path by type and value), failures shown with the header secrets
redacted, and timeouts and refused connections reported, never raised."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from backstop.plugin.model.checks import Expect, SmokeCheck
from backstop.runbook.check.report import Smoke
from backstop.runbook.check.smoke import MISSING, judge, run_all, value_at

TOKEN = "Bearer canary-smoke-token-5d1c"


class App:
    """Answers by path: /health JSON, /echo the Authorization header back, /slow after 2 s, /text plain."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        seen = self.seen

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: bytes, kind: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                seen.append({"method": "GET", "path": self.path, "auth": self.headers.get("authorization")})
                if self.path == "/health":
                    self._answer(200, b'{"status":"ok","checks":{"database":true,"count":1},"items":["a"]}')
                elif self.path == "/echo":
                    self._answer(
                        503, json.dumps({"error": "down", "auth": self.headers.get("authorization")}).encode()
                    )
                elif self.path == "/slow":
                    time.sleep(2)
                    self._answer(200, b"{}")
                elif self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("location", "/health")
                    self.send_header("content-length", "0")
                    self.end_headers()
                else:
                    self._answer(200, b"all systems go", "text/plain")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                seen.append({"method": "POST", "path": self.path, "body": json.loads(body)})
                self._answer(201, b'{"results":[1,2]}')

            def log_message(self, *_: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def app() -> Iterator[App]:
    served = App()
    yield served
    served.server.shutdown()
    served.server.server_close()


def check(key: str, url: str, **fields: Any) -> SmokeCheck:
    return SmokeCheck.model_validate({"key": key, "url": url, **fields})


def run(*checks: tuple[SmokeCheck, dict[str, str]]) -> list[Smoke]:
    return asyncio.run(run_all(list(checks), None))


def test_requests_carry_their_body_and_secret_headers_and_pass_as_declared(app: App) -> None:
    results = run(
        (check("health", f"{app.url}/health", expect={"json_path": "checks.database", "equals": True}), {}),
        (check("items", f"{app.url}/health", expect={"json_path": "items.0", "equals": "a"}), {}),
        (check("text", f"{app.url}/", expect={"text": "systems go"}), {"Authorization": TOKEN}),
        (check("search", f"{app.url}/search", method="POST", body={"q": "gym"}, expect={"status": 201}), {}),
    )
    assert [(r.key, r.status, r.http_status) for r in results] == [
        ("health", "passed", 200),
        ("items", "passed", 200),
        ("text", "passed", 200),
        ("search", "passed", 201),
    ]
    assert all(r.seconds is not None and r.body is None for r in results)
    assert {"method": "POST", "path": "/search", "body": {"q": "gym"}} in app.seen
    assert {"method": "GET", "path": "/", "auth": TOKEN} in app.seen


def test_failures_say_what_was_found_with_the_header_secret_redacted(app: App) -> None:
    (echoed, wrong_value, wrong_type, missing, redirect) = run(
        (check("echo", f"{app.url}/echo"), {"Authorization": TOKEN}),
        (check("value", f"{app.url}/health", expect={"json_path": "status", "equals": "down"}), {}),
        (check("type", f"{app.url}/health", expect={"json_path": "checks.count", "equals": True}), {}),
        (check("missing", f"{app.url}/health", expect={"json_path": "checks.cache", "equals": "ok"}), {}),
        (check("redirect", f"{app.url}/redirect"), {}),
    )
    assert (echoed.status, echoed.http_status, echoed.detail) == ("failed", 503, "answered 503, expected 200")
    assert echoed.body is not None and echoed.body.startswith('{"error": "down"')
    assert "canary-smoke-token" not in echoed.model_dump_json() and "[redacted]" in echoed.body
    assert wrong_value.detail == 'status is "ok", expected "down"'
    assert wrong_type.detail == "checks.count is 1, expected true", "JSON's 1 is not true"
    assert missing.detail == "the answer has no checks.cache"
    assert (redirect.status, redirect.http_status) == ("failed", 302), "redirects are not followed"


def test_a_timeout_and_a_refused_connection_are_failures(app: App) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{free.getsockname()[1]}/health"
    slow, refused = run(
        (check("slow", f"{app.url}/slow", timeout_seconds=0.3), {}),
        (check("refused", closed), {"Authorization": TOKEN}),
    )
    assert (slow.status, slow.detail) == ("failed", "no answer within 0.3 s")
    assert refused.status == "failed" and refused.detail.startswith("no answer: ")
    assert refused.http_status is None and "canary" not in refused.model_dump_json()


def test_judging_an_answer() -> None:
    assert judge(Expect(), 200, b"") is None
    assert judge(Expect(status=204), 200, b"") == "answered 200, expected 204"
    assert judge(Expect(text="ok"), 200, b"KO") == "the answer doesn't contain 'ok'"
    assert judge(Expect(json_path="a", equals=1), 200, b"<html>") == "the answer is not JSON, so it has no a"
    assert judge(Expect(json_path="a", equals=1.5), 200, b'{"a": 1.5}') is None
    assert value_at({"a": [{"b": 2}]}, "a.0.b") == 2
    assert value_at({"a": [1]}, "a.3") is MISSING and value_at({"a": 1}, "a.b") is MISSING
