"""The Automation API stack without the reads the library makes after each engine run.

After `up`, the Automation API runs `pulumi stack output` twice (plain, then with secrets) and
`pulumi stack history` once; after `refresh`, `stack history` once; and every read of the outputs runs
`stack output` twice. Each of those CLI runs loads the state
and derives the passphrase key (about 0.2 s of CPU apiece): three to five of them per restore, and more
in a drill. Backstop reads a stack's outputs only when it needs them (`StackSession.outputs`), so here an
update's outputs are left empty and its summary is built from the engine's own summary event.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from pulumi import automation as auto

Result = TypeVar("Result")


class LeanStack(auto.Stack):
    _run: auto.UpdateSummary | None = None
    """The summary of the run in progress: its resource changes arrive with the engine's summary event,
    which the library hands over before `up` or `refresh` returns."""

    # Keyword arguments only, as backstop calls them; they go to the library's own methods unchanged.
    def up(self, **options: Any) -> auto.UpResult:  # type: ignore[override]
        return self._lean("update", super().up, options)

    def refresh(self, **options: Any) -> auto.RefreshResult:  # type: ignore[override]
        return self._lean("refresh", super().refresh, options)

    def outputs(self) -> auto.OutputMap:
        """One `pulumi stack output` run, not the library's two: its masked run only tells secret outputs
        apart, which Backstop never asks (every value comes back as not secret)."""
        if self._run is not None:
            return {}
        workspace = cast(auto.LocalWorkspace, self.workspace)
        result = workspace._run_pulumi_cmd_sync(
            ["stack", "output", "--json", "--show-secrets", "--stack", self.name]
        )
        values: dict[str, Any] = json.loads(result.stdout or "{}")
        return {key: auto.OutputValue(value=value, secret=False) for key, value in values.items()}

    def info(self, show_secrets: bool = True) -> auto.UpdateSummary | None:
        return self._run if self._run is not None else super().info(show_secrets)

    def _lean(self, kind: str, run: Callable[..., Result], options: dict[str, Any]) -> Result:
        changes: dict[Any, int] = {}
        forward = options.get("on_event")

        def on_event(event: auto.EngineEvent) -> None:
            if event.summary_event is not None:
                changes.update(event.summary_event.resource_changes or {})
            if forward is not None:
                forward(event)

        started = datetime.now(UTC)
        self._run = auto.UpdateSummary(
            kind=kind, start_time=started, message="", environment={}, config={}, result="succeeded",
            end_time=started, resource_changes=changes,
        )  # fmt: skip
        try:
            result = run(**{**options, "on_event": on_event})
        finally:
            summary, self._run = self._run, None
        summary.end_time = datetime.now(UTC)
        return result
