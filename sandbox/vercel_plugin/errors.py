"""Failures reported to the engine the way the Terraform provider reports its diagnostics."""

from __future__ import annotations


class PluginError(Exception):
    """A diagnostic to show as is (`summary: detail`); it never holds a credential or a value."""

    def __init__(self, summary: str, detail: str = "") -> None:
        super().__init__(f"{summary}: {detail}" if detail else summary)
        self.summary, self.detail = summary, detail
