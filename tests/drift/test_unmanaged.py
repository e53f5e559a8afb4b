"""Live objects in scope that the document doesn't declare, by natural key, minus `.backstopignore`."""

from __future__ import annotations

from pathlib import Path

from backstop.runbook.drift.unmanaged import load_ignore, unmanaged

LIVE = {
    "stripe": {
        "webhook_endpoints": [
            {"url": "https://a.example.com/hook"},
            {"url": "https://legacy.example.com/hook"},
        ],
        "products": [{"id": "no-lock-in"}, {"id": "old-plan"}],
    },
    "clerk": {"redirect_urls": [{"url": "https://app.example.com/callback"}, {"url": "myapp://callback"}]},
    "vapi": {
        "tools": [{"function": {"name": "get_membership_status"}}],
        "assistants": [{"name": "Receptionist"}, {"name": "Experiment"}],
    },
    "vercel": {
        "projects": [
            {
                "id": "prj_1",
                "env": [
                    {"name": "NEXT_PUBLIC_URL", "targets": ["production"]},
                    {"name": "LEGACY_FLAG", "targets": ["preview"]},
                ],
            }
        ]
    },
}
SCOPE = {
    "stripe": {"mode": "test"},
    "clerk": {"instance": "ins_1"},
    "vapi": {"org_id": "org_1"},
    "vercel": {"team": "team_1", "projects": ["prj_1"]},
}
DECLARED = {
    "scope": SCOPE,
    "stripe": {
        "webhook_endpoints": [{"url": "https://a.example.com/hook"}],
        "products": [{"id": "no-lock-in"}],
    },
    "clerk": {"redirect_urls": [{"url": "https://app.example.com/callback"}]},
    "vapi": {
        "tools": [{"function": {"name": "get_membership_status"}}],
        "assistants": [{"name": "Receptionist"}],
    },
    "vercel": {
        "projects": [{"id": "prj_1", "env": [{"name": "NEXT_PUBLIC_URL", "targets": ["production"]}]}]
    },
}


def test_every_undeclared_live_object_is_listed_by_natural_key() -> None:
    assert unmanaged(LIVE, DECLARED, []) == [
        "stripe.webhook_endpoints:https://legacy.example.com/hook",
        "stripe.products:old-plan",
        "clerk.redirect_urls:myapp://callback",
        "vapi.assistants:Experiment",
        "vercel.env:prj_1/LEGACY_FLAG (preview)",
    ]


def test_the_ignore_file_leaves_known_extras_out(tmp_path: Path) -> None:
    ignore = tmp_path / ".backstopignore"
    ignore.write_text(
        "# known extras\nstripe.products:old-*\nvercel.env:*/LEGACY_*   # until the flag is removed\n"
    )
    assert load_ignore(ignore) == ["stripe.products:old-*", "vercel.env:*/LEGACY_*"]
    assert unmanaged(LIVE, DECLARED, load_ignore(ignore)) == [
        "stripe.webhook_endpoints:https://legacy.example.com/hook",
        "clerk.redirect_urls:myapp://callback",
        "vapi.assistants:Experiment",
    ]
    assert load_ignore(tmp_path / "missing") == []


def test_a_vendor_outside_the_stacks_scope_is_never_unmanaged() -> None:
    narrow = {**DECLARED, "scope": {"stripe": {"mode": "test"}}}
    assert unmanaged(LIVE, narrow, []) == [
        "stripe.webhook_endpoints:https://legacy.example.com/hook",
        "stripe.products:old-plan",
    ]


def test_domains_count_only_when_declared_and_the_primary_never() -> None:
    live = {
        "clerk": {
            "domains": [
                {"name": "derrimut247.com.au", "primary": True},
                {"name": "derrimutkids.com.au"},
                {"name": "rogue.example.com"},
            ]
        }
    }
    scope = {"scope": {"clerk": {"instance": "ins_1"}}}
    assert unmanaged(live, {**scope, "clerk": {}}, []) == [], "domains left out: not managed"
    declared = {**scope, "clerk": {"domains": [{"name": "derrimutkids.com.au"}]}}
    assert unmanaged(live, declared, []) == ["clerk.domains:rogue.example.com"]
    assert unmanaged(live, {**scope, "clerk": {"domains": []}}, []) == [
        "clerk.domains:derrimutkids.com.au",
        "clerk.domains:rogue.example.com",
    ]
