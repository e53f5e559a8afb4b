"""App-portal sessions for the staging and production Clerk instances; all Svix traffic checked at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox.clerk.harness import PROD_KEY
from tests.sandbox.svix.harness import Portal, Traffic, open_portal
from tests.support import SandboxProcess


@pytest.fixture
def traffic() -> Iterator[Traffic]:
    recorded = Traffic()
    yield recorded
    recorded.check()


@pytest.fixture
def portal(sandbox: SandboxProcess, traffic: Traffic) -> Portal:
    return open_portal(sandbox, traffic)


@pytest.fixture
def prod_portal(sandbox: SandboxProcess, traffic: Traffic) -> Portal:
    return open_portal(sandbox, traffic, PROD_KEY)
