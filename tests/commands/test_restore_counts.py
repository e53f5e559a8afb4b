"""One restore exports the stack's state at most twice, parses its desired state once (the stack session),
runs the engine three times and reads the stack's outputs only where it needs them.

Since a restore runs `backstop doctor`'s checks first (its preflight), it also runs that diagnosis once, on
the restore's own session and the document it has already validated: that adds the one `pulumi config`
that decrypts the credentials it probes (a restore of Stripe objects reads no config otherwise), but no
`pulumi version` (its engine check takes the one the workspace ran), no second `stack select` and no parse. The diagnosis is timed and
the time printed (`pytest -s` shows it): what the preflight adds to a restore.

The `backstop` process runs with every process it starts and every document parse counted: a `pulumi
stack export` is a process whose arguments hold `stack export`, whichever code starts it.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.commands.test_restore import STACK, applied, backup, wipe
from tests.support import VENV_BIN, Engine, SandboxProcess

pytestmark = pytest.mark.e2e

COUNTING = """
import hashlib, json, os, subprocess, sys

calls = []
parses = []
popen = subprocess.Popen


class Counted(popen):
    def __init__(self, args, *rest, **options):
        calls.append([str(a) for a in args] if isinstance(args, (list, tuple)) else [str(args)])
        super().__init__(args, *rest, **options)


subprocess.Popen = Counted

from backstop.plugin.model import loader

parse = loader.parse_document


def counted_parse(text, source):
    parses.append({"source": source, "sha256": hashlib.sha256(text.encode()).hexdigest()})
    return parse(text, source)


loader.parse_document = counted_parse
import backstop.plugin.model

backstop.plugin.model.parse_document = counted_parse

import time

from backstop.operations import restore_preflight

diagnose_restore = restore_preflight.diagnose_restore
preflights = []


def timed_diagnosis(*args, **kwargs):
    clock = time.monotonic()
    try:
        return diagnose_restore(*args, **kwargs)
    finally:
        preflights.append(time.monotonic() - clock)


restore_preflight.diagnose_restore = timed_diagnosis

from backstop.cli.app import app

try:
    app(sys.argv[1:], prog_name="backstop")
finally:
    with open(os.environ["COUNTS_FILE"], "w") as fh:
        json.dump({"calls": calls, "parses": parses, "preflights": preflights}, fh)
"""


def counted(engine: Engine, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """`backstop ARGS` in a process that counts what it starts and what it parses."""
    counts = engine.home / "counts.json"
    env = {
        "BACKSTOP_BACKUPS_DIR": str(engine.home / "backups"),
        **engine.env(),
        "COLUMNS": "200",
        "COUNTS_FILE": str(counts),
    }
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-c", COUNTING, *args],
        cwd=engine.project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    data: dict[str, Any] = json.loads(counts.read_text())
    return done, data


def exports(calls: list[list[str]]) -> int:
    return sum(
        1
        for argv in calls
        if Path(argv[0]).name == "pulumi"
        and any(argv[i : i + 2] == ["stack", "export"] for i in range(len(argv) - 1))
    )


def engine_runs(calls: list[list[str]], operation: str) -> int:
    """`pulumi <operation>` runs (the Automation API puts its own flags before the operation)."""
    return sum(
        1
        for argv in calls
        if Path(argv[0]).name == "pulumi"
        and next((a for a in argv[1:] if not a.startswith("-")), "") == operation
    )


def test_a_restore_exports_twice_parses_once_and_runs_the_engine_three_times(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    applied(engine, tmp_path)
    taken = backup(engine)
    wipe(sandbox)  # the stack's state holds the endpoints; live they are gone

    done, data = counted(engine, "restore", "--stack", STACK, "--backup", taken, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)["report"]
    assert report["verified"] is True and report["safety_backup"] and report["post_restore_backup"]

    exported = exports(data["calls"])
    by_text = Counter(p["sha256"] for p in data["parses"])
    restored = by_text.most_common(1)[0][1] if by_text else 0
    summary = f"{exported} exports, parses: {[p['source'] for p in data['parses']]}"
    assert exported <= 2, summary
    # The safety backup's refresh, the update (on that refreshed state), the verifying `refresh
    # --preview-only` (live against the state the update wrote: the program isn't run again; a full
    # preview only when that finds drift); the post-restore backup of a verified restore needs no refresh.
    runs = {op: engine_runs(data["calls"], op) for op in ("refresh", "up", "preview")}
    assert runs == {"refresh": 2, "up": 1, "preview": 0}, runs
    verifying = [a for a in data["calls"] if Path(a[0]).name == "pulumi" and "--preview-only" in a]
    assert len(verifying) == 1, verifying
    # The update doesn't read every object live again: the safety backup's refresh just did.
    (update,) = [a for a in data["calls"] if Path(a[0]).name == "pulumi" and "up" in a]
    assert "--refresh" not in update, update
    # No `stack history` or `stack output` of the Automation API's own after the update and the refresh:
    # the webhook secrets are read before and after the update (one revealed `stack output` each, not
    # the library's masked one too), and the session selects the stack once.
    reads = [argv[1:] for argv in data["calls"] if Path(argv[0]).name == "pulumi"]
    assert not [r for r in reads if "history" in r], reads
    assert sum(1 for r in reads if "output" in r) == 2, reads
    assert sum(1 for r in reads if "select" in r) == 1, reads
    # The preflight, once: one config read (its credential checks); its engine check takes the version
    # the workspace read (the one `pulumi version`, which the manifests record too).
    assert len(data["preflights"]) == 1, data["preflights"]
    print(f"the preflight's diagnosis took {data['preflights'][0]:.2f} s")
    assert engine_runs(data["calls"], "version") == 1, reads
    assert sum(1 for r in reads if "config" in r) == 1, reads
    # The restored document is parsed once; the document it replaces is read once more, to validate
    # the safety backup it goes into (as `backstop backup` validates before backing up).
    assert restored == 1, summary
    assert len(data["parses"]) <= 2, summary
