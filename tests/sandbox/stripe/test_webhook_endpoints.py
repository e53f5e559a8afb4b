"""The sandbox's Stripe webhook endpoints, driven by the official stripe SDK and by raw HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import stripe

from sandbox.core.store import Store
from tests.support import STRIPE_PROD_KEY, STRIPE_STAGING_KEY, SandboxProcess


def client(sandbox: SandboxProcess, key: str = STRIPE_STAGING_KEY) -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": f"{sandbox.url}/stripe"}, max_network_retries=0)


def raw(sandbox: SandboxProcess, method: str, path: str, body: str = "", **headers: str) -> httpx.Response:
    return sandbox.http.request(
        method,
        f"/stripe{path}",
        content=body,
        headers={
            "Authorization": f"Bearer {STRIPE_STAGING_KEY}",
            "Content-Type": "application/x-www-form-urlencoded",
            **headers,
        },
    )


def test_secret_is_returned_by_create_only(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    created = sdk.v1.webhook_endpoints.create(
        params={"url": "https://a.example.com/", "enabled_events": ["*"]}
    )
    assert (created.secret or "").startswith("whsec_")
    assert "secret" not in sdk.v1.webhook_endpoints.retrieve(created.id).to_dict()
    assert "secret" not in sdk.v1.webhook_endpoints.update(created.id, params={"description": "x"}).to_dict()
    assert all("secret" not in e.to_dict() for e in sdk.v1.webhook_endpoints.list().data)


def test_indexed_form_arrays_and_nested_metadata(sandbox: SandboxProcess) -> None:
    body = (
        "url=https://b.example.com/&enabled_events[0]=invoice.paid&enabled_events[1]=charge.refunded"
        "&metadata[team]=billing&description=Billing"
    )
    response = raw(sandbox, "POST", "/v1/webhook_endpoints", body)
    assert response.status_code == 200, response.text
    got = response.json()
    assert got["enabled_events"] == ["invoice.paid", "charge.refunded"]
    assert got["metadata"] == {"team": "billing"} and got["object"] == "webhook_endpoint"
    assert got["id"].startswith("we_") and got["status"] == "enabled" and got["livemode"] is False


def test_metadata_merges_and_empty_strings_unset(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    created = sdk.v1.webhook_endpoints.create(
        params={
            "url": "https://c.example.com/",
            "enabled_events": ["*"],
            "metadata": {"a": "1", "b": "2"},
            "description": "d",
        }
    )
    updated = sdk.v1.webhook_endpoints.update(
        created.id, params={"metadata": {"a": "", "c": "3"}, "description": ""}
    )
    assert updated.metadata.to_dict() == {"b": "2", "c": "3"} and updated.description is None
    cleared = raw(sandbox, "POST", f"/v1/webhook_endpoints/{created.id}", "metadata=").json()
    assert cleared["metadata"] == {}


def test_disabled_maps_to_status(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    created = sdk.v1.webhook_endpoints.create(
        params={"url": "https://d.example.com/", "enabled_events": ["*"]}
    )
    assert sdk.v1.webhook_endpoints.update(created.id, params={"disabled": True}).status == "disabled"


@pytest.mark.parametrize(
    ("params", "param", "code"),
    [
        (
            {"url": "https://e.example.com/", "enabled_events": ["*"], "colour": "red"},
            "colour",
            "parameter_unknown",
        ),
        ({"enabled_events": ["*"]}, "url", "parameter_missing"),
        ({"url": "https://e.example.com/"}, "enabled_events", "parameter_missing"),
        (
            {"url": "https://e.example.com/", "enabled_events": ["not.an.event"]},
            "enabled_events[0]",
            "parameter_invalid_string",
        ),
        ({"url": "nope", "enabled_events": ["*"]}, "url", "parameter_invalid_string"),
        (
            {"url": "https://e.example.com/", "enabled_events": ["*"], "api_version": "1999-01-01"},
            "api_version",
            "parameter_invalid_string",
        ),
    ],
)
def test_invalid_requests_get_stripes_error(
    sandbox: SandboxProcess, params: dict[str, object], param: str, code: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client(sandbox).v1.webhook_endpoints.create(params=params)  # type: ignore[arg-type]
    assert caught.value.http_status == 400
    assert caught.value.error is not None
    assert (caught.value.error.param, caught.value.error.code, caught.value.error.type) == (
        param,
        code,
        "invalid_request_error",
    )
    assert sandbox.stripe_objects("acct_derrimut_staging", "webhook_endpoints") == {}


def test_unknown_id_is_resource_missing(sandbox: SandboxProcess) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client(sandbox).v1.webhook_endpoints.retrieve("we_missing")
    assert caught.value.http_status == 404
    assert caught.value.error is not None and caught.value.error.code == "resource_missing"


def test_authentication(sandbox: SandboxProcess) -> None:
    with pytest.raises(stripe.AuthenticationError):
        client(sandbox, "sk_test_wrong").v1.webhook_endpoints.list()
    assert sandbox.http.get("/stripe/v1/webhook_endpoints").status_code == 401
    basic = sandbox.http.get("/stripe/v1/webhook_endpoints", auth=(STRIPE_STAGING_KEY, ""))
    assert basic.status_code == 200 and basic.json()["object"] == "list"


def test_accounts_are_separate(sandbox: SandboxProcess) -> None:
    client(sandbox).v1.webhook_endpoints.create(
        params={"url": "https://f.example.com/", "enabled_events": ["*"]}
    )
    prod = client(sandbox, STRIPE_PROD_KEY)
    assert prod.v1.webhook_endpoints.list().data == []
    created = prod.v1.webhook_endpoints.create(
        params={"url": "https://f.example.com/", "enabled_events": ["*"]}
    )
    assert created.livemode is True


def test_live_mode_refuses_plain_http(sandbox: SandboxProcess) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        client(sandbox, STRIPE_PROD_KEY).v1.webhook_endpoints.create(
            params={"url": "http://g.example.com/", "enabled_events": ["*"]}
        )


def test_list_is_newest_first_with_cursors(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    ids = [
        sdk.v1.webhook_endpoints.create(
            params={"url": f"https://h{i}.example.com/", "enabled_events": ["*"]}
        ).id
        for i in range(5)
    ]
    page = sdk.v1.webhook_endpoints.list(params={"limit": 2})
    assert (
        [e.id for e in page.data] == ids[::-1][:2] and page.has_more and page.url == "/v1/webhook_endpoints"
    )
    rest = sdk.v1.webhook_endpoints.list(params={"limit": 10, "starting_after": page.data[-1].id})
    assert [e.id for e in rest.data] == ids[::-1][2:] and not rest.has_more
    before = sdk.v1.webhook_endpoints.list(params={"limit": 1, "ending_before": ids[0]})
    assert [e.id for e in before.data] == [ids[1]]
    assert [e.id for e in sdk.v1.webhook_endpoints.list(params={"limit": 2}).auto_paging_iter()] == ids[::-1]
    assert raw(sandbox, "GET", "/v1/webhook_endpoints?limit=101").status_code == 400


def test_delete_returns_the_deleted_stub(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    created = sdk.v1.webhook_endpoints.create(
        params={"url": "https://i.example.com/", "enabled_events": ["*"]}
    )
    deleted = sdk.v1.webhook_endpoints.delete(created.id)
    assert deleted.to_dict() == {"id": created.id, "object": "webhook_endpoint", "deleted": True}
    assert raw(sandbox, "DELETE", f"/v1/webhook_endpoints/{created.id}").status_code == 404


def test_idempotency_key_replays_and_refuses_other_parameters(sandbox: SandboxProcess) -> None:
    body = "url=https://j.example.com/&enabled_events[0]=*"
    first = raw(sandbox, "POST", "/v1/webhook_endpoints", body, **{"Idempotency-Key": "k-1"})
    again = raw(sandbox, "POST", "/v1/webhook_endpoints", body, **{"Idempotency-Key": "k-1"})
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(sandbox.stripe_objects("acct_derrimut_staging", "webhook_endpoints")) == 1
    other = raw(
        sandbox, "POST", "/v1/webhook_endpoints", body + "&description=x", **{"Idempotency-Key": "k-1"}
    )
    assert other.status_code == 400 and other.json()["error"]["type"] == "idempotency_error"


def test_request_log_counts_per_route(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    created = sdk.v1.webhook_endpoints.create(
        params={"url": "https://k.example.com/", "enabled_events": ["*"]}
    )
    sdk.v1.webhook_endpoints.retrieve(created.id)
    summary = sandbox.requests()
    assert summary["by_route"] == {
        "stripe GET /v1/webhook_endpoints/{webhook_endpoint}": 1,
        "stripe POST /v1/webhook_endpoints": 1,
    }
    assert summary["mutating"] == 1 and summary["by_vendor"] == {"stripe": 2}


def test_dump_and_load_round_trip(sandbox: SandboxProcess) -> None:
    created = client(sandbox).v1.webhook_endpoints.create(
        params={"url": "https://l.example.com/", "enabled_events": ["*"]}
    )
    state = sandbox.dump()
    state["stripe"]["acct_derrimut_staging"]["webhook_endpoints"][created.id]["description"] = (
        "edited by load"
    )
    sandbox.load(state)
    assert client(sandbox).v1.webhook_endpoints.retrieve(created.id).description == "edited by load"
    assert (
        state["stripe"]["acct_derrimut_staging"]["webhook_endpoints"][created.id]["secret"] == created.secret
    )


def test_state_file_is_replaced_atomically(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    store = Store(path)
    store.collection("stripe", "acct", "webhook_endpoints")["we_1"] = {"id": "we_1"}
    store.persist()
    assert json.loads(path.read_text()) == {
        "stripe": {"acct": {"webhook_endpoints": {"we_1": {"id": "we_1"}}}}
    }
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"], "no temporary file is left behind"
    assert Store(path).collection("stripe", "acct", "webhook_endpoints") == {"we_1": {"id": "we_1"}}
