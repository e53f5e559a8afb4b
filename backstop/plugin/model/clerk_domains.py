"""A Clerk instance's domains: its primary domain (made with the instance; asserted, never created or
deleted) and satellite domains (created, renamed, moved to or off a proxy, deleted).

`proxy_url` (Clerk's Frontend API served through the app's own proxy) exists in production only, and must
be an https URL on the domain or one of its subdomains.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, model_validator

from backstop.plugin.model.clerk_settings import InstanceId
from backstop.plugin.model.common import Key, Strict, no_repeats

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^(?:{_LABEL}\.)+[a-z]{{2,63}}$")
_DEV_HOST = re.compile(rf"^(?:localhost|(?:{_LABEL}\.)*{_LABEL}):\d{{1,5}}$")


def _name(value: str) -> str:
    if value != value.lower():
        raise ValueError(f"write it in lower case ({value.lower()}), as Clerk stores it")
    if not (_HOSTNAME.match(value) or _DEV_HOST.match(value)) or len(value) > 253:
        raise ValueError(
            "must be a hostname without scheme or path, e.g. derrimut247.com.au (a development instance's "
            "satellite may be localhost:3001)"
        )
    return value


DomainName = Annotated[str, AfterValidator(_name)]
_environment: ContextVar[str | None] = ContextVar("clerk_environment", default=None)


@contextmanager
def clerk_environment(data: Any) -> Iterator[None]:
    """Check domains against the raw document's `scope.clerk.environment` while the document validates."""
    scope = data.get("scope") if isinstance(data, dict) else None
    clerk = scope.get("clerk") if isinstance(scope, dict) else None
    environment = clerk.get("environment") if isinstance(clerk, dict) else None
    token = _environment.set(environment if isinstance(environment, str) else None)
    try:
        yield
    finally:
        _environment.reset(token)


class DomainFields(Strict):
    name: DomainName
    primary: bool = False
    """The instance's primary domain: asserted (renamed, its proxy set) but never created or deleted."""
    proxy_url: str | None = None
    """Production only: the https URL on this domain that proxies Clerk's Frontend API; unset: DNS (CNAME)."""

    @model_validator(mode="after")
    def _proxy_on_domain(self) -> DomainFields:
        if self.proxy_url is None:
            return self
        parts = urlsplit(self.proxy_url)
        host = (parts.hostname or "").lower()
        if parts.scheme != "https" or not (host == self.name or host.endswith(f".{self.name}")):
            raise ValueError(
                f"proxy_url must be an https URL on {self.name}, e.g. https://{self.name}/__clerk"
            )
        return self


class DomainSpec(DomainFields):
    """What `backstop:clerk:Domain` takes: `name` is the natural key of a satellite."""

    instance_id: InstanceId


class Domain(DomainFields):
    key: Key

    @model_validator(mode="after")
    def _fits_the_environment(self) -> Domain:
        environment = _environment.get()
        if environment == "development" and self.proxy_url is not None:
            raise ValueError("proxy_url: Clerk allows a proxy only in production instances")
        if environment == "production" and _DEV_HOST.match(self.name):
            raise ValueError(f"name: a production instance's domain can't carry a port ({self.name})")
        return self

    def spec(self, instance_id: str) -> DomainSpec:
        return DomainSpec(instance_id=instance_id, **self.model_dump(exclude={"key"}))


def unique_domains(domains: list[Domain]) -> list[Domain]:
    no_repeats("key", [d.key for d in domains])
    no_repeats("name", [d.name for d in domains])
    no_repeats("proxy_url", [d.proxy_url for d in domains if d.proxy_url])
    if sum(d.primary for d in domains) > 1:
        raise ValueError("more than one domain is primary: an instance has exactly one primary domain")
    return domains
