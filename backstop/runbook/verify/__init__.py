"""The weekly backup verification: the chosen backups restored and checked (backstop verify)."""
