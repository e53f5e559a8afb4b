"""Writes the coverage table of sandbox/README.md from the routes each vendor actually serves.

Run: .venv/bin/python -m sandbox.coverage  (tests fail when the committed table is stale)
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from starlette.routing import Route, WebSocketRoute

from sandbox.app import VENDORS
from sandbox.core.context import Sandbox
from sandbox.core.store import Store

README = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- coverage:begin -->", "<!-- coverage:end -->"


def _operations(vendor: ModuleType) -> list[tuple[str, str]]:
    found = []
    for item in vendor.routes(Sandbox(store=Store())):
        if isinstance(item, Route) and "{path:path}" not in item.path:
            for method in sorted(item.methods or ()):
                if method != "HEAD":
                    found.append((method, item.path))
        elif isinstance(item, WebSocketRoute):
            found.append(("WebSocket", item.path))
    return found


def table() -> str:
    lines = [BEGIN, "", "| vendor | emulated operation (method, path under its base URL) |", "|---|---|"]
    for vendor in VENDORS:
        name = vendor.VENDOR.name
        for method, path in _operations(vendor):
            lines.append(f"| {name} | `{method} {path}` |")
    lines += ["", "Not emulated:", ""]
    for vendor in VENDORS:
        lines += [f"- {vendor.VENDOR.name}: {item}" for item in vendor.NOT_EMULATED]
    lines += ["", "Deviations from the vendor's OpenAPI document, and choices where facts are uncertain:", ""]
    for vendor in VENDORS:
        lines += [f"- {vendor.VENDOR.name}: {item}" for item in vendor.DEVIATIONS]
    return "\n".join([*lines, "", END])


def render(text: str) -> str:
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + table() + tail


def main() -> None:
    README.write_text(render(README.read_text()))
    print(f"wrote the coverage table of {README}")


if __name__ == "__main__":
    main()
