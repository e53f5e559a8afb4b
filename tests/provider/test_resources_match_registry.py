"""The program-side classes (backstop/plugin/resources/*.py) write each type token and output name a second time;
they must agree with the provider's registry (backstop/plugin/provider/dispatcher.py all_handlers())."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pytest
from pydantic.alias_generators import to_camel

from backstop.plugin.provider.dispatcher import REGISTRY, all_handlers
from backstop.plugin.provider.resource import ResourceHandler
from backstop.plugin.resources import clerk, convex, stripe, vapi

MODULES = (stripe, clerk, vapi, convex)


class _Spec:
    """A stand-in spec: no fields, so what a class declares beyond its inputs is exactly its outputs."""

    def model_dump(self) -> dict[str, Any]:
        return {}


@dataclass
class Declared:
    token: str
    outputs: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)


def resource_classes() -> list[type[pulumi.CustomResource]]:
    return [
        cls
        for module in MODULES
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__
        and issubclass(cls, pulumi.CustomResource)
        and "token" not in inspect.signature(cls.__init__).parameters  # not a shared base class
    ]


def declared(cls: type[pulumi.CustomResource], monkeypatch: pytest.MonkeyPatch) -> Declared:
    """What the class sends the engine, caught before registration (no engine, no mocks)."""
    seen: list[Declared] = []

    def record(
        self: Any, t: str, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        secrets = set((opts.additional_secret_outputs or []) if opts else [])
        seen.append(Declared(t, {k for k, v in props.items() if v is None}, secrets))

    monkeypatch.setattr(pulumi.CustomResource, "__init__", record)
    # The spec has no fields and wired inputs get a value, so a None in the props is an output.
    samples: dict[str, Any] = {"spec": _Spec(), "fields": _Spec(), "tool_ids": [], "members": []}
    samples["variable_values"] = {}
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    required = [p.name for p in parameters if p.default is inspect.Parameter.empty]
    cls(**{name: samples.get(name, "wired") for name in required})
    (found,) = seen
    return found


def handler_for(token: str) -> type[ResourceHandler]:
    matches = [h for h in all_handlers() if h.token == token]
    assert len(matches) == 1, f"{token} is registered {len(matches)} times in the provider"
    return matches[0]


def test_every_registered_type_has_a_program_class(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = {declared(cls, monkeypatch).token for cls in resource_classes()}
    assert tokens == {h.token for h in all_handlers()}


@pytest.mark.parametrize("cls", resource_classes(), ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_a_program_class_declares_its_handlers_token_and_outputs(
    cls: type[pulumi.CustomResource], monkeypatch: pytest.MonkeyPatch
) -> None:
    found = declared(cls, monkeypatch)
    handler = handler_for(found.token)
    inputs = {to_camel(name) for name in handler.spec.model_fields}
    assert found.outputs - inputs == {to_camel(name) for name in handler.output_types}
    assert found.secrets == {to_camel(name) for name in handler.secret_outputs}


def test_the_registry_names_each_handler_by_its_own_token() -> None:
    assert [h.token for h in all_handlers()] == list(REGISTRY)
