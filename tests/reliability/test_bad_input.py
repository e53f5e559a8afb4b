"""A corpus of malformed desired-state documents: each gets exit 2 from `backstop`, a failed `pulumi
preview`, an error naming the file, the YAML path and the reason, and zero API calls."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from backstop.cli.app import app
from tests.support import Engine, SandboxProcess

BASE = """\
version: 1
stack: staging
scope:
  stripe:
    mode: test
stripe:
  webhook_endpoints:
    - key: app
      url: https://app.example.com/stripe
      description: App events
      enabled_events: [invoice.paid, charge.refunded]
      metadata: {team: billing}
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
          tax_behavior: inclusive
          default: true
"""

# (case id, text replaced, replacement, expected path in the error, expected words of the reason)
CASES: list[tuple[str, str, str, str, str]] = [
    ("version-missing", "version: 1\n", "", "version", "Field required"),
    ("version-wrong", "version: 1", "version: 2", "version", "Input should be 1"),
    ("version-string", "version: 1", "version: one", "version", "Input should be 1"),
    ("stack-list", "stack: staging", "stack: [staging]", "stack", "valid string"),
    ("unknown-top-level", "version: 1", "version: 1\nvendors: {}", "vendors", "unknown field"),
    ("scope-missing", "scope:\n  stripe:\n    mode: test\n", "", "scope", "Field required"),
    ("scope-mode", "mode: test", "mode: sandbox", "scope.stripe.mode", "'test' or 'live'"),
    (
        "scope-unknown",
        "    mode: test",
        "    mode: test\n    account: acct_1",
        "scope.stripe.account",
        "unknown field",
    ),
    (
        "scope-none",
        "scope:\n  stripe:\n    mode: test\n",
        "scope: {}\n",
        "<document>",
        "scope.stripe is missing",
    ),
    (
        "stripe-list",
        "stripe:\n  webhook_endpoints:",
        "stripe: []\nx:\n  webhook_endpoints:",
        "stripe",
        "valid dictionary",
    ),
    (
        "endpoints-dict",
        "  webhook_endpoints:\n",
        "  webhook_endpoints: {app: 1}\n  old_endpoints:\n",
        "stripe.webhook_endpoints",
        "valid list",
    ),
    (
        "endpoint-key-missing",
        "    - key: app\n",
        "    -\n",
        "stripe.webhook_endpoints[0].key",
        "Field required",
    ),
    ("endpoint-key-upper", "key: app", "key: App", "stripe.webhook_endpoints[0].key", "pattern"),
    ("endpoint-key-space", "key: app", "key: my app", "stripe.webhook_endpoints[0].key", "pattern"),
    ("endpoint-key-long", "key: app", "key: " + "a" * 70, "stripe.webhook_endpoints[0].key", "pattern"),
    (
        "url-missing",
        "      url: https://app.example.com/stripe\n",
        "",
        "stripe.webhook_endpoints[0].url",
        "Field required",
    ),
    (
        "url-relative",
        "url: https://app.example.com/stripe",
        "url: /stripe",
        "stripe.webhook_endpoints[0].url",
        "absolute http(s) URL",
    ),
    (
        "url-ftp",
        "url: https://app.example.com/stripe",
        "url: ftp://app.example.com",
        "stripe.webhook_endpoints[0].url",
        "absolute http(s) URL",
    ),
    (
        "url-number",
        "url: https://app.example.com/stripe",
        "url: 42",
        "stripe.webhook_endpoints[0].url",
        "valid string",
    ),
    (
        "events-missing",
        "      enabled_events: [invoice.paid, charge.refunded]\n",
        "",
        "stripe.webhook_endpoints[0].enabled_events",
        "Field required",
    ),
    (
        "events-empty",
        "[invoice.paid, charge.refunded]",
        "[]",
        "stripe.webhook_endpoints[0].enabled_events",
        "at least 1 item",
    ),
    (
        "events-typo",
        "invoice.paid,",
        "invoice.payed,",
        "stripe.webhook_endpoints[0].enabled_events",
        "unknown Stripe event type",
    ),
    (
        "events-duplicate",
        "[invoice.paid, charge.refunded]",
        "[invoice.paid, invoice.paid]",
        "stripe.webhook_endpoints[0].enabled_events",
        "twice",
    ),
    (
        "events-string",
        "[invoice.paid, charge.refunded]",
        "invoice.paid",
        "stripe.webhook_endpoints[0].enabled_events",
        "valid list",
    ),
    (
        "events-number",
        "[invoice.paid, charge.refunded]",
        "[1]",
        "stripe.webhook_endpoints[0].enabled_events[0]",
        "valid string",
    ),
    (
        "api-version-bad",
        "      description: App events",
        "      description: App events\n      api_version: latest",
        "stripe.webhook_endpoints[0].api_version",
        "pattern",
    ),
    (
        "disabled-string",
        "      description: App events",
        "      description: App events\n      disabled: maybe",
        "stripe.webhook_endpoints[0].disabled",
        "valid boolean",
    ),
    (
        "metadata-value-number",
        "{team: billing}",
        "{team: [1]}",
        "stripe.webhook_endpoints[0].metadata.team",
        "valid string",
    ),
    (
        "metadata-key-brackets",
        "{team: billing}",
        "{'te[am]': billing}",
        "stripe.webhook_endpoints[0].metadata",
        "pattern",
    ),
    (
        "metadata-value-long",
        "{team: billing}",
        "{team: " + "x" * 501 + "}",
        "stripe.webhook_endpoints[0].metadata.team",
        "at most 500",
    ),
    (
        "endpoint-unknown-field",
        "      description: App events",
        "      description: App events\n      secret: whsec_inline",
        "stripe.webhook_endpoints[0].secret",
        "unknown field",
    ),
    (
        "endpoint-duplicate-url",
        "  products:",
        "    - key: app2\n      url: https://app.example.com/stripe\n      enabled_events: ['*']\n  products:",
        "stripe.webhook_endpoints",
        "same url",
    ),
    (
        "endpoint-duplicate-key",
        "  products:",
        "    - key: app\n      url: https://b.example.com/\n      enabled_events: ['*']\n  products:",
        "stripe.webhook_endpoints",
        "same key",
    ),
    ("product-id-missing", "      id: no-lock-in\n", "", "stripe.products[0].id", "Field required"),
    ("product-id-space", "id: no-lock-in", "id: no lock in", "stripe.products[0].id", "pattern"),
    ("product-name-empty", "name: No lock-in", "name: ''", "stripe.products[0].name", "at least 1 character"),
    (
        "product-unknown",
        "      name: No lock-in",
        "      name: No lock-in\n      colour: red",
        "stripe.products[0].colour",
        "unknown field",
    ),
    (
        "product-url-bad",
        "      name: No lock-in",
        "      name: No lock-in\n      url: not-a-url",
        "stripe.products[0].url",
        "absolute http(s) URL",
    ),
    (
        "descriptor-long",
        "      name: No lock-in",
        "      name: No lock-in\n      statement_descriptor: " + "D" * 23,
        "stripe.products[0].statement_descriptor",
        "at most 22",
    ),
    ("currency-upper", "currency: aud", "currency: AUD", "stripe.products[0].prices[0].currency", "pattern"),
    (
        "currency-unknown",
        "currency: aud",
        "currency: abc",
        "stripe.products[0].prices[0].currency",
        "not a currency Stripe supports",
    ),
    (
        "currency-missing",
        "          currency: aud\n",
        "",
        "stripe.products[0].prices[0].currency",
        "Field required",
    ),
    (
        "amount-negative",
        "unit_amount: 3495",
        "unit_amount: -1",
        "stripe.products[0].prices[0].unit_amount",
        "greater than or equal to 0",
    ),
    (
        "amount-decimal",
        "unit_amount: 3495",
        "unit_amount: 34.95",
        "stripe.products[0].prices[0].unit_amount",
        "valid integer",
    ),
    (
        "amount-string",
        "unit_amount: 3495",
        "unit_amount: cheap",
        "stripe.products[0].prices[0].unit_amount",
        "valid integer",
    ),
    (
        "interval-bad",
        "interval: week",
        "interval: fortnight",
        "stripe.products[0].prices[0].recurring.interval",
        "'day', 'week', 'month' or 'year'",
    ),
    (
        "interval-count-big",
        "interval_count: 2",
        "interval_count: 157",
        "stripe.products[0].prices[0].recurring",
        "at most 156",
    ),
    (
        "interval-count-zero",
        "interval_count: 2",
        "interval_count: 0",
        "stripe.products[0].prices[0].recurring.interval_count",
        "greater than or equal to 1",
    ),
    (
        "tax-behavior-bad",
        "tax_behavior: inclusive",
        "tax_behavior: included",
        "stripe.products[0].prices[0].tax_behavior",
        "'inclusive', 'exclusive' or 'unspecified'",
    ),
    (
        "lookup-key-missing",
        "          lookup_key: no-lock-in\n",
        "",
        "stripe.products[0].prices[0].lookup_key",
        "Field required",
    ),
    (
        "lookup-key-empty",
        "lookup_key: no-lock-in",
        "lookup_key: ''",
        "stripe.products[0].prices[0].lookup_key",
        "at least 1 character",
    ),
    (
        "default-archived",
        "          default: true",
        "          default: true\n          active: false",
        "stripe.products[0].prices",
        "can't be archived",
    ),
    (
        "two-defaults",
        "          default: true\n",
        "          default: true\n        - key: other\n          lookup_key: other\n          currency: aud\n          unit_amount: 1\n          default: true\n",
        "stripe.products[0].prices",
        "at most one default price",
    ),
    (
        "price-unknown-field",
        "          default: true",
        "          default: true\n          id: price_123",
        "stripe.products[0].prices[0].id",
        "unknown field",
    ),
    ("duplicate-yaml-key", "stack: staging", "stack: staging\nstack: prod", "<document>", "duplicate key"),
    ("yaml-syntax", "    - key: plan", "    - key: [plan", "<document>", "YAML syntax error"),
    ("yaml-tab", "      name: No lock-in", "\tname: No lock-in", "<document>", "YAML syntax error"),
    ("not-a-mapping", BASE, "- just\n- a list\n", "<document>", "must be a YAML mapping"),
    (
        "live-http",
        "    mode: test\nstripe:\n  webhook_endpoints:\n    - key: app\n      url: https://app",
        "    mode: live\nstripe:\n  webhook_endpoints:\n    - key: app\n      url: http://app",
        "<document>",
        "live-mode URLs must use https",
    ),
]


VERCEL_BASE = (
    BASE.replace(
        "    mode: test\n",
        "    mode: test\n  vercel:\n    team: team_derrimut\n    projects: [prj_DerrimutPlatformSandbox00001]\n",
        1,
    )
    + """\
