"""Exit codes and the failure an operation raises to end with one of them and one clear message."""

from __future__ import annotations

OK, DRIFT, INPUT_ERROR, VENDOR_ERROR = 0, 1, 2, 3


class Failure(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
