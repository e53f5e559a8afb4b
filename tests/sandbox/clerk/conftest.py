"""Clerk clients for the tests: the official SDK per instance and raw HTTP, all traffic checked at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from clerk_backend_api import Clerk

from tests.sandbox.clerk.harness import PROD_KEY, Raw, Traffic, sdk
from tests.support import SandboxProcess


@pytest.fixture
def traffic() -> Iterator[Traffic]:
    recorded = Traffic()
    yield recorded
    recorded.check()


@pytest.fixture
def staging(sandbox: SandboxProcess, traffic: Traffic) -> Clerk:
    return sdk(sandbox, traffic)


@pytest.fixture
def prod(sandbox: SandboxProcess, traffic: Traffic) -> Clerk:
    return sdk(sandbox, traffic, PROD_KEY)


@pytest.fixture
def raw(sandbox: SandboxProcess, traffic: Traffic) -> Raw:
    return Raw(sandbox, traffic)
