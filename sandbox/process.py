"""Starting `backstop sandbox serve` as a child process on a free port (demo, tests, benchmarks)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


class SandboxStartError(RuntimeError):
    pass


def spawn(
    workdir: Path, seed: int | None = None, quiet: bool = True, persist: bool = True
) -> tuple[subprocess.Popen[str], int]:
    """Starts the server with its state in `workdir` (in memory only unless `persist`), and waits until it
    has bound its port."""
    workdir.mkdir(parents=True, exist_ok=True)
    port_file = workdir / "port"
    port_file.unlink(missing_ok=True)
    # A quiet server logs to a file: a pipe nobody reads fills up after 64 KB and the server blocks.
    log = (workdir / "sandbox.log").open("a") if quiet else None
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backstop.cli.app",
            "sandbox",
            "serve",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            *(["--state", str(workdir / "sandbox-state.json")] if persist else []),
            *(["--seed", str(seed)] if seed is not None else []),
        ],
        stdout=log,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
    )
    if log is not None:
        log.close()
    deadline = time.monotonic() + 30
    while not (port_file.exists() and port_file.read_text().strip()):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = (workdir / "sandbox.log").read_text() if quiet else ""
            raise SandboxStartError(f"the sandbox did not start: {output}")
        time.sleep(0.05)
    return process, int(port_file.read_text())


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
