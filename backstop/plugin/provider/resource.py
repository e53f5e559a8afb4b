"""The contract every resource type of the plugin follows, with the parts that are the same for all."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from functools import cache
from typing import Any, ClassVar

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckResponse,
    DiffResponse,
    PropertyDiff,
    PropertyDiffKind,
)
from pulumi.runtime.rpc import UNKNOWN
from pydantic import BaseModel, ValidationError

from backstop.plugin.model.wire_names import field_name, wire_name
from backstop.plugin.provider.context import ProviderContext
from backstop.plugin.provider.props import PropertyMap, is_unknown, plain_map, property_map, to_plain

Json = dict[str, Any]


class ResourceHandler(ABC):
    """One resource type: `spec` validates its inputs (snake_case here, camelCase on the wire)."""

    token: ClassVar[str]
    spec: ClassVar[type[BaseModel]]
    replace_on_change: ClassVar[frozenset[str]] = frozenset()
    delete_before_replace: ClassVar[bool] = False
    """True when the replacement would share the old object's natural key (create would adopt the old one)."""
    secret_outputs: ClassVar[frozenset[str]] = frozenset()
    output_types: ClassVar[dict[str, str]] = {}
    """Outputs beyond the inputs, with their schema type."""

    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx

    # The vendor side, implemented per type
    @abstractmethod
    async def create(self, urn: str, spec: Any) -> tuple[str, Json]: ...

    @abstractmethod
    async def read(self, resource_id: str, state: Json) -> Json | None:
        """Live outputs, or None when the object is gone."""

    @abstractmethod
    async def update(self, resource_id: str, state: Json, spec: Any) -> Json: ...

    @abstractmethod
    async def delete(self, resource_id: str, state: Json) -> None:
        """Done when the object is gone, including when it was gone already."""

    def normalize(self, field: str, value: Any) -> Any:
        """The form in which two values of `field` compare equal when the vendor treats them alike."""
        return value

    # Shared behaviour
    def input_fields(self) -> list[str]:
        return list(self.spec.model_fields)

    def validate(self, inputs: Json) -> Any:
        return self.spec.model_validate({field_name(k): v for k, v in inputs.items()})

    def check(self, news: PropertyMap) -> CheckResponse:
        unknown = {field_name(k) for k, v in news.items() if is_unknown(v)}
        try:
            self.validate(plain_map(news))
        except ValidationError as exc:
            failures = [
                CheckFailure(_wire_path(err["loc"]), str(err["msg"]).removeprefix("Value error, "))
                for err in exc.errors()
                if not (err["loc"] and err["loc"][0] in unknown)
            ]
            if failures:
                return CheckResponse(inputs=news, failures=failures)
        return CheckResponse(inputs=news)

    def diff(self, olds: PropertyMap, news: PropertyMap) -> DiffResponse:
        detailed: dict[str, PropertyDiff] = {}
        replaces: list[str] = []
        old_plain, new_plain = plain_map(olds), plain_map(news)
        for field in self.input_fields():
            wire = wire_name(field)
            if is_unknown(news.get(wire)):
                changed = True
            else:
                before = self.normalize(field, old_plain.get(wire))
                after = self.normalize(field, new_plain.get(wire))
                changed = not _same(before, after)
            if not changed:
                continue
            if field in self.replace_on_change and wire in olds:
                detailed[wire] = PropertyDiff(PropertyDiffKind.UPDATE_REPLACE, input_diff=True)
                replaces.append(wire)
            else:
                detailed[wire] = PropertyDiff(PropertyDiffKind.UPDATE, input_diff=True)
        return DiffResponse(
            changes=bool(detailed),
            replaces=replaces,
            delete_before_replace=bool(replaces) and self.delete_before_replace,
            diffs=list(detailed),
            detailed_diff=detailed,
        )

    def to_wire(self, values: Json) -> PropertyMap:
        secrets = _secret_wire_names(self.secret_outputs)
        return property_map({wire_name(k): v for k, v in values.items()}, secrets)

    def inputs_on_wire(self, wire: PropertyMap) -> PropertyMap:
        """The inputs among outputs already on the wire (`to_wire`), not converted a second time."""
        return {name: wire[name] for name in (wire_name(f) for f in self.spec.model_fields) if name in wire}

    def kept_inputs(self, olds: PropertyMap, news: PropertyMap) -> PropertyMap:
        """A read's inputs: where live matches the prior inputs as `diff` compares them (a set in another
        order, a normalised form), the prior inputs as they were. A refresh that finds nothing changed then
        leaves the state's inputs as the program sent them, and the engine, which rewrites its whole
        snapshot for each object whose inputs changed, rewrites nothing."""
        if not olds:
            return news
        kept = dict(news)
        for wire, value in news.items():
            old = olds.get(wire)
            if old is None or old == value:
                continue
            field = field_name(wire)
            if _same(self.normalize(field, to_plain(old)), self.normalize(field, to_plain(value))):
                kept[wire] = old
        return kept

    def from_wire(self, props: PropertyMap) -> Json:
        return {field_name(k): v for k, v in plain_map(props).items()}

    def preview_outputs(self, news: PropertyMap) -> PropertyMap:
        """What create or update would return, with vendor-computed outputs unknown."""
        out = dict(news)
        for name in self.output_types:
            wire = wire_name(name)
            # The SDK can't marshal PropertyValue.computed(); the wire sentinel is what the engine reads.
            out[wire] = PropertyValue(UNKNOWN, is_secret=name in self.secret_outputs)
        return out


def _wire_path(loc: tuple[int | str, ...] | list[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{wire_name(part)}" if out else wire_name(part))
    return out


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


_SCALARS = (str, bool, int, float, type(None))


def _same(before: Any, after: Any) -> bool:
    """Whether two values compare equal as their canonical JSON does, without serialising the common case
    (two equal scalars of one type: `1 == True`, but `1` and `true` differ on the wire)."""
    if type(before) is type(after) and isinstance(before, _SCALARS):
        return bool(before == after)
    return _canonical(before) == _canonical(after)


@cache
def _secret_wire_names(secrets: frozenset[str]) -> frozenset[str]:
    return frozenset(wire_name(s) for s in secrets)
