"""A real SMTP server for the email-alert tests (aiosmtpd): STARTTLS required, with a certificate from a
throwaway CA (trustme), and AUTH that accepts one user; it keeps the messages it accepts."""

from __future__ import annotations

import ssl
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.test_readme import free_port

USER, PASSWORD = "alerts@example.test", "smtp-canary-password-7f3a"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    def __init__(self, folder: Path) -> None:
        ca = trustme.CA()
        self.ca_file = folder / "smtp-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        self.inbox = Inbox()
        self.port = free_port()
        self._controller = Controller(
            self.inbox,
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=True,
            authenticator=_authenticate,
            auth_required=True,
        )
        self._controller.start()

    def env(self, password: str = PASSWORD) -> dict[str, str]:
        return {
            "BACKSTOP_SMTP_HOST": "127.0.0.1",
            "BACKSTOP_SMTP_PORT": str(self.port),
            "BACKSTOP_SMTP_USERNAME": USER,
            "BACKSTOP_SMTP_PASSWORD": password,
            "BACKSTOP_SMTP_CA_FILE": str(self.ca_file),
            "BACKSTOP_ALERT_EMAIL_FROM": "backstop@example.test",
            "BACKSTOP_ALERT_EMAIL_TO": "oncall@example.test, cto@example.test",
        }

    def stop(self) -> None:
        self._controller.stop()
