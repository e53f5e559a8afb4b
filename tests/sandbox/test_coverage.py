"""The coverage table in sandbox/README.md is generated from the routes, and must not be stale."""

from __future__ import annotations

from sandbox import coverage
from sandbox.app import VENDORS


def test_the_committed_coverage_table_is_current() -> None:
    text = coverage.README.read_text()
    assert coverage.render(text) == text, (
        "run `.venv/bin/python -m sandbox.coverage` and commit sandbox/README.md"
    )


def test_every_vendor_lists_what_it_does_not_emulate_and_its_deviations() -> None:
    for vendor in VENDORS:
        assert vendor.NOT_EMULATED and vendor.DEVIATIONS, vendor.__name__
