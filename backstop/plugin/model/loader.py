"""Reading a desired-state document from YAML, with errors that point at the file, path and line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from backstop.plugin.model.document import DesiredState
from backstop.plugin.model.errors import DesiredStateError, Problem


def load_document(path: Path) -> DesiredState:
    try:
        text = path.read_text()
    except OSError as exc:
        raise DesiredStateError([Problem(str(path), "", f"cannot read the file: {exc.strerror}")]) from None
    return parse_document(text, str(path))


def parse_document(text: str, source: str) -> DesiredState:
    """A valid document is read with LibYAML (four times faster than the round-trip loader at thousands of
    objects); anything it refuses, or that fails validation, is read again with the round-trip loader,
    whose line numbers the problems name."""
    try:
        fast = YAML(typ="safe", pure=False).load(text)
    except Exception:  # whatever LibYAML refuses, the round-trip reading reports
        fast = None
    if isinstance(fast, dict):
        try:
            return DesiredState.model_validate(_plain(fast))
        except ValidationError:
            pass
    return _parse_with_lines(text, source)


def _parse_with_lines(text: str, source: str) -> DesiredState:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise DesiredStateError([Problem(source, "", f"YAML syntax error: {reason}", line)]) from None
    if not isinstance(tree, dict):
        raise DesiredStateError([Problem(source, "", "the document must be a YAML mapping")])
    try:
        return DesiredState.model_validate(_plain(tree))
    except ValidationError as exc:
        problems = [
            Problem(source, _dotted(err["loc"]), _reason(err), _line(tree, err["loc"]))
            for err in exc.errors()
        ]
        raise DesiredStateError(problems) from None


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _dotted(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _reason(err: Any) -> str:
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "unknown field"
    return message


def _line(tree: Any, loc: Sequence[int | str]) -> int | None:
    """The line of the deepest node of `loc` that exists in the YAML tree."""
    node, line = tree, None
    for part in loc:
        lc = getattr(node, "lc", None)
        try:
            if lc is not None:
                line = lc.data[part][0] + 1 if isinstance(node, dict) else lc.item(part)[0] + 1
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return line
