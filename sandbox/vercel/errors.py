"""Vercel's error envelope: `{"error": {"code", "message", …}}` (vercel.com/docs/rest-api/errors)."""

from __future__ import annotations

import time
from typing import Any

from starlette.responses import JSONResponse, Response

from sandbox.core.errors import HttpError

CODES = {400: "bad_request", 401: "forbidden", 403: "forbidden", 404: "not_found", 429: "rate_limited"}


class VercelError(HttpError):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra
        self.beside: dict[str, Any] = {}
        """Members next to `error`, e.g. `failed` when every var of a batch create failed."""

    def error(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}

    def body(self) -> dict[str, Any]:
        return {"error": self.error(), **self.beside}

    def response(self) -> Response:
        return JSONResponse(self.body(), status_code=self.status)


def bad_request(message: str) -> VercelError:
    return VercelError(400, "bad_request", message)


def invalid_body(detail: str) -> VercelError:
    return bad_request(f"Invalid request: {detail}")


def invalid_query(detail: str) -> VercelError:
    return bad_request(f"Invalid query: {detail}")


def not_found(message: str) -> VercelError:
    return VercelError(404, "not_found", message)


def forbidden_scope(scope: str) -> VercelError:
    return VercelError(
        403,
        "forbidden",
        f'Not authorized: Trying to access resource under scope "{scope}". You must re-authenticate to '
        "this scope or use a token with access to this scope.",
        invalidToken=False,
    )


def envelope(status: int, message: str, headers: dict[str, str]) -> Response:
    """Vercel's answer to an injected fault or an exhausted rate limit."""
    extra: dict[str, Any] = {}
    if status == 429:
        wait = int(headers.get("Retry-After", "1") or 1)
        reset_ms = int(time.time() * 1000) + wait * 1000
        extra["limit"] = {"remaining": 0, "reset": reset_ms // 1000, "resetMs": reset_ms}
    code = CODES.get(status, "internal_server_error" if status >= 500 else "bad_request")
    response = VercelError(status, code, message, **extra).response()
    response.headers.update(headers)
    return response
