"""Private working folders for plaintext exports: mode 0700, removed on leaving, on failure too."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def private_dir(purpose: str) -> Iterator[Path]:
    """Under the system temporary folder (TMPDIR), never inside the repository."""
    path = Path(tempfile.mkdtemp(prefix=f"backstop-{purpose}-"))
    try:
        os.chmod(path, 0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
