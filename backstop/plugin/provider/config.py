"""Provider settings: stack config `backstop:<name>` first, then the environment, then the real vendor.

The vendor settings follow the one rule of backstop/plugin/clients/connections.py (shared with the commands);
the engine passes the plugin its config without the `backstop:` prefix.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from pulumi.provider.experimental.property_value import PropertyValue

from backstop.plugin.clients.connections import Connections, Setting
from backstop.plugin.provider.props import to_plain

NAMESPACE = "backstop:"
BATCHED_READS = Setting(f"{NAMESPACE}batchedReads", "BACKSTOP_BATCHED_READS", "batched reads")
ADOPT_AS_DECLARED = Setting(f"{NAMESPACE}adoptAsDeclared", "BACKSTOP_ADOPT_AS_DECLARED", "adopt as declared")


@dataclass(frozen=True)
class ProviderConfig:
    connections: Connections = field(default_factory=Connections)
    """The vendors' keys and base URLs."""
    batched_reads: bool = True
    """Read whole collections once per process (default); off reads object by object, for benchmarks."""
    adopt_as_declared: bool = False
    """Creating a write-only Clerk settings resource records the declared values without writing them
    (`backstop capture --adopt`: the live instance is taken to hold them; a restore re-applies them)."""

    @classmethod
    def from_args(
        cls, args: Mapping[str, PropertyValue], env: Mapping[str, str] = os.environ
    ) -> ProviderConfig:
        config = {
            f"{NAMESPACE}{name}": str(to_plain(value))
            for name, value in args.items()
            if value.value not in (None, "")
        }
        batched = (BATCHED_READS.resolve(config, env) or "true").lower() not in ("false", "0", "no")
        adopt = (ADOPT_AS_DECLARED.resolve(config, env) or "").lower() in ("true", "1", "yes")
        return cls(Connections.resolve(config, env), batched_reads=batched, adopt_as_declared=adopt)