vercel:
  projects:
    - key: platform
      id: prj_DerrimutPlatformSandbox00001
      env:
        - key: app-url
          name: NEXT_PUBLIC_APP_URL
          targets: [production]
          value: https://app.example.com
        - key: stripe-secret
          name: STRIPE_WEBHOOK_SECRET
          targets: [production]
          sensitive: true
          value_from: {output: stripe.webhook_endpoints.app.secret}
"""
)
VERCEL_CASES: list[tuple[str, str, str, str, str]] = [
    (
        "vercel-inline-secret",
        "value_from: {output: stripe.webhook_endpoints.app.secret}",
        "value: whsec_pasted_by_hand",
        "vercel.projects[0].env[1]",
        "holds a secret, which must not be inline",
    ),
    (
        "vercel-dangling-output",
        "stripe.webhook_endpoints.app.secret}",
        "stripe.webhook_endpoints.checkout.secret}",
        "vercel.projects[0].env[1]",
        "names an object this document does not declare",
    ),
    (
        "vercel-undeclared-squad",
        "          value: https://app.example.com",
        "          value_from: {output: vapi.squads.voice-agent.id}",
        "vercel.projects[0].env[0]",
        "value_from.output vapi.squads.voice-agent.id names an object this document does not declare "
        "(vapi.squads has no key 'voice-agent')",
    ),
    (
        "vercel-sensitive-development",
        "STRIPE_WEBHOOK_SECRET\n          targets: [production]",
        "STRIPE_WEBHOOK_SECRET\n          targets: [development]",
        "vercel.projects[0].env[1]",
        "Vercel does not allow sensitive variables in the development target",
    ),
    (
        "vercel-project-outside-scope",
        "      id: prj_DerrimutPlatformSandbox00001",
        "      id: prj_SomeoneElsesProject",
        "<document>",
        "is outside scope.vercel.projects",
    ),
    (
        "vercel-target-typo",
        "          targets: [production]\n          value:",
        "          targets: [prod]\n          value:",
        "vercel.projects[0].env[0].targets[0]",
        "Input should be 'production', 'preview' or 'development'",
    ),
]


ALL_CASES = [*CASES, *VERCEL_CASES]
ENGINE_CASES = (
    "version-wrong",
    "scope-mode",
    "events-typo",
    "endpoint-duplicate-url",
    "currency-unknown",
    "two-defaults",
    "live-http",
    "vercel-inline-secret",
    "vercel-project-outside-scope",
)
"""One case of each part of the document goes through the real engine; every case goes through `backstop`.
The program refuses a document with the very validation `backstop` runs (`load_document`, then
`check_ownership`), so the engine path is the same for every case: the sample proves it stops before any
call, and the whole corpus proves the validation."""


@pytest.fixture(scope="module")
def bad_documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    for case, old, new, _, _ in CASES:
        assert old in BASE, case
        (folder / f"{case}.yaml").write_text(BASE.replace(old, new, 1))
    for case, old, new, _, _ in VERCEL_CASES:
        assert old in VERCEL_BASE, case
        (folder / f"{case}.yaml").write_text(VERCEL_BASE.replace(old, new, 1))
    return folder


def test_the_corpus_is_large_enough() -> None:
    every = [c[0] for c in ALL_CASES]
    assert len(every) >= 50 and len(set(every)) == len(every)
    assert set(ENGINE_CASES) <= set(every)


@pytest.mark.parametrize(
    ("case", "path", "reason"), [(c[0], c[3], c[4]) for c in ALL_CASES], ids=[c[0] for c in ALL_CASES]
)
def test_backstop_refuses_a_bad_document(
    sandbox: SandboxProcess,
    bad_documents: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    path: str,
    reason: str,
) -> None:
    """`backstop drift` (the CLI in this process) exits 2 naming file, path and reason, and calls nothing."""
    document = bad_documents / f"{case}.yaml"
    monkeypatch.setenv("BACKSTOP_DESIRED_STATE", str(document))
    for vendor, suffix in (
        ("STRIPE", "stripe"),
        ("VERCEL", "vercel"),
        ("CLERK", "clerk/v1"),
        ("VAPI", "vapi"),
    ):
        monkeypatch.setenv(f"BACKSTOP_{vendor}_BASE_URL", f"{sandbox.url}/{suffix}")
    failed = CliRunner().invoke(app, ["drift", "--stack", "staging"], env={"COLUMNS": "200"})
    assert failed.exit_code == 2, failed.output
    message = " ".join(failed.stderr.split())
    assert str(document) in message and path in message and reason in message, failed.stderr
    assert sandbox.requests()["total"] == 0


@pytest.mark.e2e
@pytest.mark.parametrize("case", ENGINE_CASES)
def test_the_engine_refuses_a_bad_document_before_any_call(
    engine: Engine, sandbox: SandboxProcess, bad_documents: Path, case: str
) -> None:
    path, reason = next((c[3], c[4]) for c in ALL_CASES if c[0] == case)
    document = bad_documents / f"{case}.yaml"
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    failed = engine.backstop("drift", "--stack", "staging", ok=(2,))
    message = " ".join(failed.stderr.split())
    assert str(document) in message and path in message and reason in message, failed.stderr
    engine.init_stack("staging")
    preview = engine.pulumi("preview", "--stack", "staging", ok=(1,))
    assert "invalid desired state" in preview.output and str(document) in preview.output
    assert sandbox.requests()["total"] == 0
