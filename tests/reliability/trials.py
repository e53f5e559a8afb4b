"""Which kill trials a run makes: all of them in `make reliability`, a seeded sample in `make test`.

`BACKSTOP_KILL_SAMPLE` is how many trials to run (`all` for every one; `make test` leaves it at 3) and
`BACKSTOP_KILL_SEED` picks them. The controller chooses a seed once per run and prints it in pytest's header,
so a failure replays with the same trials: `BACKSTOP_KILL_SEED=<seed> make test` (or pytest on the file).
"""

from __future__ import annotations

import os
import random

SAMPLE = "BACKSTOP_KILL_SAMPLE"
SEED = "BACKSTOP_KILL_SEED"
DEFAULT_SAMPLE = 3
TOTAL = int(os.environ.get("BACKSTOP_KILL_TRIALS", "20"))
"""Kill points spread over the restore; `BACKSTOP_KILL_TRIALS` changes how many."""


def ensure_seed() -> int:
    """The run's seed, chosen once (in the xdist controller, whose environment the workers inherit)."""
    if not os.environ.get(SEED):
        os.environ[SEED] = str(random.SystemRandom().randrange(1, 1_000_000))
    return int(os.environ[SEED])


def sample_size(total: int) -> int:
    wanted = os.environ.get(SAMPLE, str(DEFAULT_SAMPLE)).strip().lower()
    if wanted == "all":
        return total
    if not wanted.isdigit() or int(wanted) < 1:
        raise ValueError(f"{SAMPLE}={wanted!r}: give a whole number of trials, or `all`")
    return min(int(wanted), total)


def chosen_trials(total: int) -> list[int]:
    """The trial numbers (0 … total-1) this run makes, in order."""
    size = sample_size(total)
    if size == total:
        return list(range(total))
    return sorted(random.Random(ensure_seed()).sample(range(total), size))


def header(total: int) -> str:
    size = sample_size(total)
    if size == total:
        return f"kill trials: all {total}"
    return (
        f"kill trials: {size} of {total} (trials {chosen_trials(total)}), seed {ensure_seed()}; "
        f"replay with {SEED}={ensure_seed()}, all of them with `make reliability`"
    )


def kill_points(family: str, points: list[int]) -> list[int]:
    """The kill points of one family of killed-run tests this run makes: all of them in
    `make reliability`, one chosen by the run's seed in `make test` (the same one on every xdist worker)."""
    if os.environ.get(SAMPLE, "").strip().lower() == "all":
        return points
    return [random.Random(f"{ensure_seed()}:{family}").choice(points)]
