"""`targets:` in the desired state: the runbook's RTO and RPO by default, positive numbers when set, and
nothing else; each refusal names the file and the path."""

from __future__ import annotations

import pytest

from backstop.plugin.model import DesiredStateError, parse_document

HEAD = "version: 1\nstack: staging\nscope:\n  stripe: {mode: test}\n"


def test_the_runbooks_objectives_by_default_and_the_documents_when_set() -> None:
    assert parse_document(HEAD, "snapshots/staging.yaml").targets.rto_minutes == 30
    targets = parse_document(HEAD + "targets: {rto_minutes: 15, rpo_hours: 1}\n", "s.yaml").targets
    assert (targets.rto_minutes, targets.rpo_hours) == (15, 1)


@pytest.mark.parametrize(
    ("targets", "path"),
    [
        ("{rto_minutes: 0}", "targets.rto_minutes"),
        ("{rpo_hours: -1}", "targets.rpo_hours"),
        ("{rto: 5}", "targets.rto"),
    ],
)
def test_bad_targets_are_refused_with_their_path(targets: str, path: str) -> None:
    with pytest.raises(DesiredStateError) as caught:
        parse_document(HEAD + f"targets: {targets}\n", "snapshots/staging.yaml")
    assert any(path in str(p) and "snapshots/staging.yaml:5" in str(p) for p in caught.value.problems), (
        caught.value
    )
