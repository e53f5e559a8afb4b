"""The sandbox's Stripe billing meters, and metered prices that must name one, driven by the stripe SDK."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.sandbox.stripe.test_products_prices import client
from tests.support import SandboxProcess

MINUTES = {
    "display_name": "Telehealth minutes",
    "event_name": "telehealth_minutes",
    "default_aggregation": {"formula": "sum"},
    "value_settings": {"event_payload_key": "minutes"},
}


def telehealth(sdk: stripe.StripeClient, recurring: Any) -> stripe.Price:
    params: Any = {"product": "telehealth", "currency": "nzd", "unit_amount": 150, "recurring": recurring}
    return sdk.v1.prices.create(params=params)


def test_a_meter_keeps_its_shape_and_retires_instead_of_being_deleted(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    meter = sdk.v1.billing.meters.create(params=MINUTES)  # type: ignore[arg-type]
    assert meter.id.startswith("mtr_test_") and meter.status == "active"
    assert meter.customer_mapping.event_payload_key == "stripe_customer_id"
    assert meter.value_settings.event_payload_key == "minutes"
    with pytest.raises(stripe.InvalidRequestError) as twice:
        sdk.v1.billing.meters.create(params=MINUTES)  # type: ignore[arg-type]
    assert twice.value.error is not None and twice.value.error.param == "event_name"
    with pytest.raises(stripe.InvalidRequestError) as shape:
        sdk.v1.billing.meters.update(meter.id, params={"event_name": "x"})  # type: ignore[arg-type]
    assert shape.value.error is not None and shape.value.error.code == "parameter_unknown"
    renamed = sdk.v1.billing.meters.update(meter.id, params={"display_name": "Video minutes"})
    assert renamed.display_name == "Video minutes"

    retired = sdk.v1.billing.meters.deactivate(meter.id)
    assert retired.status == "inactive" and retired.status_transitions.deactivated_at is not None
    assert [m.id for m in sdk.v1.billing.meters.list(params={"status": "inactive"}).data] == [meter.id]
    replacement = sdk.v1.billing.meters.create(params=MINUTES)  # type: ignore[arg-type]
    with pytest.raises(stripe.InvalidRequestError):
        sdk.v1.billing.meters.reactivate(meter.id)  # one active meter per event name
    sdk.v1.billing.meters.deactivate(replacement.id)
    assert sdk.v1.billing.meters.reactivate(meter.id).status == "active"


def test_a_metered_price_needs_an_active_meter(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    sdk.v1.products.create(params={"id": "telehealth", "name": "Telehealth"})
    with pytest.raises(stripe.InvalidRequestError) as legacy:
        telehealth(sdk, {"interval": "month", "usage_type": "metered"})
    assert legacy.value.error is not None and legacy.value.error.param == "recurring[meter]"
    assert "must be backed by a meter" in str(legacy.value.error.message)

    meter = sdk.v1.billing.meters.create(params=MINUTES)  # type: ignore[arg-type]
    metered = {"interval": "month", "usage_type": "metered", "meter": meter.id}
    price = telehealth(sdk, metered)
    assert price.recurring is not None and price.recurring.meter == meter.id
    with pytest.raises(stripe.InvalidRequestError) as licensed:
        telehealth(sdk, {"interval": "month", "meter": meter.id})
    assert licensed.value.error is not None and licensed.value.error.param == "recurring[meter]"
    sdk.v1.billing.meters.deactivate(meter.id)
    with pytest.raises(stripe.InvalidRequestError) as inactive:
        telehealth(sdk, metered)
    assert "inactive" in str(inactive.value.error and inactive.value.error.message)
