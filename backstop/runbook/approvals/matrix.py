"""approvals.yaml: the runbook's approval matrix (who must approve what, per stack and kind) and the
people who hold each role, with the SSH public keys their approvals are signed with."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from backstop.plugin.model.errors import DesiredStateError, Problem
from backstop.runbook.approvals.keys import BadKey, PublicKey, parse_key

Kind = Literal["configuration", "database"]
FILE = "approvals.yaml"


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid")
    roles: list[str] = Field(min_length=1)
    keys: list[str] = Field(min_length=1)
    """SSH public keys (`ssh-ed25519 AAAA… comment`, `ssh-rsa …`): approvals signed by any of them are
    this person's."""


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stacks: list[str] = Field(min_length=1)
    kinds: list[Kind] = Field(min_length=1)
    roles: list[str] | None
    """Any of these roles approves; null means no approval is needed."""


class Matrix(BaseModel):
    model_config = ConfigDict(extra="forbid")
    roles: list[str] = Field(min_length=1)
    """Every role there is; a person or rule naming another is a mistake."""
    people: dict[str, Person]
    rules: list[Rule] = Field(min_length=1)
    _keys: dict[str, tuple[str, PublicKey]] = PrivateAttr(default_factory=dict)
    """Fingerprint -> (person, key), filled by `load_matrix` once every key parsed."""

    def required(self, stack: str, kind: Kind) -> list[str] | None:
        """The roles that may approve, or None when none is needed. A stack no rule covers needs the
        strictest approval any rule asks for that kind (never silently none)."""
        for rule in self.rules:
            if (stack in rule.stacks or "*" in rule.stacks) and kind in rule.kinds:
                return rule.roles
        strictest = [r.roles for r in self.rules if kind in r.kinds and r.roles]
        return sorted({role for roles in strictest for role in roles}) or None

    def protects(self, stack: str) -> bool:
        """Whether any change to the stack needs a signed approval."""
        return any(self.required(stack, kind) for kind in ("configuration", "database"))

    def keys(self) -> dict[str, tuple[str, PublicKey]]:
        return dict(self._keys)

    def holds(self, person: str, roles: list[str]) -> bool:
        held = self.people.get(person)
        return held is not None and bool(set(held.roles) & set(roles))


def load_matrix(path: Path) -> Matrix:
    """The file, validated whole: every problem named with its field, and the reason."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise DesiredStateError(
            [Problem(str(path), "", f"cannot read the approvals file: {exc.strerror}")]
        ) from None
    return parse_matrix(text, str(path))


def digest(text: str) -> str:
    """What an audit record names the approvals.yaml it was checked against by."""
    return hashlib.sha256(text.encode()).hexdigest()


def parse_matrix(text: str, name: str) -> Matrix:
    """approvals.yaml's text (`name` says where it came from), validated whole."""
    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:
        raise DesiredStateError([Problem(name, "", f"YAML syntax error: {exc}")]) from None
    if isinstance(data, dict) and isinstance(data.get("people"), dict):
        old = [p for p, v in data["people"].items() if isinstance(v, list)]
        if old:
            reason = "give each person `roles:` and `keys:` (SSH public keys), see the README's Approvals"
            raise DesiredStateError([Problem(name, f"people.{p}", reason) for p in old])
    try:
        matrix = Matrix.model_validate(data)
    except ValidationError as exc:
        raise DesiredStateError(
            [Problem(name, ".".join(map(str, e["loc"])), str(e["msg"])) for e in exc.errors()]
        ) from None
    problems = _role_problems(matrix, name) + _key_problems(matrix, name)
    if problems:
        raise DesiredStateError(problems)
    return matrix


def _role_problems(matrix: Matrix, name: str) -> list[Problem]:
    known = set(matrix.roles)
    listed = ", ".join(matrix.roles)
    problems = [
        Problem(name, f"people.{person}.roles[{i}]", f"unknown role {role!r} (roles: {listed})")
        for person, held in matrix.people.items()
        for i, role in enumerate(held.roles)
        if role not in known
    ]
    holders = {role for person in matrix.people.values() for role in person.roles}
    for r, rule in enumerate(matrix.rules):
        for i, role in enumerate(rule.roles or []):
            where = f"rules[{r}].roles[{i}]"
            if role not in known:
                problems.append(Problem(name, where, f"unknown role {role!r} (roles: {listed})"))
            elif role not in holders:
                problems.append(Problem(name, where, f"nobody holds the role {role!r}: no one could approve"))
    return problems


def _key_problems(matrix: Matrix, name: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for person, held in matrix.people.items():
        for i, text in enumerate(held.keys):
            where = f"people.{person}.keys[{i}]"
            try:
                key = parse_key(text)
            except BadKey as exc:
                problems.append(Problem(name, where, str(exc)))
                continue
            if key.fingerprint in seen:
                problems.append(
                    Problem(name, where, f"the same key as {seen[key.fingerprint]} ({key.fingerprint})")
                )
                continue
            seen[key.fingerprint] = where
            matrix._keys[key.fingerprint] = (person, key)
    return problems
