"""Vapi's errors: NestJS's `{"message": str | [str], "error": <reason phrase>, "statusCode"}`, and the
documented 409 bodies for pinned objects (`{"error": "assistant_pinned" | "tool_pinned", "message"}`)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse, Response

from sandbox.core.errors import HttpError

INVALID_KEY = (
    "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa."
)


class VapiError(HttpError):
    def __init__(self, status: int, message: str | list[str], body: dict[str, Any] | None = None) -> None:
        super().__init__(message if isinstance(message, str) else "; ".join(message))
        self.status, self.message, self.body = status, message, body

    def response(self) -> Response:
        if self.body is not None:
            return JSONResponse(self.body, status_code=self.status)
        return JSONResponse(nest(self.status, self.message), status_code=self.status)


def nest(status: int, message: str | list[str]) -> dict[str, Any]:
    return {"message": message, "error": HTTPStatus(status).phrase, "statusCode": status}


def bad_request(messages: list[str]) -> VapiError:
    """A failed DTO validation: NestJS's ValidationPipe lists every message."""
    return VapiError(400, messages)


def not_found(kind: str) -> VapiError:
    return VapiError(404, f"{kind} not found")


def no_route(method: str, path: str) -> VapiError:
    """What NestJS answers for a path no controller serves."""
    return VapiError(404, f"Cannot {method} {path}")


def pinned(kind: str, object_id: str, by: str) -> VapiError:
    message = f"Cannot delete {kind} {object_id}: a version of it is pinned by {by}. Remove the pin first."
    return VapiError(409, message, body={"error": f"{kind}_pinned", "message": message})


def envelope(status: int, message: str, headers: dict[str, str]) -> Response:
    """Vapi's answer to an injected fault or an exhausted (configured) rate limit."""
    response = JSONResponse(nest(status, message), status_code=status)
    response.headers.update(headers)
    return response
