"""`checks:`: smoke checks of the running apps, run by `backstop check` (and so at the end of every restore
and drill) beside the signed test deliveries.

Each is one HTTP GET or POST with an expected status and, optionally, a text the body contains or a value at
a JSON path. Header values come only from the stack's Pulumi secrets (a token in a document would be a
secret in git); the document names the config key.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from backstop.plugin.model.common import HttpUrl, Key, Strict, no_repeats

ConfigKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")]
HeaderName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")]
JsonPath = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")]
"""Dotted keys into the JSON answer (`status`, `checks.database`); a number indexes a list."""
INLINE_HEADER = (
    "a header value may hold a credential, so it is never written in the document: store it in the stack "
    "config (`pulumi config set --secret <name> …`) and write `{secret: <name>}`"
)


class HeaderSecret(Strict):
    secret: ConfigKey
    """A `secure:` value of this stack's config (`platform-config:<name>`)."""


class Expect(Strict):
    status: int = Field(default=200, ge=100, le=599)
    text: str | None = Field(default=None, min_length=1)
    """A text the body must contain."""
    json_path: JsonPath | None = None
    equals: str | int | float | bool | None = None
    """The value at `json_path` (required with it)."""

    @model_validator(mode="after")
    def _json_pair(self) -> Expect:
        if (self.json_path is None) != (self.equals is None):
            raise ValueError("json_path and equals go together: the value expected at that path")
        return self


class SmokeCheck(Strict):
    key: Key
    url: HttpUrl
    method: Literal["GET", "POST"] = "GET"
    body: dict[str, Any] | None = None
    """A JSON body (POST only)."""
    headers: dict[HeaderName, HeaderSecret] = Field(default_factory=dict)
    expect: Expect = Field(default_factory=Expect)
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)

    @field_validator("headers", mode="before")
    @classmethod
    def _no_inline_values(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for name, given in value.items():
                if not isinstance(given, dict):
                    raise ValueError(f"header {name}: {INLINE_HEADER}")
        return value

    @model_validator(mode="after")
    def _body_with_post(self) -> SmokeCheck:
        if self.body is not None and self.method != "POST":
            raise ValueError("body: only a POST sends one")
        return self


def unique_checks(checks: list[SmokeCheck]) -> list[SmokeCheck]:
    no_repeats("key", [check.key for check in checks])
    return checks
