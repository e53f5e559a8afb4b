"""Allowlist identifiers (`alid_…`): create, delete and list only; the identifier's type is derived."""

from __future__ import annotations

import re
from typing import Any

from sandbox.clerk.errors import error, form_conditional_disallowed, form_missing, not_found
from sandbox.clerk.models import Json, listing, read_bool, read_str, reject_unknown
from sandbox.clerk.state import ClerkInstance

COLLECTION = "allowlist_identifiers"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
_WEB3 = re.compile(r"^0x[0-9a-fA-F]{40}$")


def identifier_type(identifier: str) -> str | None:
    if _EMAIL.match(identifier):
        return "email_address"
    if _PHONE.match(identifier):
        return "phone_number"
    if _WEB3.match(identifier):
        return "web3_wallet"
    return None


def create(clerk: ClerkInstance, body: Json) -> Json:
    reject_unknown(body, {"identifier", "notify"})
    identifier, notify = read_str(body, "identifier"), read_bool(body, "notify")
    if not identifier:
        raise form_missing("identifier")
    kind = identifier_type(identifier.strip())
    if kind is None:
        raise error(
            422,
            "is invalid",
            "form_param_format_invalid",
            "identifier must be either a valid email address, a valid phone number according to E.164 "
            "international standard or a valid web3 wallet.",
            "identifier",
        )
    identifier = identifier.strip().lower() if kind != "phone_number" else identifier.strip()
    if notify and (kind == "web3_wallet" or identifier.startswith("*@")):
        raise form_conditional_disallowed("notify", "identifier", "an email domain or a web3 wallet")
    if any(i["identifier"] == identifier for i in clerk.objects(COLLECTION).values()):
        raise error(
            400,
            "duplicate allowlist identifier",
            "duplicate_record",
            f"the identifier {identifier} already exists",
        )
    now = clerk.now()
    created: Json = {"object": "allowlist_identifier", "id": clerk.new_id("alid_")}
    if notify and kind == "email_address":
        created["invitation_id"] = clerk.new_id("inv_")
    created.update(
        identifier=identifier,
        identifier_type=kind,
        instance_id=clerk.account.name,
        created_at=now,
        updated_at=now,
    )
    clerk.objects(COLLECTION)[created["id"]] = created
    return dict(created)


def delete(clerk: ClerkInstance, object_id: str) -> Json:
    if object_id not in clerk.objects(COLLECTION):
        raise not_found("Identifier not found", f"No identifier was found with id {object_id}")
    del clerk.objects(COLLECTION)[object_id]
    return {"object": "allowlist_identifier", "id": object_id, "deleted": True}


def list_all(clerk: ClerkInstance, query: dict[str, str]) -> Any:
    return listing([dict(i) for i in clerk.objects(COLLECTION).values()], query)
