"""A module's costly engine set-up, done once and put back before each of its tests.

The set-up (stack init, a first `up`, a backup…) runs once on a module-scoped engine. `Rewind.save()` then
keeps a copy of every folder the set-up wrote (the engine's home: backend, PULUMI_HOME, project copy,
backups, store, and the documents, which module fixtures keep there too), the sandbox's whole data and
the set-up's transcript (so canary checks still see its output); `Rewind.engine()` puts all of
it back at the same paths, with an empty request log and no faults, so each test starts from exactly the
state a fresh set-up would leave, without the engine runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.support import Engine, Result, SandboxProcess


class Rewind:
    def __init__(self, engine: Engine, sandbox: SandboxProcess, *folders: Path) -> None:
        self._engine, self._sandbox = engine, sandbox
        self._folders = [engine.home, *folders]
        self._saved = engine.home.parent / f"{engine.home.name}.saved"
        self._live: dict[str, Any] = {}
        self._env: dict[str, str] = {}
        self._transcript: list[Result] = []

    def save(self) -> None:
        shutil.rmtree(self._saved, ignore_errors=True)
        for index, folder in enumerate(self._folders):
            shutil.copytree(folder, self._saved / str(index), symlinks=True)
        self._live = self._sandbox.dump()
        self._env = dict(self._engine.extra_env)
        self._transcript = list(self._engine.transcript)

    def engine(self) -> Engine:
        """The engine as `save()` left it: files, sandbox data and environment."""
        for index, folder in enumerate(self._folders):
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(self._saved / str(index), folder, symlinks=True)
        self._sandbox.reset()
        self._sandbox.load(self._live)
        self._engine.extra_env.clear()
        self._engine.extra_env.update(self._env)
        self._engine.transcript[:] = self._transcript
        return self._engine


def module_engine(home: Path, sandbox: SandboxProcess) -> Engine:
    """An engine on its own project copy, for one module's shared set-up."""
    sandbox.reset()
    engine = Engine(home=home, sandbox=sandbox)
    engine.use_project_copy()
    return engine
