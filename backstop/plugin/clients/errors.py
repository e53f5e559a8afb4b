"""The one error type clients raise: says which vendor, what status and why, never a credential."""

from __future__ import annotations


class VendorError(RuntimeError):
    def __init__(self, vendor: str, status: int | None, message: str, *, param: str | None = None) -> None:
        self.vendor, self.status, self.param = vendor, status, param
        where = f" (parameter {param})" if param else ""
        code = f" HTTP {status}" if status else ""
        super().__init__(f"{vendor}{code}: {message}{where}")


class NotFound(VendorError):
    pass
