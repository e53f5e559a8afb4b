"""A large update in two phases: the secret-bearing objects first, with the engine's checkpoints, then
everything else with them skipped.

An update to a `file://` backend rewrites the whole checkpoint twice per step, so at thousands of objects
the checkpoints cost most of a restore. Skipping them (`PULUMI_SKIP_CHECKPOINTS`) is safe for an object
whose record a killed run can lose: the re-run finds it live and adopts it by its natural key. It is not
safe for a webhook endpoint, whose signing secret the vendor shows only in the create's response and which
the state alone keeps: those (the types in SECRET_BEARING) are created in phase 1, a targeted update that
writes every checkpoint. The `backstop` plugin refuses to create one in a run that skips checkpoints
(dispatcher.py), so a type missing from the rule stops phase 2, which then runs again with checkpoints
and says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from backstop.plugin.model.document import DesiredState
from backstop.plugin.model.secret_bearing import NEEDS_CHECKPOINTS, SECRET_BEARING

DEFAULT_MIN_OBJECTS = 200
MIN_OBJECTS_ENV = "BACKSTOP_TWO_PHASE_MIN_OBJECTS"
"""From how many objects (the restored backup's count) an update runs in two phases."""
COMPONENTS = "backstop:components:"


@dataclass(frozen=True)
class TwoPhases:
    targets: list[str]
    """Phase 1's `--target` globs: the secret-bearing types, and the components that parent them."""


def threshold(env: dict[str, str] | None = None) -> int:
    raw = (env if env is not None else os.environ).get(MIN_OBJECTS_ENV, "").strip()
    if not raw:
        return DEFAULT_MIN_OBJECTS
    if not raw.isdigit():
        raise ValueError(f"{MIN_OBJECTS_ENV}={raw!r}: a whole number of objects (0 always splits)")
    return int(raw)


def plan(stack: str, project: str, objects: int) -> TwoPhases | None:
    """Two phases for an update of `objects` objects, or None (one phase, every checkpoint written) when
    it is small. Phase 1 also targets the stack, its providers and the components, which parent the
    endpoints: a targeted update creates nothing it wasn't asked to, so from an empty stack too."""
    if objects < threshold():
        return None
    prefix = f"urn:pulumi:{stack}::{project}::"
    targets = [
        f"{prefix}pulumi:pulumi:Stack::*",
        f"{prefix}pulumi:providers:*::*",
        f"{prefix}{COMPONENTS}*::*",
    ]
    targets += [f"{prefix}**{token}::*" for token in sorted(SECRET_BEARING)]
    return TwoPhases(targets)


def declared_objects(document: DesiredState) -> int:
    """How many objects a document declares (every mapping in a list, nested ones included: products'
    prices, projects' variables): the size that decides whether an update runs in two phases."""

    def count(value: Any) -> int:
        if isinstance(value, dict):
            return sum(count(v) for v in value.values())
        if isinstance(value, list):
            return sum(1 + count(v) if isinstance(v, dict) else 0 for v in value)
        return 0

    # Only what becomes resources: not the scope, the checks, the targets, nor what is only read.
    skipped: Any = dict.fromkeys(("scope", "checks", "verify", "targets"), True)
    skipped["clerk"] = {"oauth_providers"}
    return count(document.model_dump(mode="json", exclude=skipped))


def secret_bearing(urn: str) -> bool:
    kind = urn.split("::")[2] if urn.count("::") >= 3 else ""
    return kind.rsplit("$", 1)[-1] in SECRET_BEARING


def refused_without_checkpoints(message: str) -> bool:
    """Whether an update stopped because the plugin would not create a secret-bearing object in it."""
    return NEEDS_CHECKPOINTS in message
