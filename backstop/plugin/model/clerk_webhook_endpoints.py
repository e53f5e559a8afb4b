"""Clerk webhook endpoints: they live in the instance's Svix application (Clerk has no endpoint API)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from backstop.plugin.model.clerk_settings import InstanceId
from backstop.plugin.model.common import HttpUrl, Key, Strict

CLERK_EVENT_TYPES = frozenset(
    """
    user.created user.updated user.deleted email.created sms.created
    session.created session.ended session.removed session.revoked
    organization.created organization.updated organization.deleted
    organizationDomain.created organizationDomain.updated organizationDomain.deleted
    organizationMembership.created organizationMembership.updated organizationMembership.deleted
    organizationInvitation.accepted organizationInvitation.created organizationInvitation.revoked
    role.created role.updated role.deleted permission.created permission.updated permission.deleted
    waitlistEntry.created waitlistEntry.updated paymentAttempt.created paymentAttempt.updated
    subscription.created subscription.updated subscription.active subscription.past_due
    subscriptionItem.created subscriptionItem.updated subscriptionItem.active subscriptionItem.canceled
    subscriptionItem.upcoming subscriptionItem.ended subscriptionItem.abandoned subscriptionItem.incomplete
    subscriptionItem.past_due
    """.split()
)
"""The events a Clerk instance sends (`WebhookEventType` of @clerk/backend); Svix refuses any other."""
SvixUid = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[a-zA-Z0-9\-_.]+$")]
Metadata = dict[Annotated[str, StringConstraints(min_length=1)], str]


class WebhookEndpointFields(Strict):
    url: HttpUrl
    event_types: list[str] = Field(min_length=1)
    description: str = ""
    disabled: bool = False
    metadata: Metadata = Field(default_factory=dict)
    throttle_rate: int | None = Field(default=None, ge=1, le=65535)
    """Messages per second at most; none means unthrottled."""

    @field_validator("event_types")
    @classmethod
    def _known_events(cls, events: list[str]) -> list[str]:
        unknown = [e for e in events if e not in CLERK_EVENT_TYPES]
        if unknown:
            raise ValueError(f"unknown Clerk event type(s): {', '.join(unknown)}")
        if len(set(events)) != len(events):
            raise ValueError("lists an event type twice")
        return events

    @field_validator("description")
    @classmethod
    def _printable(cls, text: str) -> str:
        if any(ord(c) < 32 and c != "\t" for c in text):
            raise ValueError("control characters are not allowed")
        return text


class WebhookEndpointSpec(WebhookEndpointFields):
    """What `backstop:clerk:WebhookEndpoint` takes. `uid` is the Svix endpoint uid: the declared key."""

    instance_id: InstanceId
    uid: SvixUid | None = None
    """Always set by the program; unset only in what an import reads from an endpoint that has none."""


class WebhookEndpoint(WebhookEndpointFields):
    key: Key

    def spec(self, instance_id: str) -> WebhookEndpointSpec:
        return WebhookEndpointSpec(instance_id=instance_id, uid=self.key, **self.model_dump(exclude={"key"}))
