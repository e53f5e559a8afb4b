"""The `backstop` command line: argument parsing and rendering. Each command calls one operation."""
