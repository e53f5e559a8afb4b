"""Messages are printed as they are: text in brackets (URLs, paths such as `[*]`) is never rich markup."""

from __future__ import annotations

import pytest
import typer

from backstop.cli.commands.common import fail
from backstop.operations.errors import INPUT_ERROR


def test_an_error_with_brackets_is_printed_literally(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exited:
        fail(INPUT_ERROR, "BACKSTOP_STORE_URL: use s3://bucket[/prefix] ([bold]not markup[/bold])", False)
    assert exited.value.exit_code == INPUT_ERROR
    assert "s3://bucket[/prefix] ([bold]not markup[/bold])" in " ".join(capsys.readouterr().err.split())
