"""What each `backstop` command does, one module per operation; the commands parse and render."""
