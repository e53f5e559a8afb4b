"""Vercel variables in the desired state: secrets by reference only, one owner per name and target."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstop.plugin.model import DesiredStateError, load_document, parse_document
from tests.support import ROOT

VALID = """\
version: 1
stack: prod
scope:
  stripe: {mode: live}
  vercel:
    team: team_derrimut
    projects: [prj_Platform1]
stripe:
  webhook_endpoints:
    - key: app-payments
      url: https://app.example.com/stripe
      enabled_events: [invoice.paid]
vercel:
  projects:
    - key: platform
      id: prj_Platform1
      env:
        - key: convex-url
          name: NEXT_PUBLIC_CONVEX_URL
          targets: [production]
          value: https://a.convex.cloud
        - key: stripe-webhook-secret
          name: STRIPE_WEBHOOK_SECRET
          targets: [production]
          sensitive: true
          value_from: {output: stripe.webhook_endpoints.app-payments.secret}
        - key: stripe-webhook-secret-preview
          name: STRIPE_WEBHOOK_SECRET
          targets: [preview]
          sensitive: true
          value_from: {stack_output: {stack: staging, output: stripe.webhook_endpoints.app-payments.secret}}
        - key: deploy-key
          name: CONVEX_DEPLOY_KEY
          targets: [production]
          sensitive: true
          value_from: {secret: convex-deploy-key}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(DesiredStateError) as caught:
        parse_document(text, "snapshots/prod.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_valid_document_parses() -> None:
    desired = parse_document(VALID, "prod.yaml")
    assert desired.vercel is not None
    follows = [
        var.key for _, var in desired.vercel.variables() if var.value_from and var.value_from.follows_secret
    ]
    assert follows == ["stripe-webhook-secret", "stripe-webhook-secret-preview"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("          value_from: {secret: convex-deploy-key}", "          value: prod:abc|key"),
            "vercel.projects[0].env[3]: CONVEX_DEPLOY_KEY holds a secret, which must not be inline",
        ),
        (
            (
                "          value: https://a.convex.cloud",
                "          value: https://a.convex.cloud\n          sensitive: true",
            ),
            "vercel.projects[0].env[0]: NEXT_PUBLIC_CONVEX_URL holds a secret, which must not be inline",
        ),
        (
            ("targets: [preview]", "targets: [production]"),
            "vercel.projects[0].env: STRIPE_WEBHOOK_SECRET is declared twice for the production target",
        ),
        (
            ("targets: [preview]", "targets: [preview, development]"),
            "vercel.projects[0].env[2]: Vercel does not allow sensitive variables in the development target",
        ),
        (
            ("targets: [preview]", "targets: [staging]"),
            "vercel.projects[0].env[2].targets[0]: Input should be 'production', 'preview' or 'development'",
        ),
        (
            ("app-payments.secret}\n", "checkout.secret}\n"),
            "Vercel variable 'stripe-webhook-secret': value_from.output stripe.webhook_endpoints.checkout.secret "
            "names an object this document does not declare",
        ),
        (
            ("{output: stripe.webhook_endpoints.app-payments.secret}", "{output: stripe.api_key}"),
            "vercel.projects[0].env[1].value_from.output: String should match pattern",
        ),
        (
            (
                "{secret: convex-deploy-key}",
                "{secret: a, output: stripe.webhook_endpoints.app-payments.secret}",
            ),
            "vercel.projects[0].env[3].value_from: give exactly one of secret, output or stack_output",
        ),
        (
            ("      id: prj_Platform1", "      id: prj_SomeoneElses"),
            "Vercel project 'platform' (prj_SomeoneElses) is outside scope.vercel.projects",
        ),
        (
            ("    team: team_derrimut\n", ""),
            "scope.vercel.team: Field required",
        ),
        (
            ("          name: NEXT_PUBLIC_CONVEX_URL", "          name: NEXT-PUBLIC"),
            "vercel.projects[0].env[0].name: String should match pattern",
        ),
    ],
)
def test_bad_variables_are_refused_with_their_path(edit: tuple[str, str], expected: str) -> None:
    old, new = edit
    assert old in VALID
    found = problems(VALID.replace(old, new, 1))
    assert any(expected in line for line in found), found


def test_no_secret_value_is_echoed_in_the_error() -> None:
    found = problems(VALID.replace("value_from: {secret: convex-deploy-key}", "value: canary-3f9a1c-secret"))
    assert found and not any("canary-3f9a1c" in line for line in found)


def test_a_project_claimed_by_two_stacks_is_refused(tmp_path: Path) -> None:
    from backstop.plugin.model.stacks import check_ownership

    (tmp_path / "prod.yaml").write_text(VALID)
    (tmp_path / "staging.yaml").write_text(
        VALID.replace("stack: prod", "stack: staging").replace("stripe: {mode: live}", "stripe: {mode: test}")
    )
    with pytest.raises(DesiredStateError) as caught:
        check_ownership(load_document(tmp_path / "prod.yaml"), tmp_path / "prod.yaml")
    assert "scope.vercel.projects: project prj_Platform1 is also claimed by stack staging" in str(
        caught.value
    )
    (tmp_path / "staging.yaml").write_text("version: 1\nstack: staging\nscope: {stripe: {mode: test}}\n")
    check_ownership(load_document(tmp_path / "prod.yaml"), tmp_path / "prod.yaml")


def test_the_committed_stacks_own_distinct_projects() -> None:
    from backstop.plugin.model.stacks import check_ownership

    for stack in ("staging", "prod"):
        path = ROOT / "snapshots" / f"{stack}.yaml"
        check_ownership(load_document(path), path)


def test_a_variable_key_is_unique_across_projects() -> None:
    """Keys name resources and config secrets: two projects' CLERK_SECRET_KEY need two keys."""
    second = """    - key: admin
      id: prj_Admin1
      env:
        - key: convex-url
          name: NEXT_PUBLIC_CONVEX_URL
          targets: [production]
          value: https://a.convex.cloud
"""
    text = VALID.replace("projects: [prj_Platform1]", "projects: [prj_Platform1, prj_Admin1]") + second
    with pytest.raises(DesiredStateError) as caught:
        parse_document(text, "snapshots/prod.yaml")
    assert "env key 'convex-url' is in projects 'platform' and 'admin'" in str(caught.value)
