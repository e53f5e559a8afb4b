"""The backup catalogue: folders under snapshots/backups/<stack>/, each with its manifest."""
