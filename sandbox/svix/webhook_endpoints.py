"""Endpoints (`ep_…`) of one Svix application: CRUD, upsert, iterator pagination, signing secrets."""

from __future__ import annotations

from typing import Any

from sandbox.svix import models
from sandbox.svix.errors import bad_request, conflict, invalid, not_found
from sandbox.svix.models import Json, decode_error
from sandbox.svix.state import ID_LENGTH, SvixInstance

Result = tuple[int, Any]
MAX_GRACE_PERIOD_S = 7 * 24 * 3600


def find(svix: SvixInstance, app: Json, endpoint_id_or_uid: str) -> Json | None:
    for endpoint in svix.endpoints(app["id"]):
        if endpoint_id_or_uid in (endpoint["id"], endpoint["uid"]):
            return endpoint
    return None


def _stored(svix: SvixInstance, app: Json, endpoint_id_or_uid: str) -> Json:
    endpoint = find(svix, app, endpoint_id_or_uid)
    if endpoint is None:
        raise not_found()
    return endpoint


def _check_uid_free(svix: SvixInstance, app: Json, uid: str | None, own_id: str | None = None) -> None:
    if uid is not None and any(e["uid"] == uid and e["id"] != own_id for e in svix.endpoints(app["id"])):
        raise conflict()


def _insert(svix: SvixInstance, app: Json, fields: Json) -> Json:
    _check_uid_free(svix, app, fields["uid"])
    now = svix.now()
    endpoint: Json = {"id": svix.sandbox.ids.prefixed("ep_", ID_LENGTH), "appId": app["id"]}
    models.store_fields(endpoint, {"secret": None, "headers": None, **fields})
    endpoint.update(createdAt=now, updatedAt=now, secret=fields.get("secret") or svix.new_secret())
    svix.objects("endpoints")[endpoint["id"]] = endpoint
    svix.endpoint_order(app["id"]).append(endpoint["id"])
    return endpoint


def create(svix: SvixInstance, app: Json, body: Json) -> Result:
    endpoint = _insert(svix, app, models.endpoint_in(body, with_secret=True))
    return 201, models.public(endpoint)


def retrieve(svix: SvixInstance, app: Json, endpoint_id: str) -> Result:
    return 200, models.public(_stored(svix, app, endpoint_id))


def upsert(svix: SvixInstance, app: Json, endpoint_id: str, body: Json) -> Result:
    """PUT replaces every field it carries a default for; an unknown id or uid creates the endpoint."""
    fields = models.endpoint_in(body, with_secret=False)
    current = find(svix, app, endpoint_id)
    if current is None:
        return 201, models.public(_insert(svix, app, fields))
    _check_uid_free(svix, app, fields["uid"], current["id"])
    models.store_fields(current, fields)
    current["updatedAt"] = svix.now()
    return 200, models.public(current)


def patch(svix: SvixInstance, app: Json, endpoint_id: str, body: Json) -> Result:
    fields = models.endpoint_patch(body)
    current = _stored(svix, app, endpoint_id)
    if "uid" in fields:
        _check_uid_free(svix, app, fields["uid"], current["id"])
    models.store_fields(current, fields)
    current["updatedAt"] = svix.now()
    return 200, models.public(current)


def delete(svix: SvixInstance, app: Json, endpoint_id: str) -> Result:
    del svix.objects("endpoints")[_stored(svix, app, endpoint_id)["id"]]
    return 204, None


def get_secret(svix: SvixInstance, app: Json, endpoint_id: str) -> Result:
    return 200, {"key": _stored(svix, app, endpoint_id)["secret"]}


def rotate_secret(svix: SvixInstance, app: Json, endpoint_id: str, body: Json) -> Result:
    key = models.check_secret("key", body.get("key"))
    grace = body.get("gracePeriodSeconds")
    if grace is not None and (isinstance(grace, bool) or not isinstance(grace, int) or grace < 0):
        raise decode_error("gracePeriodSeconds", "invalid type: expected u32")
    if grace is not None and grace > MAX_GRACE_PERIOD_S:
        raise invalid(["body", "gracePeriodSeconds"], "Duration must be between 0 and 7 days")
    endpoint = _stored(svix, app, endpoint_id)
    endpoint.update(secret=key or svix.new_secret(), updatedAt=svix.now())
    return 200, {"key": endpoint["secret"]}


def _query(query: dict[str, str]) -> tuple[int, str | None, bool]:
    try:
        limit = int(query.get("limit", "50"))
    except ValueError:
        raise bad_request(
            "Failed to deserialize query string: limit: invalid digit found in string"
        ) from None
    order = query.get("order", "descending")
    if order not in ("ascending", "descending"):
        raise bad_request(
            f"Failed to deserialize query string: order: unknown variant `{order}`, "
            "expected `ascending` or `descending`"
        )
    if limit > 250:
        raise invalid(["query", "limit"], "Given limit must not exceed 250")
    if limit < 1:
        raise invalid(["query", "limit"], "Given limit must be at least 1")
    iterator = query.get("iterator") or None
    if iterator is not None and not models.ENDPOINT_ID.match(iterator.removeprefix("-")):
        raise invalid(["query", "iterator"], "Invalid id: must be an endpoint id (`ep_` and 27 characters).")
    return limit, iterator, order == "descending"


def list_all(svix: SvixInstance, app: Json, query: dict[str, str]) -> Result:
    """Newest first by default; `iterator` continues after an id, `-<id>` goes back before it."""
    limit, iterator, descending = _query(query)
    order = svix.endpoint_order(app["id"])
    # Endpoints written through /_sandbox/load may be missing from the order table: they go last.
    order += [e["id"] for e in svix.endpoints(app["id"]) if e["id"] not in order]
    position = {endpoint_id: i for i, endpoint_id in enumerate(order)}
    ordered = sorted(svix.endpoints(app["id"]), key=lambda e: position[e["id"]], reverse=descending)
    if iterator is None:
        remaining = ordered
        page = remaining[:limit]
    else:
        mark = position.get(iterator.removeprefix("-"))
        backwards = iterator.startswith("-")

        def beyond(endpoint: Json) -> bool:
            """Whether the endpoint lies past the mark in the direction of travel."""
            later = position[endpoint["id"]] > mark if mark is not None else False
            earlier = position[endpoint["id"]] < mark if mark is not None else False
            return (later if backwards else earlier) if descending else (earlier if backwards else later)

        remaining = [e for e in ordered if beyond(e)]
        page = remaining[-limit:] if backwards else remaining[:limit]
    result: Json = {
        "data": [models.public(e) for e in page],
        "iterator": page[-1]["id"] if page else None,
        "done": len(remaining) <= limit,
    }
    if page:
        result["prevIterator"] = f"-{page[0]['id']}"
    return 200, result
