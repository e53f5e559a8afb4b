"""The engine and vercel-plugin checks, on this checkout's engine and on made-up ones."""

from __future__ import annotations

import shutil
from pathlib import Path

from backstop.runbook.doctor.engine import VERCEL_PLUGIN_VERSION, engine_versions, vercel_plugin
from tests.support import ROOT, vercel_plugin_home


def test_the_pinned_engine_passes_and_another_fails_with_the_fix(tmp_path: Path) -> None:
    assert [c.ok for c in engine_versions(ROOT)] == [True, True]

    other = tmp_path / "project"
    (other / "toolchain").mkdir(parents=True)
    shutil.copy2(ROOT / "toolchain" / "versions.env", other / "toolchain")
    (other / ".venv" / "bin").mkdir(parents=True)
    fake = other / ".venv" / "bin" / "pulumi"
    fake.write_text("#!/bin/sh\necho v3.100.0\n")
    fake.chmod(0o755)
    cli, host = engine_versions(other)
    assert not cli.ok and "v3.100.0" in cli.detail and "pinned v3.274.1" in cli.detail
    assert not host.ok and "missing" in host.detail and "pinned v3.79.0" in host.detail
    assert cli.fix == host.fix == "run `make setup` (it builds the pinned engine into .venv/bin)"
    assert cli.restore_needs and host.restore_needs


def stub_plugin(home: Path, version: str = VERCEL_PLUGIN_VERSION) -> None:
    """Stands in for pulumiverse's Go plugin, which can't be had offline: a binary that names itself."""
    folder = home / "plugins" / f"resource-vercel-v{version}"
    folder.mkdir(parents=True)
    binary = folder / "pulumi-resource-vercel"
    binary.write_text(f"#!/bin/sh\necho pulumiverse vercel {version}\n")
    binary.chmod(0o755)


def test_against_real_vercel_the_plugin_must_be_pulumiverses(tmp_path: Path) -> None:
    missing = vercel_plugin(ROOT, {"PULUMI_HOME": str(tmp_path / "empty")}, sandbox=False)
    assert not missing.ok and missing.fix == f"pulumi plugin install resource vercel {VERCEL_PLUGIN_VERSION}"

    older = tmp_path / "older"
    stub_plugin(older, "5.20.0")
    wrong = vercel_plugin(ROOT, {"PULUMI_HOME": str(older)}, sandbox=False)
    assert not wrong.ok and "installed: 5.20.0" in wrong.detail

    real = tmp_path / "real"
    stub_plugin(real)
    assert vercel_plugin(ROOT, {"PULUMI_HOME": str(real)}, sandbox=False).ok

    double = vercel_plugin(ROOT, {"PULUMI_HOME": str(vercel_plugin_home())}, sandbox=False)
    assert not double.ok and "offline double" in double.detail and "plugin rm" in double.fix


def test_against_the_sandbox_the_double_must_be_in_the_sandboxs_own_home(tmp_path: Path) -> None:
    assert vercel_plugin(ROOT, {"PULUMI_HOME": str(vercel_plugin_home())}, sandbox=True).ok
    real = tmp_path / "real"
    stub_plugin(real)
    stub = vercel_plugin(ROOT, {"PULUMI_HOME": str(real)}, sandbox=True)
    assert not stub.ok and stub.fix == "run `.venv/bin/backstop sandbox env`"
    default = vercel_plugin(ROOT, {}, sandbox=True)
    assert not default.ok and "default one" in default.detail
