"""Svix's errors: `{"code", "detail"}`, and 422 validation errors as `{"detail": [{loc, msg, type}]}`.

Codes and wording are those of the Svix server's `HttpError` constructors.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from sandbox.core.errors import HttpError


class SvixError(HttpError):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail

    def response(self) -> Response:
        return JSONResponse({"code": self.code, "detail": self.detail}, status_code=self.status)


class SvixValidationError(HttpError):
    status = 422

    def __init__(self, items: list[dict[str, Any]]) -> None:
        super().__init__(items[0]["msg"])
        self.items = items

    def response(self) -> Response:
        return JSONResponse({"detail": self.items}, status_code=422)


def invalid(loc: list[str], msg: str, type_: str = "value_error") -> SvixValidationError:
    return SvixValidationError([{"loc": loc, "msg": msg, "type": type_}])


def not_found() -> SvixError:
    return SvixError(404, "not_found", "Entity not found")


def unauthorized() -> SvixError:
    return SvixError(401, "authentication_failed", "Incorrect authentication credentials.")


def forbidden() -> SvixError:
    return SvixError(403, "insufficient access", "Insufficient access for the given operation.")


def conflict() -> SvixError:
    return SvixError(409, "conflict", "A conflict has occurred")


def bad_request(detail: str) -> SvixError:
    return SvixError(400, "generic_error", detail)


_CODES = {
    400: "generic_error",
    401: "authentication_failed",
    403: "insufficient access",
    404: "not_found",
    409: "conflict",
    429: "rate_limited",
}


def envelope(status: int, message: str, headers: dict[str, str]) -> Response:
    """Svix's answer to an injected fault or a configured rate limit."""
    if status == 422:
        response = invalid([], message).response()
    else:
        code = _CODES.get(status, "internal_server_error")
        response = SvixError(status, code, message).response()
    response.headers.update(headers)
    return response
