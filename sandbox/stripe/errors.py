"""Stripe's error envelope: `{"error": {"type", "code", "message", "param"}}`."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from sandbox.core.errors import HttpError


class StripeError(HttpError):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = status, message, type_, code, param

    def response(self) -> Response:
        body: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code:
            body["code"] = self.code
            body["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param:
            body["param"] = self.param
        return JSONResponse({"error": body}, status_code=self.status)


def missing(kind: str, object_id: str) -> StripeError:
    return StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param="id")


def unknown_parameter(name: str) -> StripeError:
    return StripeError(400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name)


def invalid(param: str, message: str) -> StripeError:
    return StripeError(400, message, code="parameter_invalid_string", param=param)


def required(param: str) -> StripeError:
    return StripeError(400, f"Missing required param: {param}.", code="parameter_missing", param=param)


def envelope(status: int, message: str, headers: dict[str, str]) -> Response:
    """Stripe's answer to an injected fault or an exhausted rate limit."""
    if status == 429:
        error = StripeError(429, message, code="rate_limit")
    else:
        error = StripeError(status, message, type_="api_error" if status >= 500 else "invalid_request_error")
    response = error.response()
    response.headers.update(headers)
    return response
