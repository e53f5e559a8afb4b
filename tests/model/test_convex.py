"""Convex environment variables in the desired state: Convex's names and sizes, secrets by reference only,
a deployment in scope, and one stack per deployment."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstop.plugin.model import DesiredStateError, load_document, parse_document
from backstop.plugin.model.stacks import check_ownership

VALID = """\
version: 1
stack: prod
scope:
  stripe: {mode: live}
  convex: {deployment: spotted-gerbil-236}
stripe:
  webhook_endpoints:
    - key: convex-billing
      url: https://spotted-gerbil-236.convex.site/stripe/webhook
      enabled_events: [invoice.paid]
convex:
  env:
    - key: stripe-webhook-secret
      name: STRIPE_WEBHOOK_SECRET
      value_from: {output: stripe.webhook_endpoints.convex-billing.secret}
    - key: gemini-model
      name: GEMINI_MODEL
      value: gemini-2.5-flash
    - key: gemini-api-key
      name: GEMINI_API_KEY
      value_from: {secret: convex-gemini-api-key}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(DesiredStateError) as caught:
        parse_document(text, "snapshots/prod.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_valid_document_parses() -> None:
    desired = parse_document(VALID, "prod.yaml")
    assert desired.convex is not None and desired.scope.convex is not None
    assert [v.name for v in desired.convex.env] == ["STRIPE_WEBHOOK_SECRET", "GEMINI_MODEL", "GEMINI_API_KEY"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("value_from: {secret: convex-gemini-api-key}", "value: AIza-canary-key"),
            "snapshots/prod.yaml:19: convex.env[2]: GEMINI_API_KEY holds a secret, which must not be inline",
        ),
        (("name: GEMINI_MODEL", "name: 1GEMINI"), "convex.env[1].name: String should match pattern"),
        (("name: GEMINI_MODEL", f"name: {'G' * 257}"), "convex.env[1].name: String should have at most 256"),
        (
            ("value: gemini-2.5-flash", f"value: {'x' * 8193}"),
            "convex.env[1].value: is 8193 bytes; Convex takes values up to 8192",
        ),
        (("name: GEMINI_MODEL", "name: CONVEX_SITE_URL"), "CONVEX_SITE_URL is built in"),
        (("name: GEMINI_API_KEY", "name: STRIPE_WEBHOOK_SECRET"), "two entries have the same name"),
        (
            ("  convex: {deployment: spotted-gerbil-236}\n", ""),
            "declares convex.env but scope.convex is missing",
        ),
        (
            ("convex-billing.secret}", "app.secret}"),
            "Convex variable 'stripe-webhook-secret': value_from.output stripe.webhook_endpoints.app.secret "
            "names an object this document does not declare",
        ),
        (("{deployment: spotted-gerbil-236}", "{deployment: Spotted}"), "scope.convex.deployment: String"),
    ],
)
def test_bad_variables_are_refused_with_their_path(edit: tuple[str, str], expected: str) -> None:
    old, new = edit
    assert old in VALID
    found = problems(VALID.replace(old, new, 1))
    assert any(expected in line for line in found), found
    assert not any("canary" in line or "xxxxxxxx" in line for line in found), "values are never echoed"


def test_a_deployment_claimed_by_two_stacks_is_refused(tmp_path: Path) -> None:
    (tmp_path / "prod.yaml").write_text(VALID)
    (tmp_path / "staging.yaml").write_text(VALID.replace("stack: prod", "stack: staging"))
    with pytest.raises(DesiredStateError) as caught:
        check_ownership(load_document(tmp_path / "prod.yaml"), tmp_path / "prod.yaml")
    assert "scope.convex.deployment: deployment spotted-gerbil-236 is also claimed by stack staging" in str(
        caught.value
    )
