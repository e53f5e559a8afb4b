"""Backup health: backup age against the RPO, the last drift check, success rates (all time and the last
30 days), durations, sizes, the last restore's RTO and drill, and the backup store's size against its
limit."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from backstop.operations.notify import notify
from backstop.plugin.model import load_document
from backstop.runbook.alerts import Alert
from backstop.runbook.backups import history
from backstop.runbook.backups.catalogue import DATABASE, list_backups
from backstop.runbook.db.status import database_status
from backstop.runbook.workspace import backups_dir, document_path

RPO = timedelta(hours=24)
"""The runbook's, unless the stack's document sets `targets.rpo_hours`."""
WINDOW = timedelta(days=30)
STORE_LIMIT_ENV = "BACKSTOP_STORE_MAX_BYTES"


def _rate(events: list[history.Event]) -> float | None:
    return (sum(1 for e in events if e.ok) / len(events)) if events else None


def _trends(events: list[history.Event], now: datetime) -> dict[str, Any]:
    """The last 30 days' success rates, the last successful restore's RTO, the last drill and the last
    weekly verification."""
    recent = [e for e in events if now - e.at <= WINDOW]
    restored = [e for e in events if e.kind == "restore" and e.ok]
    drills = [e for e in events if e.kind == "drill"]
    verifications = [e for e in events if e.kind == "verify"]
    return {
        "backup_success_rate_30d": _rate([e for e in recent if e.kind == "backup"]),
        "restore_success_rate_30d": _rate([e for e in recent if e.kind == "restore"]),
        "drill_success_rate_30d": _rate([e for e in recent if e.kind == "drill"]),
        "last_restore_at": restored[-1].at.isoformat() if restored else None,
        "last_restore_rto_seconds": restored[-1].duration_seconds if restored else None,
        "last_drill_at": drills[-1].at.isoformat() if drills else None,
        "last_drill_ok": drills[-1].ok if drills else None,
        "last_drill_scenario": drills[-1].details.get("scenario") if drills else None,
        "last_drill_live": bool(drills[-1].details.get("live")) if drills else None,
        "last_drill_rto_seconds": drills[-1].details.get("rto_seconds") if drills else None,
        "last_drill_rto_target_seconds": drills[-1].details.get("rto_target_seconds") if drills else None,
        "verification_success_rate_30d": _rate([e for e in recent if e.kind == "verify"]),
        "last_verification_at": verifications[-1].at.isoformat() if verifications else None,
        "last_verification_age_seconds": (now - verifications[-1].at).total_seconds()
        if verifications
        else None,
        "last_verification_ok": verifications[-1].ok if verifications else None,
        "last_verification_backup": verifications[-1].details.get("backup") if verifications else None,
    }


def _store(stack: str, env: Mapping[str, str]) -> dict[str, Any]:
    """The stack's exports in the backup store, by their manifests, against BACKSTOP_STORE_MAX_BYTES."""
    size = sum(
        b.manifest.database.size_bytes
        for b in list_backups(backups_dir(), stack, DATABASE)
        if b.manifest and b.manifest.database and b.manifest.status == "complete"
    )
    raw = (env.get(STORE_LIMIT_ENV) or "").strip()
    limit = int(raw) if raw.isdigit() else None
    return {
        "store_size_bytes": size,
        "store_max_bytes": limit,
        "store_over_limit": bool(limit and size > limit),
    }


def rpo_of(stack: str) -> timedelta:
    path = document_path(stack)
    return timedelta(hours=load_document(path).targets.rpo_hours) if path.exists() else RPO


