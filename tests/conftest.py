"""Fixtures: one sandbox server for the session (reset before each test), and an engine per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import Engine, SandboxProcess


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    server = SandboxProcess(tmp_path_factory.mktemp("sandbox"))
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server: SandboxProcess) -> SandboxProcess:
    sandbox_server.reset()
    return sandbox_server


@pytest.fixture
def engine(tmp_path: Path, sandbox: SandboxProcess) -> Engine:
    return Engine(home=tmp_path, sandbox=sandbox)
