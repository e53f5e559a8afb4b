"""Clerk's error envelope: `{"errors": [{message, long_message, code, meta?}], "clerk_trace_id"}`.

Messages and codes are those of Clerk's own `apierror` package; a missing long message repeats the
short one, as Clerk's `LongMessage()` does.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.responses import JSONResponse, Response

from sandbox.core.errors import HttpError

Detail = dict[str, Any]


class ClerkError(HttpError):
    def __init__(self, status: int, errors: list[Detail]) -> None:
        super().__init__(errors[0]["long_message"] if errors else "")
        self.status, self.errors = status, errors

    @property
    def codes(self) -> list[str]:
        return [e["code"] for e in self.errors]

    def response(self) -> Response:
        body = {"errors": self.errors, "clerk_trace_id": secrets.token_hex(16)}
        return JSONResponse(body, status_code=self.status)


def error(
    status: int, message: str, code: str, long_message: str = "", param: str | None = None
) -> ClerkError:
    detail: Detail = {"message": message, "long_message": long_message or message, "code": code}
    if param is not None:
        detail["meta"] = {"param_name": param}
    return ClerkError(status, [detail])


def combine(errors: list[ClerkError]) -> ClerkError:
    """Several errors in one answer; mixed statuses round down to their class, as Clerk's `Combine`."""
    statuses = {e.status for e in errors}
    status = statuses.pop() if len(statuses) == 1 else max(statuses) // 100 * 100
    return ClerkError(status, [detail for e in errors for detail in e.errors])


def _human(param: str) -> str:
    return param.replace("_", " ")


def form_unknown(param: str) -> ClerkError:
    return error(
        422, "is unknown", "form_param_unknown", f"{param} is not a valid parameter for this request.", param
    )


def form_missing(param: str) -> ClerkError:
    return error(422, "is missing", "form_param_missing", f"{param} must be included.", param)


def form_invalid(param: str) -> ClerkError:
    """A value that fails a range or format rule (Clerk's `FormValidationFailed` default)."""
    return error(422, "is invalid", "form_param_value_invalid", f"{param} is invalid", param)


def form_value_not_allowed(param: str, value: str, allowed: list[str] | None = None) -> ClerkError:
    if allowed is None:
        text = f"{value} does not match one of the allowed values for parameter {param}"
    else:
        text = (
            f"{value} does not match the allowed values for parameter {param}. "
            f"Allowed values: {', '.join(allowed[:-1])} or {allowed[-1]}"
        )
    return error(422, "is invalid", "form_param_value_invalid", text, param)


def form_type_invalid(param: str, type_name: str) -> ClerkError:
    return error(422, "is invalid", "form_param_type_invalid", f"`{param}` must be a `{type_name}`.", param)


def form_format_invalid(param: str, *more: str) -> ClerkError:
    message = " ".join([f"{_human(param).capitalize()} is invalid.", *more])
    return error(422, message, "form_param_format_invalid", param=param)


def form_identifier_exists(param: str) -> ClerkError:
    return error(
        422, f"That {_human(param)} is taken. Please try another.", "form_identifier_exists", param=param
    )


def form_already_exists(param: str) -> ClerkError:
    return error(
        422, f"The {_human(param)} already exists. Please try another.", "form_already_exists", param=param
    )


def form_conditional_missing(param: str, condition: str, value: str) -> ClerkError:
    return error(
        422,
        "is missing",
        "form_conditional_param_missing",
        f"`{param}` is required when `{condition}` is `{value}`.",
        param,
    )


def form_conditional_disallowed(param: str, condition: str, value: str) -> ClerkError:
    return error(
        422,
        "is not allowed",
        "form_conditional_param_disallowed",
        f"`{param}` isn't allowed when `{condition}` is {value}.",
        param,
    )


def request_body_invalid() -> ClerkError:
    return error(
        400,
        "Request body invalid",
        "request_body_invalid",
        "The request body is invalid. Please consult the API documentation for more information.",
    )


def clerk_key_invalid() -> ClerkError:
    return error(
        401,
        "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
        "clerk_key_invalid",
    )


def authorization_header_invalid() -> ClerkError:
    return error(
        401,
        "Invalid Authorization header format",
        "authorization_header_format_invalid",
        'Invalid Authorization header format. Must be "Bearer <YOUR_API_KEY>"',
    )


def api_version_invalid(reason: str) -> ClerkError:
    return error(400, "invalid API version", "api_version_invalid", f"Invalid Clerk API version: {reason}")


def not_found(message: str, long_message: str, param: str | None = None) -> ClerkError:
    return error(404, message, "resource_not_found", long_message, param)


def url_not_found() -> ClerkError:
    return not_found("URL not found", "The URL was not found")


_CODES = {
    400: "bad_request",
    401: "authentication_invalid",
    402: "payment_required",
    403: "authorization_invalid",
    404: "resource_not_found",
    409: "conflict",
    422: "form_param_value_invalid",
    429: "too_many_requests",
}


def envelope(status: int, message: str, headers: dict[str, str]) -> Response:
    """Clerk's answer to an injected fault or an exhausted rate limit."""
    if status == 429:
        err = error(429, "Too many requests", "too_many_requests", "Too many requests, retry later")
    elif status >= 500:
        err = error(status, "Oops, an unexpected error occurred", "internal_clerk_error", message)
    else:
        err = error(status, message, _CODES.get(status, "bad_request"))
    response = err.response()
    response.headers.update(headers)
    return response
