"""The double's process: it serves until its engine is gone, even when the engine is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sandbox.vercel_plugin.install import install, installed_launcher

# Stands in for the engine: starts the plugin, relays its port and pid, then waits to be killed.
ENGINE = """
import subprocess, sys, time
plugin = subprocess.Popen([sys.argv[1], "127.0.0.1:1"], stdout=subprocess.PIPE, text=True)
port = plugin.stdout.readline().strip()
print(port, plugin.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_double_stops_when_its_engine_is_killed(tmp_path: Path) -> None:
    home = tmp_path / "pulumi-home"
    install(home)
    env = os.environ | {"BACKSTOP_VERCEL_BASE_URL": "http://127.0.0.1:9/vercel"}
    engine = subprocess.Popen(
        [sys.executable, "-c", ENGINE, str(installed_launcher(home))],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert engine.stdout is not None
        port, pid = engine.stdout.readline().split()
        assert int(port) > 0
        time.sleep(1.0)
        assert _alive(int(pid)), "the double stopped while its engine was alive"
        engine.send_signal(signal.SIGKILL)
        engine.wait(timeout=10)
        deadline = time.monotonic() + 20
        while _alive(int(pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(int(pid)), "the double served on after its engine was killed"
    finally:
        engine.kill()
