"""A bad desired-state document fails whole, naming the file, the YAML path, the line and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstop.plugin.model import DesiredStateError, load_document, parse_document
from tests.support import ROOT

VALID = """\
version: 1
stack: staging
scope:
  stripe:
    mode: test
stripe:
  webhook_endpoints:
    - key: app
      url: https://app.example.com/stripe
      enabled_events: [invoice.paid]
"""


def problems(text: str) -> list[str]:
    with pytest.raises(DesiredStateError) as caught:
        parse_document(text, "snapshots/staging.yaml")
    return [str(p) for p in caught.value.problems]


def test_the_committed_documents_are_valid() -> None:
    for stack in ("staging", "prod"):
        assert load_document(ROOT / "snapshots" / f"{stack}.yaml").stack == stack


def test_a_valid_document_parses() -> None:
    desired = parse_document(VALID, "x.yaml")
    assert desired.stripe is not None
    assert desired.stripe.webhook_endpoints[0].enabled_events == ["invoice.paid"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("url: https://app.example.com/stripe", "url: ftp://app"),
            "snapshots/staging.yaml:9: stripe.webhook_endpoints[0].url: must be an absolute http(s) URL",
        ),
        (
            ("[invoice.paid]", "[invoice.payed]"),
            "snapshots/staging.yaml:10: stripe.webhook_endpoints[0].enabled_events: unknown Stripe event type(s): invoice.payed",
        ),
        (
            ("key: app", "key: App Key"),
            "snapshots/staging.yaml:8: stripe.webhook_endpoints[0].key: String should match pattern",
        ),
        (
            ("      enabled_events", "      colour: red\n      enabled_events"),
            "snapshots/staging.yaml:10: stripe.webhook_endpoints[0].colour: unknown field",
        ),
        (("version: 1", "version: 2"), "snapshots/staging.yaml:1: version: Input should be 1"),
        (
            ("mode: test", "mode: sandbox"),
            "snapshots/staging.yaml:5: scope.stripe.mode: Input should be 'test' or 'live'",
        ),
        (
            ("[invoice.paid]", "invoice.paid"),
            "snapshots/staging.yaml:10: stripe.webhook_endpoints[0].enabled_events: Input should be a valid list",
        ),
    ],
)
def test_each_problem_names_file_line_path_and_reason(edit: tuple[str, str], expected: str) -> None:
    found = problems(VALID.replace(*edit))
    assert any(p.startswith(expected) for p in found), found


def test_duplicate_yaml_keys_are_refused() -> None:
    found = problems(VALID.replace("stack: staging", "stack: staging\nstack: prod"))
    assert found[0].startswith("snapshots/staging.yaml:3: <document>: YAML syntax error:")
    assert "duplicate key" in found[0]


def test_yaml_syntax_errors_name_the_line() -> None:
    found = problems(VALID + "    - key: [unclosed\n")
    assert found[0].startswith("snapshots/staging.yaml:12: <document>: YAML syntax error")


def test_two_endpoints_with_one_url_are_refused() -> None:
    doubled = (
        VALID + "    - key: other\n      url: https://app.example.com/stripe\n      enabled_events: ['*']\n"
    )
    assert any("two entries have the same url" in p for p in problems(doubled))


def test_live_mode_requires_https() -> None:
    found = problems(VALID.replace("mode: test", "mode: live").replace("https://app", "http://app"))
    assert any("live-mode URLs must use https" in p for p in found)


def test_objects_outside_any_declared_scope_are_refused() -> None:
    found = problems(VALID.replace("scope:\n  stripe:\n    mode: test\n", "scope: {}\n"))
    assert any("scope.stripe is missing" in p for p in found)


def test_every_problem_is_reported_at_once() -> None:
    broken = VALID.replace("version: 1", "version: 3").replace("[invoice.paid]", "[nope]")
    assert len(problems(broken)) == 2


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DesiredStateError, match=r"missing\.yaml: <document>: cannot read the file"):
        load_document(tmp_path / "missing.yaml")


CATALOG = (
    VALID
    + """\
  products:
    - key: plan
      id: no-lock-in
      name: No lock-in
      prices:
        - key: fortnightly
          lookup_key: no-lock-in
          currency: aud
          unit_amount: 3495
          recurring: {interval: week, interval_count: 2}
          default: true
"""
)


def test_a_catalog_parses_into_provider_specs() -> None:
    desired = parse_document(CATALOG, "x.yaml")
    assert desired.stripe is not None
    product = desired.stripe.products[0]
    price = product.price_spec(product.prices[0])
    assert (price.product, price.is_default, price.lookup_key) == ("no-lock-in", True, "no-lock-in")
    assert product.spec().product_id == "no-lock-in"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("currency: aud", "currency: AUD"),
            "stripe.products[0].prices[0].currency: String should match pattern",
        ),
        (
            ("currency: aud", "currency: abc"),
            "stripe.products[0].prices[0].currency: 'abc' is not a currency",
        ),
        (
            ("unit_amount: 3495", "unit_amount: -1"),
            "stripe.products[0].prices[0].unit_amount: Input should be greater",
        ),
        (
            ("interval_count: 2", "interval_count: 200"),
            "stripe.products[0].prices[0].recurring: interval_count: at most 156",
        ),
        (
            ("default: true", "default: true\n          active: false"),
            "stripe.products[0].prices: the default price fortnightly can't be archived",
        ),
        (("id: no-lock-in", "id: no lock in"), "stripe.products[0].id: String should match pattern"),
    ],
)
def test_catalog_problems_name_the_path(edit: tuple[str, str], expected: str) -> None:
    found = problems(CATALOG.replace(*edit))
    assert any(expected in p for p in found), found


def test_a_lookup_key_is_declared_once() -> None:
    doubled = CATALOG + CATALOG.split("  products:\n")[1].replace("key: plan", "key: other").replace(
        "id: no-lock-in", "id: other"
    )
    assert any("two entries have the same price lookup_key 'no-lock-in'" in p for p in problems(doubled))
