"""The `backstop` command, one module per command."""
