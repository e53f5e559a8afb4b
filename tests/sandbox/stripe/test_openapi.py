"""Every Stripe response the sandbox sends, checked against Stripe's own OpenAPI document."""

from __future__ import annotations

from typing import Any

import httpx

from tests.openapi import document
from tests.support import STRIPE_PROD_KEY, STRIPE_STAGING_KEY, SandboxProcess


class Recorder:
    def __init__(self, sandbox: SandboxProcess, key: str = STRIPE_STAGING_KEY) -> None:
        self.http = httpx.Client(base_url=f"{sandbox.url}/stripe", auth=(key, ""))
        self.seen: list[tuple[str, str, int, Any]] = []

    def __call__(self, method: str, path: str, body: str = "") -> Any:
        response = self.http.request(
            method, path, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        self.seen.append((method, path, response.status_code, response.json()))
        return response.json()


def test_every_response_matches_the_document(sandbox: SandboxProcess) -> None:
    call = Recorder(sandbox)
    we = call(
        "POST",
        "/v1/webhook_endpoints",
        "url=https://a.example.com/&enabled_events[0]=invoice.paid&metadata[k]=v",
    )
    call("GET", f"/v1/webhook_endpoints/{we['id']}")
    call("POST", f"/v1/webhook_endpoints/{we['id']}", "disabled=true&description=x")
    call("GET", "/v1/webhook_endpoints?limit=1")
    call("DELETE", f"/v1/webhook_endpoints/{we['id']}")
    call("GET", f"/v1/webhook_endpoints/{we['id']}")
    call("POST", "/v1/webhook_endpoints", "url=https://a.example.com/")
    call("POST", "/v1/webhook_endpoints", "url=https://a.example.com/&enabled_events[0]=nope")

    call(
        "POST",
        "/v1/products",
        "id=eighteen-month-minimum&name=18-month minimum&description=x&images[0]=https://i.example.com/a.png",
    )
    call(
        "POST",
        "/v1/products",
        "name=Upfront&default_price_data[currency]=aud&default_price_data[unit_amount]=59900",
    )
    call("GET", "/v1/products/eighteen-month-minimum")
    call("GET", "/v1/products?limit=2&expand[0]=data.default_price")
    call("POST", "/v1/products", "id=eighteen-month-minimum&name=dup")
    price = call(
        "POST",
        "/v1/prices",
        "product=eighteen-month-minimum&currency=aud&unit_amount=5495&recurring[interval]=week&recurring[interval_count]=2&lookup_key=m18&tax_behavior=inclusive",
    )
    call("POST", "/v1/prices", "product_data[name]=Inline&currency=aud&unit_amount_decimal=12.5")
    call("GET", f"/v1/prices/{price['id']}?expand[0]=product")
    call("POST", f"/v1/prices/{price['id']}", "nickname=fortnightly&metadata[a]=b")
    call("POST", "/v1/products/eighteen-month-minimum", f"default_price={price['id']}&metadata[tier]=1")
    call("POST", f"/v1/prices/{price['id']}", "active=false")
    call("POST", f"/v1/prices/{price['id']}", "unit_amount=1")
    call("GET", "/v1/prices?limit=10&active=true&expand[0]=data.product")
    call("DELETE", "/v1/products/eighteen-month-minimum")
    unrecognized = call("DELETE", f"/v1/prices/{price['id']}")
    call.seen.pop()
    empty = call("POST", "/v1/products", "name=Empty")
    call("DELETE", f"/v1/products/{empty['id']}")
    call("GET", "/v1/prices/price_missing")
    meter = call(
        "POST",
        "/v1/billing/meters",
        "display_name=Minutes&event_name=minutes&default_aggregation[formula]=sum&value_settings[event_payload_key]=m",
    )
    call("GET", f"/v1/billing/meters/{meter['id']}")
    call("POST", f"/v1/billing/meters/{meter['id']}", "display_name=Video minutes")
    call("GET", "/v1/billing/meters?status=active")
    call(
        "POST",
        "/v1/prices",
        f"product_data[name]=Metered&currency=nzd&unit_amount=150&recurring[interval]=month&recurring[usage_type]=metered&recurring[meter]={meter['id']}",
    )
    call(
        "POST",
        "/v1/prices",
        "product_data[name]=M&currency=nzd&unit_amount=1&recurring[interval]=month&recurring[usage_type]=metered",
    )
    call("POST", f"/v1/billing/meters/{meter['id']}/deactivate")
    call("POST", f"/v1/billing/meters/{meter['id']}/reactivate")
    call("GET", "/v1/billing/meters/mtr_missing")

    call.http.auth = ("sk_test_wrong", "")
    call("GET", "/v1/prices")
    prod = Recorder(sandbox, STRIPE_PROD_KEY)
    prod("POST", "/v1/webhook_endpoints", "url=https://b.example.com/&enabled_events[0]=*")

    spec = document("stripe")
    statuses = set()
    for method, path, status, body in [*call.seen, *prod.seen]:
        statuses.add(status)
        spec.assert_valid(method, path.split("?")[0], status, body)
    assert statuses == {200, 400, 401, 404}
    spec.assert_matches_component("error", unrecognized)
