"""The outputs a Vercel or Convex variable can follow (`value_from: {output: <path>}`).

Two kinds, both of objects this document declares:
- `<stripe|clerk>.webhook_endpoints.<key>.secret`: an endpoint's signing secret (a Pulumi secret, exported
  in the stack's `webhook_secrets` output, which other stacks read through `stack_output`);
- `vapi.<squads|assistants>.<key>.id`: a Vapi object's id (not a secret, exported as `vapi_squads` and
  `vapi_assistants`). A recreated object's new id reaches its followers in the same `pulumi up`.

While a document validates, each path is checked against the objects it declares, so a typo is refused at
the variable that names it, with its file, line and YAML path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints

_KEY = r"[a-z0-9][a-z0-9-]{0,62}"
SECRET_PATH = rf"(stripe|clerk)\.webhook_endpoints\.{_KEY}\.secret"
ID_PATH = rf"vapi\.(squads|assistants)\.{_KEY}\.id"
FOLLOWABLE = {
    ("stripe", "webhook_endpoints"): "secret",
    ("clerk", "webhook_endpoints"): "secret",
    ("vapi", "squads"): "id",
    ("vapi", "assistants"): "id",
}
"""(vendor, collection) → the field of its objects a variable can follow."""
ID_EXPORTS = {"squads": "vapi_squads", "assistants": "vapi_assistants"}
"""The stack output holding each Vapi collection's ids by key (never a secret)."""


def is_id(path: str) -> bool:
    """Whether an output path names an object id (not a signing secret)."""
    return path.startswith("vapi.") and path.endswith(".id")


def id_path(collection: str, key: str) -> str:
    return f"vapi.{collection}.{key}.id"


def ids_by_path(outputs: Mapping[str, Any]) -> dict[str, str]:
    """`vapi.<collection>.<key>.id` → id, from a stack's outputs (Automation API values or plain ones)."""
    found: dict[str, str] = {}
    for collection, name in ID_EXPORTS.items():
        exported = outputs.get(name)
        value = getattr(exported, "value", exported)
        if isinstance(value, dict):
            found.update({id_path(collection, key): v for key, v in value.items() if isinstance(v, str)})
    return found


_declared: ContextVar[set[str] | None] = ContextVar("followable_outputs", default=None)


def declared_paths(data: Any) -> set[str]:
    """Every output path the raw document's objects offer (by their keys)."""
    paths: set[str] = set()
    if not isinstance(data, dict):
        return paths
    for (vendor, collection), field in FOLLOWABLE.items():
        section = data.get(vendor)
        items = section.get(collection) if isinstance(section, dict) else None
        for item in items if isinstance(items, list) else []:
            key = item.get("key") if isinstance(item, dict) else None
            if isinstance(key, str):
                paths.add(f"{vendor}.{collection}.{key}.{field}")
    return paths


@contextmanager
def document_outputs(data: Any) -> Iterator[None]:
    """Check followed paths against the raw document's declared objects while the document validates."""
    token = _declared.set(declared_paths(data))
    try:
        yield
    finally:
        _declared.reset(token)


def undeclared(path: str) -> str | None:
    """Why `path` can't be followed in the document being validated (None outside a document)."""
    declared = _declared.get()
    if declared is None or path in declared:
        return None
    vendor, collection, key, _ = path.split(".")
    return f"names an object this document does not declare ({vendor}.{collection} has no key {key!r})"


def _no_id(path: str) -> str:
    if is_id(path):
        raise ValueError(
            f"{path}: stack_output reads another stack's webhook signing secrets (its webhook_secrets "
            "output) only; an object id is followed in the stack that declares the object, with "
            "value_from: {output: " + path + "}"
        )
    return path


OutputPath = Annotated[str, StringConstraints(pattern=rf"^({SECRET_PATH}|{ID_PATH})$")]
"""What `value_from.output` can name: see the module's docstring."""
ReferencedPath = Annotated[OutputPath, AfterValidator(_no_id)]
"""What `value_from.stack_output.output` can name: a signing secret only."""
