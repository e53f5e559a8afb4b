"""Meters in the desired state: a metered price names a declared meter by key, and only a metered price."""

from __future__ import annotations

import pytest

from backstop.plugin.model import parse_document
from tests.model.test_loader import problems

METERED = """\
version: 1
stack: staging
scope:
  stripe:
    mode: test
stripe:
  meters:
    - key: minutes
      event_name: telehealth_minutes
      display_name: Telehealth minutes
      aggregation: sum
      value_payload_key: minutes
  products:
    - key: telehealth
      id: telehealth
      name: Telehealth
      prices:
        - key: per-minute
          lookup_key: telehealth-per-minute
          currency: nzd
          unit_amount: 150
          recurring: {interval: month, usage_type: metered, meter: minutes}
"""


def test_a_metered_price_gets_its_meters_id_in_its_inputs() -> None:
    desired = parse_document(METERED, "x.yaml")
    assert desired.stripe is not None
    product = desired.stripe.products[0]
    spec = product.price_spec(product.prices[0], "mtr_test_123")
    assert spec.recurring is not None and spec.recurring.meter == "mtr_test_123"
    assert desired.stripe.meters[0].spec().customer_payload_key == "stripe_customer_id"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("meter: minutes}", "meter: seconds}"), "recurring.meter 'seconds' is not a key of stripe.meters"),
        ((", meter: minutes}", "}"), "a metered price needs a meter"),
        (("usage_type: metered, ", ""), "only a metered price takes one"),
        (("aggregation: sum", "aggregation: avg"), "aggregation: Input should be 'count', 'last' or 'sum'"),
        (
            ("      value_payload_key: minutes\n", "      active: false\n"),
            "meter 'minutes' is inactive, and Stripe attaches active meters only",
        ),
    ],
)
def test_bad_meters_name_the_field_and_reason(edit: tuple[str, str], expected: str) -> None:
    found = problems(METERED.replace(*edit))
    assert any(expected in p for p in found), found
