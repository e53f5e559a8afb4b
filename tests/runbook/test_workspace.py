"""The engine's environment: a team's HTTP(S) proxy never carries the engine's own gRPC on 127.0.0.1."""

from __future__ import annotations

from backstop.runbook.workspace import engine_env, no_proxy


def test_this_machine_is_added_to_the_teams_no_proxy_hosts_once() -> None:
    assert no_proxy({}) == "127.0.0.1,localhost"
    assert no_proxy({"NO_PROXY": ".corp.example, localhost"}) == ".corp.example,localhost,127.0.0.1"
    assert no_proxy({"no_proxy": "10.0.0.1"}) == "10.0.0.1,127.0.0.1,localhost"


def test_every_engine_run_gets_it_in_both_spellings() -> None:
    env = engine_env()
    assert env["NO_PROXY"] == env["no_proxy"] and "127.0.0.1" in env["NO_PROXY"].split(",")
