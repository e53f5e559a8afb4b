"""What every command shares: output (human or `--json`), and turning failures into exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pulumi.automation import errors as auto_errors
from rich.markup import escape

from backstop.operations.console import err
from backstop.operations.errors import INPUT_ERROR, VENDOR_ERROR, Failure
from backstop.plugin.clients.connections import MissingCredential
from backstop.plugin.clients.errors import VendorError
from backstop.plugin.model import DesiredStateError
from backstop.runbook.adopt.runner import AdoptionError
from backstop.runbook.approvals.check import Refused

ApprovedBy = Annotated[
    str | None,
    typer.Option("--approved-by", help="Approver's name, on a stack approvals.yaml doesn't protect"),
]
Approval = Annotated[
    Path | None,
    typer.Option(
        "--approval",
        envvar="BACKSTOP_APPROVAL",
        help="Signed approval file (`backstop approve`), needed on a stack approvals.yaml protects",
    ),
]
"""The two ways a restore names its approver, shared by `restore` and `db restore`."""


def emit(as_json: bool, document: dict[str, Any], human: Callable[[], None]) -> None:
    if as_json:
        sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")
    else:
        human()


def fail(code: int, message: str, as_json: bool) -> NoReturn:
    if as_json:
        sys.stdout.write(json.dumps({"ok": False, "exit_code": code, "error": message}) + "\n")
    # Never wrapped: a path or a command in the message must stay whole to be copied.
    err.print(f"[bold red]error:[/bold red] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def failures(as_json: bool) -> Iterator[None]:
    """Input problems exit 2, engine and vendor failures exit 3, each with one clear message."""
    try:
        yield
    except DesiredStateError as exc:
        fail(INPUT_ERROR, str(exc), as_json)
    except Failure as exc:
        fail(exc.code, str(exc), as_json)
    except Refused as exc:
        fail(INPUT_ERROR, f"refused ({exc.reason}): {exc}", as_json)
    except MissingCredential as exc:
        fail(INPUT_ERROR, str(exc), as_json)
    except AdoptionError as exc:
        fail(INPUT_ERROR, f"can't adopt the live objects as declared:\n{exc}", as_json)
    except VendorError as exc:
        fail(VENDOR_ERROR, str(exc), as_json)
    except auto_errors.StackNotFoundError as exc:
        fail(INPUT_ERROR, f"no such stack: {exc}", as_json)
    except auto_errors.CommandError as exc:
        fail(VENDOR_ERROR, f"the Pulumi engine failed:\n{_engine_message(exc)}", as_json)


def _engine_message(exc: auto_errors.CommandError) -> str:
    text = str(exc)
    lines = [
        line for line in text.splitlines() if line.strip().startswith(("error:", "stripe", "clerk", "vapi"))
    ]
    return "\n".join(lines[-8:]) or text[-2000:]
