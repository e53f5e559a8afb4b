"""Field types shared by every vendor's part of the model."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
"""A stable name for an object: it becomes the Pulumi resource name, so renames of display names keep URNs."""


def _http_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError("must be an absolute http(s) URL")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def no_repeats(field: str, values: list[str]) -> None:
    """Refuses a list in which a value repeats (keys, natural keys), naming the field and the value."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"two entries have the same {field} {value!r}")
        seen.add(value)
