"""The clerk section of a desired-state document: every problem names file, line, YAML path and reason."""

from __future__ import annotations

import pytest

from backstop.plugin.model import DesiredStateError, parse_document

VALID = """\
version: 1
stack: staging
scope:
  clerk:
    instance: ins_derrimut_staging
    environment: development
clerk:
  redirect_urls:
    - key: sso
      url: https://app.example.com/sso-callback
    - key: native
      url: my-app://oauth-callback
  jwt_templates:
    - key: convex
      name: convex
      claims: {aud: convex}
      signing_algorithm: HS256
      signing_key: {value_from: {secret: convexSigningKey}}
  allowlist_identifiers:
    - key: qa
      identifier: qa@example.com
  organization_settings:
    domains_enabled: true
    domains_default_role: org:member
  instance_settings:
    development_origin: https://app.example.com
  instance_restrictions:
    allowlist: true
  webhook_endpoints:
    - key: users
      url: https://quiet-otter-512.convex.site/clerk-users-webhook
      event_types: [user.created]
"""
CANARY = "canary-signing-key-5f2c9a"


def problems(text: str) -> list[str]:
    with pytest.raises(DesiredStateError) as caught:
        parse_document(text, "snapshots/staging.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_valid_section_parses_and_names_its_secrets() -> None:
    desired = parse_document(VALID, "x.yaml")
    assert desired.clerk is not None and desired.scope.clerk is not None
    assert desired.clerk.secret_refs() == [
        ("clerk.jwt_templates[0].signing_key", "convex", "convexSigningKey")
    ]
    spec = desired.clerk.jwt_templates[0].spec(desired.scope.clerk.instance)
    assert spec.signing_key is None, "the program adds the key from the stack config"
    assert desired.clerk.webhook_endpoints[0].spec("ins_x").uid == "users", "the Svix uid is the key"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("url: https://app.example.com/sso-callback", "url: app.example.com/sso-callback"),
            "snapshots/staging.yaml:10: clerk.redirect_urls[0].url: must be a URL with a scheme",
        ),
        (
            ("url: my-app://oauth-callback", "url: https://"),
            "snapshots/staging.yaml:12: clerk.redirect_urls[1].url: must be a URL with a scheme",
        ),
        (
            ("      name: convex\n", "      name: convex\n      colour: red\n"),
            "snapshots/staging.yaml:16: clerk.jwt_templates[0].colour: unknown field",
        ),
        (
            ("    allowlist: true", "    allowlist: true\n    blacklist: true"),
            "snapshots/staging.yaml:29: clerk.instance_restrictions.blacklist: unknown field",
        ),
        (
            ("claims: {aud: convex}", "claims: {aud: convex, sub: x}"),
            "snapshots/staging.yaml:16: clerk.jwt_templates[0].claims: Clerk sets these claims itself: sub",
        ),
        (
            ("identifier: qa@example.com", "identifier: QA@example.com"),
            "snapshots/staging.yaml:21: clerk.allowlist_identifiers[0].identifier: write it in lower case (qa@example.com)",
        ),
        (
            ("[user.created]", "[user.craeted]"),
            "snapshots/staging.yaml:32: clerk.webhook_endpoints[0].event_types: unknown Clerk event type(s): user.craeted",
        ),
        (
            ("    domains_default_role: org:member\n", ""),
            "snapshots/staging.yaml:22: clerk.organization_settings: domains_enabled: true needs domains_default_role",
        ),
        (
            ("environment: development", "environment: production"),
            "snapshots/staging.yaml: <document>: clerk.instance_settings.development_origin: development instances only",
        ),
        (
            ("instance: ins_derrimut_staging", "instance: derrimut"),
            "snapshots/staging.yaml:5: scope.clerk.instance: String should match pattern",
        ),
    ],
)
def test_each_problem_names_file_line_path_and_reason(edit: tuple[str, str], expected: str) -> None:
    text = VALID.replace(*edit)
    assert text != VALID
    found = problems(text)
    assert any(p.startswith(expected) for p in found), found


def test_an_inline_signing_key_is_refused_without_echoing_it() -> None:
    found = problems(VALID.replace("{value_from: {secret: convexSigningKey}}", CANARY))
    assert found == [
        "snapshots/staging.yaml:18: clerk.jwt_templates[0].signing_key: a signing key is a secret and is "
        "never written in the document: store it in the stack config (`pulumi config set --secret <name> …`, "
        "kept encrypted in Pulumi.<stack>.yaml) and write `signing_key: {value_from: {secret: <name>}}`"
    ]
    assert CANARY not in "\n".join(found)


def test_a_signing_key_needs_its_algorithm() -> None:
    found = problems(VALID.replace("      signing_algorithm: HS256\n", ""))
    assert any("needs both signing_key and signing_algorithm" in p for p in found), found


