"""One stack, for the length of one command: each thing the engine or the disk knows about it, read once.

A command creates one `StackSession` and passes it to its operation. The session resolves the document's
path once, parses and validates the document once (when first asked), selects the Automation API stack
once, and keeps the stack's config, outputs and one encrypted state export until something changes
them: `refresh()`, `invalidate()` after any engine run that writes the state, `set_config()`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from backstop.plugin.model import DesiredState, load_document
from backstop.runbook.workspace import (
    create,
    document_path,
    export_encrypted,
    select,
    set_secret,
    workspace_env,
)


class StackSession:
    def __init__(self, name: str, path: Path | None = None) -> None:
        self.name = name
        self._path = path
        self._desired: DesiredState | None = None
        self._stack: auto.Stack | None = None
        self._config: Mapping[str, auto.ConfigValue] | None = None
        self._export: dict[str, Any] | None = None
        self._outputs: auto.OutputMap | None = None

    # The desired state
    @property
    def path(self) -> Path:
        """The desired-state document the program loads for this stack (resolved on first use)."""
        if self._path is None:
            self._path = document_path(self.name)
        return self._path

    @property
    def desired(self) -> DesiredState:
        """The document at `path`, parsed and validated on first use (a DesiredStateError otherwise)."""
        return self._parsed()

    def validate(self) -> None:
        """Raises DesiredStateError unless the document is valid (parsing it, once)."""
        self._parsed()

    def _parsed(self) -> DesiredState:
        if self._desired is None:
            self._desired = load_document(self.path)
        return self._desired

    def use_document(self, document: DesiredState) -> None:
        """`document` is now the one at `path` (an operation wrote it after validating it)."""
        self._desired = document

    @contextmanager
    def reading(self, path: Path, document: DesiredState) -> Iterator[None]:
        """Inside the block, the program (through BACKSTOP_DESIRED_STATE) and the session read `path`."""
        saved = self._path, self._desired
        self._path, self._desired = path, document
        try:
            with workspace_env(BACKSTOP_DESIRED_STATE=str(path)):
                yield
        finally:
            self._path, self._desired = saved

    @contextmanager
    def program_env(self) -> Iterator[None]:
        """Engine runs inside the block load this session's document, wherever it is."""
        with workspace_env(BACKSTOP_DESIRED_STATE=str(self.path)):
            yield

    # The stack
    @property
    def stack(self) -> auto.Stack:
        return self.select()

    def select(self) -> auto.Stack:
        """The Automation API stack, selected on first use (StackNotFoundError when there is none)."""
        if self._stack is None:
            self._stack = select(self.name)
        return self._stack

    def create(self, secrets_provider: str | None = None) -> auto.Stack:
        self._stack = create(self.name, secrets_provider)
        self.invalidate()
        return self._stack

    def config(self) -> Mapping[str, auto.ConfigValue]:
        """The stack's config, secrets decrypted in memory only."""
        if self._config is None:
            self._config = self.stack.get_all_config()
        return self._config

    def secret(self, key: str, env: str) -> str | None:
        """A config value, or the environment fallback the plugin also uses."""
        value = self.config().get(key)
        return (value.value if value is not None else None) or os.environ.get(env) or None

    def set_config(self, values: dict[str, auto.ConfigValue]) -> None:
        """Secrets one by one through standard input, never on a command line; plain values at once."""
        for key, value in values.items():
            if value.secret:
                set_secret(self.name, key, value.value)
        plain = {key: value for key, value in values.items() if not value.secret}
        if plain:
            self.stack.set_all_config(plain)
        if self._config is not None:
            self._config = {**self._config, **values}  # what was written: no need to read it all back

    # The state
    def export(self) -> dict[str, Any]:
        """The state as `pulumi stack export` gives it, secrets encrypted (kept until invalidated)."""
        if self._export is None:
            self._export = export_encrypted(self.name)
        return self._export

    def resources(self) -> list[dict[str, Any]]:
        resources: list[dict[str, Any]] = (self.export().get("deployment") or {}).get("resources") or []
        return resources

    def outputs(self) -> auto.OutputMap:
        if self._outputs is None:
            self._outputs = self.stack.outputs()
        return self._outputs

    def refresh(self) -> bool:
        """`pulumi refresh`: the state takes what is live. True when that changed the state (an object
        updated or gone), False when live was exactly what the state held."""
        try:
            result = self.stack.refresh(color="never")
        finally:
            self.invalidate()
        return any(changed(result.summary.resource_changes).values())

    def invalidate(self) -> None:
        """Forget the export and the outputs: an engine run changed (or may have changed) the state."""
        self._export = None
        self._outputs = None


def changed(resource_changes: Mapping[Any, int] | None) -> dict[str, int]:
    """An engine run's resource changes by kind, without `same`."""
    return {
        str(getattr(k, "value", k)): v
        for k, v in (resource_changes or {}).items()
        if str(getattr(k, "value", k)) != "same"
    }
