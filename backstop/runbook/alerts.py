"""Alerts: a Slack-compatible message for every alert, and a PagerDuty Events v2 event for serious ones.

Configured by environment (kept out of files): BACKSTOP_SLACK_WEBHOOK_URL, BACKSTOP_PAGERDUTY_ROUTING_KEY
and optionally BACKSTOP_PAGERDUTY_URL (default Events v2 enqueue), and email (alert_email.py). A failed
delivery is reported on stderr and never hides the command's own result.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import httpx

from backstop.plugin.clients.retry import RetryPolicy
from backstop.runbook import alert_email

Severity = Literal["info", "warning", "error", "critical"]
PAGERDUTY_DEFAULT = "https://events.pagerduty.com/v2/enqueue"


@dataclass(frozen=True)
class Alert:
    kind: str
    """backup_failed, restore_failed, drill_failed, verification_failed, drift_found, rpo_breached,
    store_over_limit, check_failed."""
    stack: str
    summary: str
    severity: Severity
    details: dict[str, Any]

    @property
    def serious(self) -> bool:
        return self.severity in ("error", "critical")


def slack_payload(alert: Alert) -> dict[str, Any]:
    icon = {
        "info": ":information_source:",
        "warning": ":warning:",
        "error": ":x:",
        "critical": ":rotating_light:",
    }
    lines = [f"{icon[alert.severity]} *Backstop — {alert.stack}*: {alert.summary}"]
    lines += [f"• {key}: {value}" for key, value in alert.details.items()]
    return {"text": "\n".join(lines)}


def pagerduty_payload(alert: Alert, routing_key: str) -> dict[str, Any]:
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": f"backstop-{alert.stack}-{alert.kind}",
        "payload": {
            "summary": f"Backstop {alert.stack}: {alert.summary}"[:1024],
            "source": f"backstop/{alert.stack}",
            "severity": alert.severity,
            "timestamp": datetime.now(UTC).isoformat(),
            "component": alert.stack,
            "group": "backups",
            "class": alert.kind,
            "custom_details": alert.details,
        },
    }


def send(alert: Alert, slack_url: str | None = None) -> list[str]:
    """Deliver to every configured channel; returns the problems (never raises)."""
    problems = []
    slack = slack_url or os.environ.get("BACKSTOP_SLACK_WEBHOOK_URL")
    routing_key = os.environ.get("BACKSTOP_PAGERDUTY_ROUTING_KEY")
    targets: list[tuple[str, dict[str, Any]]] = []
    if slack:
        targets.append((slack, slack_payload(alert)))
    if routing_key and alert.serious:
        url = os.environ.get("BACKSTOP_PAGERDUTY_URL") or PAGERDUTY_DEFAULT
        targets.append((url, pagerduty_payload(alert, routing_key)))
    if alert_email.configured(os.environ):
        mail = alert_email.message(alert.stack, alert.summary, alert.severity, alert.details, os.environ)
        problem = alert_email.send(mail, os.environ)
        if problem:
            problems.append(problem)
    policy = RetryPolicy(attempts=3)
    for url, payload in targets:
        for attempt in range(1, policy.attempts + 1):
            try:
                response = httpx.post(url, json=payload, timeout=10)
            except httpx.HTTPError as exc:
                problem = f"alert to {_host(url)} failed: {type(exc).__name__}"
            else:
                if response.status_code < 400:
                    break
                problem = f"alert to {_host(url)} got HTTP {response.status_code}"
                if response.status_code < 500 and response.status_code != 429:
                    problems.append(problem)
                    break
            if attempt == policy.attempts:
                problems.append(problem)
    return problems


def _host(url: str) -> str:
    """Webhook URLs carry their secret in the path: name only the host."""
    return httpx.URL(url).host