@pytest.mark.parametrize(
    ("duplicate", "reason"),
    [
        ("    - key: sso\n      url: https://app.example.com/other\n", "the same key 'sso'"),
        (
            "    - key: again\n      url: https://app.example.com/sso-callback\n",
            "the same url 'https://app.example.com/sso-callback'",
        ),
    ],
)
def test_duplicate_redirect_urls_are_refused(duplicate: str, reason: str) -> None:
    text = VALID.replace("  jwt_templates:\n", duplicate + "  jwt_templates:\n")
    found = problems(text)
    assert any(p.startswith("snapshots/staging.yaml:8: clerk.redirect_urls: ") and reason in p for p in found)


def test_duplicate_keys_and_natural_keys_are_refused_in_every_list() -> None:
    doubled = VALID.replace(
        "  allowlist_identifiers:\n",
        "    - key: convex\n      name: other\n      claims: {}\n  allowlist_identifiers:\n",
    ).replace(
        "      event_types: [user.created]\n",
        "      event_types: [user.created]\n    - key: other\n"
        "      url: https://quiet-otter-512.convex.site/clerk-users-webhook\n      event_types: [user.deleted]\n",
    )
    found = problems(doubled)
    assert any("clerk.jwt_templates: two entries have the same key 'convex'" in p for p in found), found
    assert any("clerk.webhook_endpoints: two entries have the same url" in p for p in found), found


def test_clerk_objects_need_the_scope() -> None:
    text = VALID.replace(
        "  clerk:\n    instance: ins_derrimut_staging\n    environment: development\n",
        "  stripe:\n    mode: test\n",
    )
    found = problems(text)
    assert found == [
        "snapshots/staging.yaml: <document>: declares a clerk section but scope.clerk is missing: name the "
        "stack's Clerk instance (scope.clerk.instance: ins_…, scope.clerk.environment: development|production)"
    ]


PRODUCTION = """\
version: 1
stack: prod
scope:
  clerk:
    instance: ins_derrimut_prod
    environment: production
clerk:
  domains:
    - key: primary
      name: derrimut247.com.au
      primary: true
    - key: kids
      name: derrimutkids.com.au
      proxy_url: https://derrimutkids.com.au/__clerk
"""


def test_domains_parse_with_the_primary_and_a_proxied_satellite() -> None:
    desired = parse_document(PRODUCTION, "snapshots/prod.yaml")
    assert desired.clerk is not None and desired.clerk.domains is not None
    primary, kids = desired.clerk.domains
    assert (primary.primary, kids.primary) == (True, False)
    assert kids.spec("ins_derrimut_prod").proxy_url == "https://derrimutkids.com.au/__clerk"
    assert parse_document(VALID, "x.yaml").clerk.domains is None, "left out: domains are not managed"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("name: derrimutkids.com.au", "name: https://derrimutkids.com.au"),
            "snapshots/prod.yaml:13: clerk.domains[1].name: must be a hostname without scheme or path",
        ),
        (
            ("name: derrimutkids.com.au", "name: localhost:3001"),
            "snapshots/prod.yaml:12: clerk.domains[1]: proxy_url must be an https URL on localhost:3001",
        ),
        (
            ("proxy_url: https://derrimutkids.com.au/__clerk", "proxy_url: https://evil.example.com/__clerk"),
            "snapshots/prod.yaml:12: clerk.domains[1]: proxy_url must be an https URL on derrimutkids.com.au",
        ),
        (
            ("      proxy_url: https://derrimutkids.com.au/__clerk\n", "      primary: true\n"),
            "snapshots/prod.yaml:8: clerk.domains: more than one domain is primary",
        ),
        (
            (
                "name: derrimutkids.com.au\n      proxy_url: https://derrimutkids.com.au/__clerk",
                "name: derrimut247.com.au",
            ),
            "snapshots/prod.yaml:8: clerk.domains: two entries have the same name 'derrimut247.com.au'",
        ),
        (
            ("environment: production", "environment: development"),
            "snapshots/prod.yaml:12: clerk.domains[1]: proxy_url: Clerk allows a proxy only in production",
        ),
    ],
)
def test_each_domain_problem_names_file_line_path_and_reason(edit: tuple[str, str], expected: str) -> None:
    text = PRODUCTION.replace(*edit)
    assert text != PRODUCTION
    with pytest.raises(DesiredStateError) as caught:
        parse_document(text, "snapshots/prod.yaml")
    found = [str(p) for p in caught.value.problems]
    assert any(p.startswith(expected) for p in found), found


def test_a_production_domain_with_a_port_is_refused() -> None:
    text = PRODUCTION.replace("      proxy_url: https://derrimutkids.com.au/__clerk\n", "").replace(
        "name: derrimutkids.com.au", "name: localhost:3001"
    )
    with pytest.raises(DesiredStateError) as caught:
        parse_document(text, "snapshots/prod.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "snapshots/prod.yaml:12: clerk.domains[1]: name: a production instance's domain can't carry a port "
        "(localhost:3001)"
    ]
