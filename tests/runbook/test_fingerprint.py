"""The fingerprint of what an update applied: the program's view of the config and `pulumi config`'s give
the same digest, and any change of document, config value (secrets included) or code gives another."""

from __future__ import annotations

from pathlib import Path

from pulumi.automation import ConfigValue

from backstop.runbook.fingerprint import PARTIAL_ENV, code_digest, exported, fingerprint, normalized
from tests.support import ROOT

PROGRAM_VIEW = {
    "backstop:config:stripeApiKey": "sk_test_canary",
    "vercel:team": "team_x",
    "n:config:obj": {"a": 1},
}
CLI_VIEW = {
    "backstop:stripeApiKey": ConfigValue("sk_test_canary", secret=True),
    "vercel:team": ConfigValue("team_x"),
    "n:obj": ConfigValue('{"a": 1}'),
}


def test_the_programs_config_and_the_clis_give_the_same_digest() -> None:
    assert normalized(PROGRAM_VIEW) == normalized(CLI_VIEW)
    code = code_digest(ROOT)
    assert fingerprint(b"doc", PROGRAM_VIEW, code) == fingerprint(b"doc", CLI_VIEW, code)


def test_any_change_gives_another_digest(tmp_path: Path) -> None:
    code = code_digest(ROOT)
    base = fingerprint(b"doc", CLI_VIEW, code)
    assert fingerprint(b"doc2", CLI_VIEW, code) != base
    assert (
        fingerprint(b"doc", {**CLI_VIEW, "backstop:stripeApiKey": ConfigValue("sk_test_other")}, code) != base
    )
    assert fingerprint(b"doc", {**CLI_VIEW, "platform-config:new": ConfigValue("x")}, code) != base
    assert "sk_test_canary" not in base

    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "a.py").write_text("x = 1\n")
    (tmp_path / "__main__.py").write_text("print()\n")
    before = code_digest(tmp_path)
    (tmp_path / "components" / "a.py").write_text("x = 2\n")
    assert code_digest(tmp_path) != before


def test_a_targeted_runs_fingerprint_never_passes_for_a_whole_update() -> None:
    code = code_digest(ROOT)
    whole = exported(b"doc", CLI_VIEW, code, {})
    assert whole == fingerprint(b"doc", CLI_VIEW, code)
    partial = exported(b"doc", CLI_VIEW, code, {PARTIAL_ENV: "1"})
    assert partial != whole and partial.endswith(whole)
