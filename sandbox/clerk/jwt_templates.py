"""JWT templates (`jtmp_…`). PATCH still needs `name` and `claims`; `signing_key` is write-only.

The rules are those of Clerk's own service: name characters, the `integration_` prefix, claims as a JSON
object of at most 2048 bytes without the reserved claims, `aud` not `clerk`, and the ranges of `lifetime`
and `allowed_clock_skew`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.clerk.errors import (
    ClerkError,
    combine,
    error,
    form_conditional_missing,
    form_format_invalid,
    form_identifier_exists,
    form_invalid,
    form_missing,
    form_value_not_allowed,
    not_found,
)
from sandbox.clerk.models import Json, listing, read_bool, read_int, read_str, reject_unknown
from sandbox.clerk.state import ClerkInstance

COLLECTION = "jwt_templates"
FIELDS = {
    "name",
    "claims",
    "lifetime",
    "allowed_clock_skew",
    "custom_signing_key",
    "signing_algorithm",
    "signing_key",
}
DEFAULT_LIFETIME, DEFAULT_CLOCK_SKEW, DEFAULT_ALGORITHM = 60, 5, "RS256"
ALGORITHMS = ["RS256", "RS384", "RS512", "HS256", "HS384", "HS512", "ES256", "ES384", "ES512"]
RESERVED_CLAIMS = ["iat", "nbf", "exp", "iss", "sub", "azp"]
CLAIMS_MAX_BYTES = 2048
_NAME = re.compile(r"^[a-zA-Z0-9_-]+$")


def _missing(object_id: str) -> ClerkError:
    return not_found("JWT template not found", f"No JWT template exists with id: {object_id}")


def _validate(body: Json) -> tuple[str, Json]:
    reject_unknown(body, FIELDS)
    name, claims = read_str(body, "name"), body.get("claims")
    lifetime, skew = read_int(body, "lifetime"), read_int(body, "allowed_clock_skew")
    custom = read_bool(body, "custom_signing_key")
    algorithm, key = read_str(body, "signing_algorithm"), read_str(body, "signing_key")
    problems = []
    if not name:
        problems.append(form_missing("name"))
    if claims is None:
        problems.append(form_missing("claims"))
    if lifetime is not None and not 30 <= lifetime <= 315360000:
        problems.append(form_invalid("lifetime"))
    if skew is not None and not 0 <= skew <= 300:
        problems.append(form_invalid("allowed_clock_skew"))
    if custom and not key:
        problems.append(form_conditional_missing("signing_key", "custom_signing_key", "true"))
    if custom and not algorithm:
        problems.append(form_conditional_missing("signing_algorithm", "custom_signing_key", "true"))
    if problems:
        raise combine(problems)
    assert name is not None
    if not _NAME.match(name):
        raise form_value_not_allowed("name", name)
    if name.startswith("integration_"):
        raise form_format_invalid("name", "You can't use the reserved name prefix: 'integration_'")
    if len(json.dumps(claims, separators=(",", ":")).encode()) > CLAIMS_MAX_BYTES:
        raise error(
            422,
            f"The given claims exceeds the maximum allowed size of {CLAIMS_MAX_BYTES} bytes (2 KB).",
            "form_param_exceeds_allowed_size",
            param="claims",
        )
    if not isinstance(claims, dict):
        raise form_format_invalid("claims", "Claims need to be a valid JSON object.")
    for claim in RESERVED_CLAIMS:
        if claim in claims:
            raise error(
                400,
                "reserved claim used",
                "jwt_template_reserved_claim",
                f"You can't use the reserved claim: '{claim}'",
                "claims",
            )
    audience = claims.get("aud")
    if isinstance(audience, str) and audience.strip().lower() == "clerk":
        raise form_value_not_allowed("aud", audience)
    if custom:
        assert algorithm is not None and key is not None
        if algorithm not in ALGORITHMS:
            raise form_value_not_allowed("signing_algorithm", algorithm)
        if not algorithm.startswith("HS") and "-----BEGIN" not in key:
            # Clerk mints a test token with the key and refuses a key that can't sign with the algorithm.
            raise form_format_invalid("signing_key")
    return name, claims


def _name_taken(clerk: ClerkInstance, name: str, own_id: str | None = None) -> bool:
    return any(t["name"] == name and t["id"] != own_id for t in clerk.objects(COLLECTION).values())


def public(stored: Json) -> Json:
    return {k: v for k, v in stored.items() if k != "signing_key"}


def create(clerk: ClerkInstance, body: Json) -> Json:
    name, claims = _validate(body)
    if _name_taken(clerk, name):
        raise form_identifier_exists("name")
    now = clerk.now()
    custom = bool(body.get("custom_signing_key"))
    template_id = clerk.new_id("jtmp_")
    template = {
        "object": "jwt_template",
        "id": template_id,
        "name": name,
        "claims": claims,
        "lifetime": body.get("lifetime") if body.get("lifetime") is not None else DEFAULT_LIFETIME,
        "allowed_clock_skew": body["allowed_clock_skew"]
        if body.get("allowed_clock_skew") is not None
        else DEFAULT_CLOCK_SKEW,
        "custom_signing_key": custom,
        "signing_algorithm": body["signing_algorithm"] if custom else DEFAULT_ALGORITHM,
        "signing_key": body["signing_key"] if custom else None,
        "created_at": now,
        "updated_at": now,
    }
    clerk.objects(COLLECTION)[template_id] = template
    return public(template)


def retrieve(clerk: ClerkInstance, object_id: str) -> Json:
    found = clerk.objects(COLLECTION).get(object_id)
    if found is None:
        raise _missing(object_id)
    return public(found)


def update(clerk: ClerkInstance, object_id: str, body: Json) -> Json:
    name, claims = _validate(body)
    current = clerk.objects(COLLECTION).get(object_id)
    if current is None:
        raise _missing(object_id)
    if _name_taken(clerk, name, object_id):
        raise form_identifier_exists("name")
    updated = {**current, "name": name, "claims": claims, "updated_at": clerk.now()}
    for field in ("lifetime", "allowed_clock_skew"):
        if body.get(field) is not None:
            updated[field] = body[field]
    if body.get("custom_signing_key"):
        updated.update(
            custom_signing_key=True,
            signing_key=body["signing_key"],
            signing_algorithm=body["signing_algorithm"],
        )
    else:
        # Without `custom_signing_key` Clerk drops the custom key and goes back to the instance's algorithm.
        updated.update(custom_signing_key=False, signing_key=None, signing_algorithm=DEFAULT_ALGORITHM)
    clerk.objects(COLLECTION)[object_id] = updated
    return public(updated)


def delete(clerk: ClerkInstance, object_id: str) -> Json:
    retrieve(clerk, object_id)
    del clerk.objects(COLLECTION)[object_id]
    return {"object": "jwt_template", "id": object_id, "deleted": True}


def list_all(clerk: ClerkInstance, query: dict[str, str]) -> Any:
    return listing([public(t) for t in clerk.objects(COLLECTION).values()], query)
