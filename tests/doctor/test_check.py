"""Which failed checks stop a restore: those it needs, unless the vendor only didn't answer the probe."""

from __future__ import annotations

import asyncio

from backstop.operations.doctor import Diagnosis
from backstop.plugin.clients.errors import VendorError
from backstop.runbook.doctor import vendors
from backstop.runbook.doctor.check import Check, failed, passed


def probed(status: int | None) -> Check:
    """The check vendors.py makes of a probe the vendor answered with `status` (None: no connection)."""

    async def call() -> Check:
        raise VendorError("stripe", status, "the probe's answer")

    return asyncio.run(vendors._probe("stripe: API key", call, "set it"))


def test_a_vendor_that_did_not_answer_says_nothing_of_the_credential() -> None:
    for status in (429, 500, 503, None):
        assert probed(status).unanswered, status
    for status in (401, 403):
        assert not probed(status).unanswered and not probed(status).ok, status
    assert not passed("stripe: API key", "fine", restore_needs=True).unanswered


def test_a_restore_stops_on_what_it_needs_and_warns_of_the_rest() -> None:
    denied, busy = probed(401), probed(503)
    store = failed("database: backup store", "unwritable", "set BACKSTOP_STORE_URL")
    engine = passed("engine: pulumi CLI", "v3.274.1", restore_needs=True)
    diagnosis = Diagnosis("staging", [engine, denied, busy, store])
    assert diagnosis.blocking_restore() == [denied]
    assert diagnosis.restore_warnings() == [busy, store]
    assert Diagnosis("staging", [engine, busy, store]).blocking_restore() == []
