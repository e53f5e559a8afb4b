"""ConvexEnv: the environment variables of the Convex deployment one stack owns.

A variable that follows a webhook endpoint's signing secret (`STRIPE_WEBHOOK_SECRET`, read by the HTTP
action at `<deployment>.convex.site/stripe/webhook`) is declared once that secret is resolved, as in
VercelEnv: a new secret is written in the same `pulumi up`; an unknown one (adopted or imported endpoint)
leaves the live variable as it is, and `retain_on_delete` keeps it live when it leaves the state.
"""

from __future__ import annotations

from typing import Any

import pulumi

from backstop.plugin.model.convex import ConvexEnvVar, ConvexSection
from backstop.plugin.resources.convex import EnvironmentVariable

RESOURCE_PREFIX = "convex-env-"
Value = str | pulumi.Output[Any]


class ConvexEnv(pulumi.ComponentResource):
    variables: dict[str, EnvironmentVariable]
    left_untouched: list[str]

    def __init__(
        self,
        name: str,
        section: ConvexSection,
        deployment: str,
        values: dict[str, Value],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("backstop:components:ConvexEnv", name, None, opts)
        self.variables, self.left_untouched = {}, []
        declared: dict[str, pulumi.Output[Any]] = {}
        for var in section.env:
            value = values[var.key]
            if var.value_from is not None and var.value_from.follows_output:
                declared[var.key] = pulumi.Output.from_input(value).apply(
                    self._follow(var, deployment, value), run_with_unknowns=True
                )
            else:
                self.variables[var.key] = self._declare(var, deployment, value, retain=False)
                declared[var.key] = self.variables[var.key].id
        self.register_outputs({"variable_ids": declared})

    def _follow(self, var: ConvexEnvVar, deployment: str, value: Value) -> Any:
        def declare(resolved: Any) -> pulumi.Output[Any] | None:
            if resolved is None:
                self.left_untouched.append(var.key)
                pulumi.log.warn(
                    f"Convex {deployment} {var.name} follows {var.value_from and var.value_from.described}, "
                    "whose signing secret is unknown (adopted or imported): the live variable is left as it "
                    "is. `backstop restore --rotate-secrets` recreates the endpoint to get a new one.",
                    self,
                )
                return None
            self.variables[var.key] = self._declare(var, deployment, value, retain=True)
            return self.variables[var.key].id

        return declare

    def _declare(self, var: ConvexEnvVar, deployment: str, value: Value, retain: bool) -> EnvironmentVariable:
        return EnvironmentVariable(
            f"{RESOURCE_PREFIX}{var.key}",
            deployment,
            var.name,
            pulumi.Output.secret(value),
            pulumi.ResourceOptions(parent=self, retain_on_delete=retain or None),
        )
