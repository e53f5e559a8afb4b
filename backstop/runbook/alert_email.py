"""Email alerts over SMTP: STARTTLS (certificate verified) before any credential, then AUTH when a
username is set. Configured by environment only, like the other channels:

BACKSTOP_SMTP_HOST, BACKSTOP_SMTP_PORT (default 587), BACKSTOP_SMTP_USERNAME, BACKSTOP_SMTP_PASSWORD,
BACKSTOP_ALERT_EMAIL_FROM, BACKSTOP_ALERT_EMAIL_TO (comma-separated), BACKSTOP_SMTP_CA_FILE (a CA bundle
for a private relay), BACKSTOP_SMTP_STARTTLS=false (a local relay without TLS; then no credential is sent).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

SUBJECT_MARK = {"info": "", "warning": "[warning] ", "error": "[FAILED] ", "critical": "[CRITICAL] "}
TRANSIENT = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError)


def configured(env: Mapping[str, str]) -> bool:
    return bool(env.get("BACKSTOP_SMTP_HOST") and env.get("BACKSTOP_ALERT_EMAIL_TO"))


def message(
    stack: str, summary: str, severity: str, details: Mapping[str, object], env: Mapping[str, str]
) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = f"{SUBJECT_MARK.get(severity, '')}Backstop {stack}: {summary}"[:200]
    mail["From"] = env.get("BACKSTOP_ALERT_EMAIL_FROM") or "backstop@localhost"
    mail["To"] = ", ".join(_recipients(env))
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain="backstop.invalid")
    lines = [f"Backstop, stack {stack} ({severity}): {summary}", ""]
    lines += [f"- {key}: {value}" for key, value in details.items()]
    mail.set_content("\n".join(lines) + "\n")
    return mail


def send(mail: EmailMessage, env: Mapping[str, str], attempts: int = 3) -> str | None:
    """Delivers `mail`; None, or the problem (naming the relay, never a credential)."""
    host = env["BACKSTOP_SMTP_HOST"]
    port = int(env.get("BACKSTOP_SMTP_PORT") or 587)
    starttls = (env.get("BACKSTOP_SMTP_STARTTLS") or "true").lower() != "false"
    username, password = env.get("BACKSTOP_SMTP_USERNAME"), env.get("BACKSTOP_SMTP_PASSWORD") or ""
    if username and not starttls:
        return f"alert email via {host}: refusing to send SMTP credentials without STARTTLS"
    problem = None
    for _ in range(attempts):
        try:
            with smtplib.SMTP(host, port, timeout=10) as smtp:
                smtp.ehlo()
                if starttls:
                    smtp.starttls(context=ssl.create_default_context(cafile=env.get("BACKSTOP_SMTP_CA_FILE")))
                    smtp.ehlo()
                if username:
                    smtp.login(username, password)
                smtp.send_message(mail)
            return None
        except smtplib.SMTPAuthenticationError as exc:
            return f"alert email via {host}: authentication refused ({exc.smtp_code})"
        except smtplib.SMTPResponseException as exc:
            problem = f"alert email via {host}: SMTP {exc.smtp_code}"
            if exc.smtp_code < 400 or exc.smtp_code >= 500:
                return problem
        except ssl.SSLError as exc:
            return f"alert email via {host}: TLS failed ({exc.reason})"
        except (smtplib.SMTPException, *TRANSIENT, OSError) as exc:
            problem = f"alert email via {host}: {type(exc).__name__}"
    return problem


def _recipients(env: Mapping[str, str]) -> list[str]:
    return [a.strip() for a in (env.get("BACKSTOP_ALERT_EMAIL_TO") or "").split(",") if a.strip()]
