"""A provider plugin that does nothing: every create returns its inputs under a fresh id, every read the
state it is given. Same SDK (`pulumi.provider.experimental`) and launch path as the `backstop` plugin, so
what the engine costs with it is the floor Backstop's own figures are quoted against. With
BENCH_FLOOR_GONE=true every read finds its object gone, as a refresh after a total loss does. With
BENCH_FLOOR_SHAPE (see program.py), a create returns the outputs Backstop's state recorded for that
object, so the state carries the same data."""

from __future__ import annotations

import functools
import json
import os
import secrets
import sys
from typing import Any

from pulumi.provider.experimental import server
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

NAME, VERSION = "noop", "0.0.1"
TYPES = ("noop:index:Thing", "noop:index:Endpoint")
"""`Endpoint` stands for the secret-bearing objects a two-phase update takes first."""


class NoopProvider(Provider):
    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        resource = {
            "properties": {"value": {"type": "string"}},
            "inputProperties": {"value": {"type": "string"}},
        }
        schema = {"name": NAME, "version": VERSION, "resources": dict.fromkeys(TYPES, resource)}
        return GetSchemaResponse(schema=json.dumps(schema))

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        return ConfigureResponse(accept_secrets=True, supports_preview=True, accept_outputs=True)

    async def check(self, request: CheckRequest) -> CheckResponse:
        return CheckResponse(inputs=request.new_inputs)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        changed = [k for k, v in request.new_inputs.items() if request.old_state.get(k) != v]
        return DiffResponse(changes=bool(changed), diffs=changed)

    async def create(self, request: CreateRequest) -> CreateResponse:
        resource_id = "" if request.preview else secrets.token_hex(8)
        recorded = _outputs().get(request.urn.rsplit("::", 1)[-1])
        if recorded is None:
            return CreateResponse(resource_id=resource_id, properties=request.properties)
        values, secret = recorded
        outputs = {k: _value(v).with_secret(k in secret) for k, v in values.items()}
        # The inputs as sent win over the recorded outputs (Backstop's diff normalises those, this one
        # compares as they are), so an unchanged program proposes no change.
        return CreateResponse(resource_id=resource_id, properties={**outputs, **request.properties})

    async def read(self, request: ReadRequest) -> ReadResponse:
        if os.environ.get("BENCH_FLOOR_GONE") == "true":
            return ReadResponse(resource_id="")
        return ReadResponse(request.resource_id, request.properties, request.inputs)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        return UpdateResponse(properties=request.news)

    async def delete(self, request: DeleteRequest) -> None:
        return None


@functools.cache
def _outputs() -> dict[str, tuple[dict[str, Any], frozenset[str]]]:
    """With BENCH_FLOOR_SHAPE, each object's outputs as Backstop's state recorded them, by name."""
    path = os.environ.get("BENCH_FLOOR_SHAPE")
    if not path:
        return {}
    with open(path) as file:
        objects = json.load(file)["resources"]
    return {o["name"]: (o["outputs"], frozenset(o["secret_outputs"])) for o in objects}


def _value(value: Any) -> PropertyValue:
    if isinstance(value, dict):
        return PropertyValue({k: _value(v) for k, v in value.items()})
    if isinstance(value, list):
        return PropertyValue([_value(v) for v in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    return PropertyValue(value)


def main() -> None:
    server.main(sys.argv[1:], VERSION, NoopProvider())


if __name__ == "__main__":
    main()
