"""Ends the plugin once the engine that started it is gone.

An engine killed with SIGKILL can't stop its plugins: without this, an orphaned plugin would go on
finishing API calls for a run nobody records, and live on after it.
"""

from __future__ import annotations

import os
import threading
import time

ORPHANED = 70


def watch_parent(interval: float = 0.5) -> threading.Thread:
    parent = os.getppid()

    def run() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(ORPHANED)

    thread = threading.Thread(target=run, daemon=True, name="backstop-parent-watch")
    thread.start()
    return thread
