"""The provider's contract for backstop:stripe:Meter, called as the engine calls it: adopted by event name,
retired (deactivated) rather than deleted, replaced old-first when its shape changes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pulumi.provider.experimental.provider import CreateRequest, DeleteRequest, DiffRequest

from backstop.plugin.provider.dispatcher import BackstopProvider
from backstop.plugin.provider.props import plain_map, property_map
from tests.provider.test_stripe_webhook_endpoint import provider, sdk
from tests.support import SandboxProcess

TOKEN = "backstop:stripe:Meter"
URN = f"urn:pulumi:staging::platform-config::backstop:components:StripeBilling${TOKEN}::stripe-meter-minutes"
INPUTS: dict[str, Any] = {
    "eventName": "telehealth_minutes",
    "displayName": "Telehealth minutes",
    "aggregation": "sum",
    "customerPayloadKey": "stripe_customer_id",
    "valuePayloadKey": "minutes",
    "eventTimeWindow": None,
    "active": True,
}


def create(p: BackstopProvider, inputs: dict[str, Any] = INPUTS) -> tuple[str, dict[str, Any]]:
    response = asyncio.run(p.create(CreateRequest(URN, property_map(inputs), 60, False)))
    assert response.resource_id
    return response.resource_id, plain_map(response.properties)


def test_create_adopts_the_live_meter_of_its_event_name_and_delete_retires_it(
    sandbox: SandboxProcess,
) -> None:
    live = sdk(sandbox).v1.billing.meters.create(
        params={
            "display_name": "Old name",
            "event_name": "telehealth_minutes",
            "default_aggregation": {"formula": "sum"},
            "value_settings": {"event_payload_key": "minutes"},
        }
    )
    p = provider(sandbox)
    meter_id, outputs = create(p)
    assert meter_id == live.id and outputs["displayName"] == "Telehealth minutes"
    assert len(sdk(sandbox).v1.billing.meters.list().data) == 1, "adopted, not duplicated"

    asyncio.run(p.delete(DeleteRequest(URN, meter_id, property_map(outputs), 60)))
    assert sdk(sandbox).v1.billing.meters.retrieve(meter_id).status == "inactive"
    again, _ = create(p)
    assert again == meter_id and sdk(sandbox).v1.billing.meters.retrieve(meter_id).status == "active", (
        "a retired meter of the same shape comes back"
    )


def test_an_active_meter_counting_differently_is_not_adopted(sandbox: SandboxProcess) -> None:
    sdk(sandbox).v1.billing.meters.create(
        params={
            "display_name": "Minutes",
            "event_name": "telehealth_minutes",
            "default_aggregation": {"formula": "count"},
        }
    )
    with pytest.raises(Exception, match="counts event 'telehealth_minutes' differently"):
        create(provider(sandbox))
    assert len(sdk(sandbox).v1.billing.meters.list().data) == 1


@pytest.mark.parametrize(
    "change", [{"aggregation": "last"}, {"valuePayloadKey": "seconds"}, {"eventName": "x"}]
)
def test_a_new_shape_replaces_the_meter_old_one_first(change: dict[str, Any]) -> None:
    request = DiffRequest(URN, "mtr_1", property_map(INPUTS), property_map({**INPUTS, **change}), [])
    result = asyncio.run(BackstopProvider().diff(request))
    assert result.replaces == list(change) and result.delete_before_replace is True
    renamed = DiffRequest(
        URN, "mtr_1", property_map(INPUTS), property_map({**INPUTS, "displayName": "x"}), []
    )
    assert asyncio.run(BackstopProvider().diff(renamed)).replaces == []
