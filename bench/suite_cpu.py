"""Where the test suite's CPU goes: engine and `backstop` commands by kind and by test.

Run the suite with BACKSTOP_TEST_CPU_LOG set (tests/support.py appends one JSON line per command the
tests run through `Engine`), then this script on the file:

    BACKSTOP_TEST_CPU_LOG=/tmp/cpu.jsonl .venv/bin/pytest -n 2 --dist loadfile
    .venv/bin/python bench/suite_cpu.py /tmp/cpu.jsonl [--top 20]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def command_kind(command: list[str]) -> str:
    """`backstop restore`, `pulumi up --yes --skip-preview`: the command and its leading options."""
    if command[0] == "backstop":
        return f"backstop {command[1]}"
    words = [command[0]]
    for arg in command[1:]:
        if arg.startswith("--stack") or (not arg.startswith("-") and len(words) > 1):
            break
        words.append(arg)
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("log", type=Path)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.log.read_text().splitlines() if line.strip()]
    by_kind: dict[str, list[float]] = defaultdict(list)
    by_test: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        by_kind[command_kind(row["command"])].append(row["cpu"])
        by_test[row["test"]].append(row["cpu"])
    total = sum(row["cpu"] for row in rows)
    print(f"{len(rows)} commands, {total:.0f} CPU-seconds\n")
    print(f"{'CPU-s':>8} {'runs':>5} {'each':>6}  command")
    for kind, cpus in sorted(by_kind.items(), key=lambda item: -sum(item[1]))[: args.top]:
        print(f"{sum(cpus):8.1f} {len(cpus):5d} {sum(cpus) / len(cpus):6.2f}  {kind}")
    print(f"\n{'CPU-s':>8} {'runs':>5}  test")
    for test, cpus in sorted(by_test.items(), key=lambda item: -sum(item[1]))[: args.top]:
        print(f"{sum(cpus):8.1f} {len(cpus):5d}  {test}")


if __name__ == "__main__":
    main()
