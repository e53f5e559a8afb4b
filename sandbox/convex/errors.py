"""Convex's HTTP error body: `{"code", "message"}` (the backend's ResponseErrorMessage)."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from sandbox.core.errors import HttpError

CODES = {400: "BadRequest", 401: "Unauthenticated", 403: "Forbidden", 404: "NotFound", 429: "RateLimited"}


class ConvexError(HttpError):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> Response:
        return JSONResponse({"code": self.code, "message": self.message}, status_code=self.status)


def bad_request(code: str, message: str) -> ConvexError:
    return ConvexError(400, code, message)


def not_found(code: str, message: str) -> ConvexError:
    return ConvexError(404, code, message)


def bad_admin_key() -> ConvexError:
    return ConvexError(401, "BadAdminKey", "The provided admin key was invalid for this instance")


def bad_deploy_key(deployment: str) -> ConvexError:
    return ConvexError(
        403,
        "BadDeployKey",
        f"The provided deploy key was invalid for deployment '{deployment}'. Double check that the "
        "environment this key was generated for matches the desired deployment.",
    )


def envelope(status: int, message: str, headers: dict[str, str]) -> Response:
    """Convex's answer to an injected fault or an exhausted rate limit."""
    code = CODES.get(status, "InternalServerError" if status >= 500 else "BadRequest")
    response = ConvexError(status, code, message).response()
    response.headers.update(headers)
    return response
