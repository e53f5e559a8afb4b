"""Fixtures: one sandbox server for the session (reset before each test), and an engine per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reliability import trials
from tests.support import ROOT, Engine, SandboxProcess


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller: xdist workers inherit the seed it sets
        trials.ensure_seed()


# The slowest modules, slowest first (the 40 slowest tests of a `make test` run). With `--dist loadfile`
# xdist hands out modules in collection order, so starting with the long ones keeps both workers busy to
# the end instead of leaving one module running alone. Other modules keep their order after these.
SLOWEST_FIRST = (
    "tests/e2e/test_vercel_restore.py",
    "tests/reliability/test_kill_vercel.py",
    "tests/commands/test_restore.py",
    "tests/reliability/test_secret_hygiene.py",
    "tests/commands/test_init_second_example.py",
    "tests/commands/test_drill.py",
    "tests/commands/test_verify.py",
    "tests/commands/test_drill_live.py",
    "tests/commands/test_restore_prune.py",
    "tests/e2e/test_clerk.py",
    "tests/commands/test_init.py",
    "tests/reliability/test_faults.py",
    "tests/e2e/test_vapi.py",
    "tests/commands/test_drill_database.py",
    "tests/sandbox/vercel_plugin/test_engine.py",
    "tests/e2e/test_vercel_adopt.py",
    "tests/e2e/test_stripe_drift_restore.py",
    "tests/e2e/test_convex_env.py",
    "tests/reliability/test_kill.py",
    "tests/commands/test_backup_drift.py",
    "tests/commands/test_db.py",
)


ONE_WORKER = ("tests/sandbox/vapi/",)
"""Folders whose modules share one xdist worker: the official Vapi SDK builds ~1,600 pydantic models the
first time a client is used (about 22 CPU-seconds), once per process that uses it."""


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling  # type: ignore[import-untyped]

    class Grouped(LoadFileScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return next((f for f in ONE_WORKER if nodeid.startswith(f)), None) or super()._split_scope(nodeid)

    return Grouped(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: index for index, path in enumerate(SLOWEST_FIRST)}

    def key(item: pytest.Item) -> int:
        return rank.get(item.nodeid.split("::", 1)[0], len(rank))

    items.sort(key=key)  # stable: tests keep their order within a module, and other modules theirs


@pytest.fixture(autouse=True, scope="session")
def _audit_log_outside_the_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands a test runs in-process append to BACKSTOP_AUDIT_LOG: never the repository's own log."""
    saved = os.environ.get("BACKSTOP_AUDIT_LOG")
    os.environ["BACKSTOP_AUDIT_LOG"] = str(tmp_path_factory.mktemp("audit") / "audit-log.jsonl")
    yield
    if saved is None:
        os.environ.pop("BACKSTOP_AUDIT_LOG", None)
    else:
        os.environ["BACKSTOP_AUDIT_LOG"] = saved


def pytest_report_header(config: pytest.Config) -> str:
    return trials.header(trials.TOTAL)


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    server = SandboxProcess(tmp_path_factory.mktemp("sandbox"))
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server: SandboxProcess) -> SandboxProcess:
    sandbox_server.reset()
    return sandbox_server


@pytest.fixture(autouse=True)
def repository_files_stay_untouched() -> Iterator[None]:
    """Tests work on copies: the committed desired state, stack configs and approvals never change."""
    watched = [*ROOT.glob("snapshots/*.yaml"), *ROOT.glob("Pulumi*.yaml"), ROOT / "approvals.yaml"]
    before = {path: path.read_bytes() for path in watched}
    yield
    changed = [p.name for p, content in before.items() if not p.exists() or p.read_bytes() != content]
    assert not changed, f"a test changed committed files: {changed}"


@pytest.fixture
def engine(tmp_path: Path, sandbox: SandboxProcess) -> Engine:
    """The engine on a copy of the project: commands that write stack config (a restore's `reapply`
    token, captured secrets) leave the repository alone."""
    runner = Engine(home=tmp_path, sandbox=sandbox)
    runner.use_project_copy()
    return runner
