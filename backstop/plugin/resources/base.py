"""The one way the program declares a `backstop` resource: a validated spec, camelCase on the wire."""

from __future__ import annotations

from typing import Any

import pulumi
from pydantic import BaseModel

from backstop.plugin.model.wire_names import wire_name


class BackstopResource(pulumi.CustomResource):
    def __init__(
        self,
        token: str,
        name: str,
        spec: BaseModel,
        outputs: tuple[str, ...],
        opts: pulumi.ResourceOptions | None = None,
        secret_outputs: tuple[str, ...] = (),
        inputs: dict[str, Any] | None = None,
    ) -> None:
        """`inputs` replaces validated values with outputs of other resources (known only at run time)."""
        props: dict[str, Any] = {wire_name(k): v for k, v in spec.model_dump().items()}
        props.update(inputs or {})
        props.update({wire_name(o): None for o in outputs})
        secrets = pulumi.ResourceOptions(additional_secret_outputs=[wire_name(s) for s in secret_outputs])
        super().__init__(token, name, props, pulumi.ResourceOptions.merge(secrets, opts))