def status_of(stack: str, now: datetime, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    rpo = rpo_of(stack)
    backups = [
        b for b in list_backups(backups_dir(), stack) if b.manifest and b.manifest.status == "complete"
    ]
    events = history.read(backups_dir(), stack)
    runs = [e for e in events if e.kind == "backup"]
    drifts = [e for e in events if e.kind == "drift"]
    restores = [e for e in events if e.kind == "restore"]
    newest = max((b.manifest.created_at for b in backups if b.manifest), default=None)
    age = (now - newest).total_seconds() if newest else None
    sizes = [int(e.details.get("size_bytes", 0)) for e in runs if e.ok]
    return {
        "stack": stack,
        "rpo_seconds": rpo.total_seconds(),
        "last_backup_at": newest.isoformat() if newest else None,
        "last_backup_age_seconds": age,
        "rpo_breached": age is None or age > rpo.total_seconds(),
        "backups": len(backups),
        "backup_runs": len(runs),
        "backup_failures": sum(1 for e in runs if not e.ok),
        "backup_success_rate": (sum(1 for e in runs if e.ok) / len(runs)) if runs else None,
        "last_backup_duration_seconds": runs[-1].duration_seconds if runs else None,
        "mean_backup_duration_seconds": (sum(e.duration_seconds for e in runs) / len(runs)) if runs else None,
        "last_backup_size_bytes": sizes[-1] if sizes else None,
        "backup_size_growth_bytes": (sizes[-1] - sizes[0]) if len(sizes) > 1 else 0,
        "last_drift_at": drifts[-1].at.isoformat() if drifts else None,
        "last_drift_objects": drifts[-1].details.get("drifted") if drifts else None,
        "restores": len(restores),
        "restore_success_rate": (sum(1 for e in restores if e.ok) / len(restores)) if restores else None,
        **_trends(events, now),
        **_store(stack, os.environ if env is None else env),
        "database": database_status(backups_dir(), stack, now, rpo),
    }


def unhealthy(status: dict[str, Any]) -> bool:
    database = status["database"]
    return bool(status["rpo_breached"] or database["rpo_breached"] or database["export_problems"])


def prometheus(status: dict[str, Any]) -> str:
    """Node-exporter textfile format."""
    stack = status["stack"]
    metrics = {
        "backstop_last_backup_age_seconds": status["last_backup_age_seconds"],
        "backstop_rpo_seconds": status["rpo_seconds"],
        "backstop_rpo_breached": int(status["rpo_breached"]),
        "backstop_backups": status["backups"],
        "backstop_backup_runs_total": status["backup_runs"],
        "backstop_backup_failures_total": status["backup_failures"],
        "backstop_last_backup_duration_seconds": status["last_backup_duration_seconds"],
        "backstop_last_backup_size_bytes": status["last_backup_size_bytes"],
        "backstop_last_drift_objects": status["last_drift_objects"],
        "backstop_restores_total": status["restores"],
        "backstop_backup_success_rate_30d": status["backup_success_rate_30d"],
        "backstop_restore_success_rate_30d": status["restore_success_rate_30d"],
        "backstop_drill_success_rate_30d": status["drill_success_rate_30d"],
        "backstop_last_restore_rto_seconds": status["last_restore_rto_seconds"],
        "backstop_last_drill_ok": None if status["last_drill_ok"] is None else int(status["last_drill_ok"]),
        "backstop_last_drill_rto_seconds": status["last_drill_rto_seconds"],
        "backstop_verification_success_rate_30d": status["verification_success_rate_30d"],
        "backstop_last_verification_age_seconds": status["last_verification_age_seconds"],
        "backstop_last_verification_ok": None
        if status["last_verification_ok"] is None
        else int(status["last_verification_ok"]),
        "backstop_store_size_bytes": status["store_size_bytes"],
        "backstop_store_max_bytes": status["store_max_bytes"],
        "backstop_db_last_backup_age_seconds": status["database"]["last_backup_age_seconds"],
        "backstop_db_rpo_breached": int(status["database"]["rpo_breached"]),
        "backstop_db_export_problems": len(status["database"]["export_problems"]),
    }
    lines = []
    for name, value in metrics.items():
        if value is not None:
            lines += [f"# TYPE {name} gauge", f'{name}{{stack="{stack}"}} {float(value):g}']
    return "\n".join(lines) + "\n"


def check_status(stack: str, textfile: Path | None) -> dict[str, Any]:
    """`backstop status`: the stack's status (also as a Prometheus textfile); an RPO breach or a missing
    database export alerts."""
    status = status_of(stack, datetime.now(UTC))
    if textfile is not None:
        textfile.parent.mkdir(parents=True, exist_ok=True)
        tmp = textfile.with_suffix(".tmp")
        tmp.write_text(prometheus(status))
        tmp.replace(textfile)
    if status["rpo_breached"]:
        age = status["last_backup_age_seconds"]
        notify(
            Alert(
                "rpo_breached",
                stack,
                f"no successful backup within the {status['rpo_seconds'] / 3600:g} h RPO",
                "critical",
                {
                    "last_backup": status["last_backup_at"] or "never",
                    "age_hours": "n/a" if age is None else f"{age / 3600:.1f}",
                },
            )
        )
    if status["store_over_limit"]:
        notify(
            Alert(
                "store_over_limit",
                stack,
                "the backup store holds more than its limit",
                "warning",
                {"size_bytes": status["store_size_bytes"], "limit_bytes": status["store_max_bytes"]},
            )
        )
    database = status["database"]
    if database["rpo_breached"] or database["export_problems"]:
        age = database["last_backup_age_seconds"]
        notify(
            Alert(
                "rpo_breached" if database["rpo_breached"] else "verification_failed",
                stack,
                f"no database backup within the {status['rpo_seconds'] / 3600:g} h RPO"
                if database["rpo_breached"]
                else "database exports are missing from the backup store",
                "critical",
                {
                    "last_backup": database["last_backup_at"] or "never",
                    "age_hours": "n/a" if age is None else f"{age / 3600:.1f}",
                    "exports": "; ".join(database["export_problems"][:5]) or "ok",
                },
            )
        )
    return status
