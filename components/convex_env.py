"""ConvexEnv: the environment variables of the Convex deployment one stack owns. A variable that follows a
webhook endpoint's signing secret (`STRIPE_WEBHOOK_SECRET`, read by the HTTP action at
`<deployment>.convex.site/stripe/webhook`) is declared as `components/following.py` says."""

from __future__ import annotations

import pulumi

from backstop.plugin.model.convex import ConvexEnvVar, ConvexSection
from backstop.plugin.resources.convex import EnvironmentVariable
from components.following import FollowingVariables
from components.values import Value

RESOURCE_PREFIX = "convex-env-"


class ConvexEnv(FollowingVariables[EnvironmentVariable]):
    def __init__(
        self,
        name: str,
        section: ConvexSection,
        deployment: str,
        values: dict[str, Value],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("backstop:components:ConvexEnv", name, opts)
        for var in section.env:
            value = values[var.key]

            def declare(retain: bool, var: ConvexEnvVar = var, value: Value = value) -> EnvironmentVariable:
                return EnvironmentVariable(
                    f"{RESOURCE_PREFIX}{var.key}",
                    deployment,
                    var.name,
                    pulumi.Output.secret(value),
                    pulumi.ResourceOptions(parent=self, retain_on_delete=retain or None),
                )

            self.variable(var.key, f"Convex {deployment} {var.name}", var.value_from, value, declare)
        self.done()
