"""What VercelEnv and ConvexEnv share: declaring variables, some of which follow a webhook endpoint's
signing secret. (A variable following an object id is declared like any other: the id is always known once
the object exists, and its value is an output of the object, so a recreated object's new id is written in
the same `pulumi up`.)

A following variable is declared once that secret is resolved:
- a new secret (the endpoint was created or recreated in this run) is written in the same `pulumi up`;
- no known secret (the endpoint was adopted or imported, and Stripe shows a secret only at creation) leaves
  the live variable exactly as it is: the variable is not declared, and `retain_on_delete` on every
  following variable means that dropping it from the state never deletes it live.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import pulumi

from backstop.plugin.model.vercel import ValueFrom
from components.values import Value

R = TypeVar("R", bound=pulumi.CustomResource)
Declare = Callable[[bool], R]
"""Declares the variable's resource; the flag is `retain_on_delete`."""


class FollowingVariables(pulumi.ComponentResource, Generic[R]):
    variables: dict[str, R]
    left_untouched: list[str]
    """Variables following an endpoint whose secret is unknown (filled in as their outputs resolve)."""

    def __init__(self, type_: str, name: str, opts: pulumi.ResourceOptions | None) -> None:
        super().__init__(type_, name, None, opts)
        self.variables, self.left_untouched = {}, []
        self._declared: dict[str, pulumi.Output[Any]] = {}

    def variable(
        self, key: str, label: str, source: ValueFrom | None, value: Value, declare: Declare[R]
    ) -> None:
        """`label` names the variable in the warning (`STRIPE_WEBHOOK_SECRET (production)`)."""
        if source is None or not source.follows_secret:
            self.variables[key] = declare(False)
            self._declared[key] = self.variables[key].id
            return

        def when_known(resolved: Any) -> pulumi.Output[Any] | None:
            if resolved is None:
                self.left_untouched.append(key)
                pulumi.log.warn(
                    f"{label} follows {source.described}, whose signing secret is unknown (adopted or "
                    "imported): the live variable is left as it is. `backstop restore --rotate-secrets` "
                    "recreates the endpoint to get a new one.",
                    self,
                )
                return None
            # A string, or UNKNOWN in a preview of a run that creates the endpoint: its secret is written.
            self.variables[key] = declare(True)
            return self.variables[key].id

        self._declared[key] = pulumi.Output.from_input(value).apply(when_known, run_with_unknowns=True)

    def done(self) -> None:
        self.register_outputs({"variable_ids": self._declared})
