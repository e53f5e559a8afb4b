"""The base of every vendor's error: an exception that knows its HTTP response."""

from __future__ import annotations

from starlette.responses import Response


class HttpError(Exception):
    status: int

    def response(self) -> Response:
        raise NotImplementedError
