"""Convex resources as the Pulumi program declares them."""

from __future__ import annotations

from typing import Any

import pulumi


class EnvironmentVariable(pulumi.CustomResource):
    """One environment variable of a Convex deployment, adopted by name. Import id: `<deployment>/<name>`.
    The value is a secret output (Convex shows values to whoever holds an admin key): pass it as a secret
    input too."""

    value: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        deployment: str,
        variable: str,
        value: pulumi.Input[Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"deployment": deployment, "name": variable, "value": value}
        secret = pulumi.ResourceOptions(additional_secret_outputs=["value"])
        super().__init__(
            "backstop:convex:EnvironmentVariable", name, props, pulumi.ResourceOptions.merge(secret, opts)
        )
