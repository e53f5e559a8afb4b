"""The plugin exits on its own when the engine that started it dies (a `kill -9` leaves no orphan)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.support import ROOT

PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.argv[1], "-c", sys.argv[2]])
print(child.pid, flush=True)
time.sleep(60)
"""
CHILD = "from backstop.plugin.provider.lifeline import watch_parent; import time; watch_parent(0.05); time.sleep(60)"


def test_an_orphaned_plugin_exits() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, sys.executable, CHILD], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(0.5)
    assert running(child), "the plugin runs while its engine does"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(child), "the orphaned plugin exited"


def running(pid: int) -> bool:
    """Alive and not a zombie (whoever adopted the orphan may not have reaped it yet)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
