"""The store copy of a configuration backup, without the engine: written encrypted, checked by `backstop
backups`, put back by a restore when the git copy is gone or damaged, refused when altered, pruned with
its folder."""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pyrage import x25519

from backstop.operations.backups import backup_rows
from backstop.operations.choose import choose
from backstop.operations.errors import Failure
from backstop.operations.prune import prune_backups
from backstop.plugin.model.errors import DesiredStateError
from backstop.runbook.backups import history
from backstop.runbook.backups.manifest import MANIFEST, Manifest, backup_id, sha256
from backstop.runbook.backups.store_copy import (
    CopyRefused,
    CopyTarget,
    backup_key,
    recover,
    target,
    write_copy,
)
from backstop.runbook.db import crypto
from backstop.runbook.db.store import FolderStore, open_store

STACK = "staging"
CANARY = "canary-plaintext-in-the-export-3Jx9"
KEY = str(x25519.Identity.generate())
OTHER_KEY = str(x25519.Identity.generate())


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A backups folder and a folder store, both outside git; private folders under a watched TMPDIR."""
    monkeypatch.setenv("BACKSTOP_BACKUPS_DIR", str(tmp_path / "backups"))
    monkeypatch.setenv("BACKSTOP_STORE_URL", str(tmp_path / "store"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    monkeypatch.setattr(tempfile, "tempdir", None)
    yield tmp_path
    assert list((tmp_path / "tmp").iterdir()) == [], "no private folder is left behind"


def store(place: Path) -> FolderStore:
    opened = open_store(str(place / "store"))
    assert isinstance(opened, FolderStore)
    return opened


def take(place: Path, age: timedelta = timedelta(0), backup_class: str = "manual", copy: bool = True) -> Path:
    """A configuration backup folder as `backstop backup` writes it (a canary in its export), with its
    store copy and the history line."""
    at = datetime.now(UTC).replace(microsecond=0) - age
    folder = place / "backups" / STACK / backup_id(STACK, at)
    folder.mkdir(parents=True)
    export = {"deployment": {"resources": [{"type": "backstop:stripe:WebhookEndpoint", "note": CANARY}]}}
    (folder / "stack.json").write_text(json.dumps(export, indent=2) + "\n")
    (folder / "desired.yaml").write_text("scope: {}\n")
    (folder / "stack-config.yaml").write_text("config:\n  platform-config:dbBackupKey:\n    secure: v1:x\n")
    manifest = Manifest.model_validate(
        {
            "id": folder.name,
            "stack": STACK,
            "created_at": at,
            "label": "Manual backup",
            "class": backup_class,
            "created_by": "tests",
            "git_commit": None,
            "tool_version": "0",
            "engine_version": "3.274.1",
            "resource_counts": {"backstop:stripe:WebhookEndpoint": 1},
            "checksums": {f.name: sha256(f) for f in sorted(folder.iterdir())},
            "status": "complete",
        }
    )
    (folder / MANIFEST).write_text(manifest.model_dump_json(by_alias=True, indent=2) + "\n")
    if copy:
        stored = write_copy(folder, manifest, CopyTarget(store(place), KEY))
        manifest = manifest.model_copy(update={"store_copy": stored})
        (folder / MANIFEST).write_text(manifest.model_dump_json(by_alias=True, indent=2) + "\n")
        details: dict[str, Any] = {"id": folder.name, "store_sha256": stored.sha256}
        history.record(place / "backups", history.event("backup", STACK, at, True, **details))
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir())}


def stored_object(place: Path, folder: Path) -> Path:
    manifest = Manifest.model_validate_json((folder / MANIFEST).read_text())
    assert manifest.store_copy is not None
    return place / "store" / manifest.store_copy.object


def test_the_copy_is_the_folder_as_a_tar_encrypted_to_the_stack_key(place: Path) -> None:
    folder = take(place)
    manifest = json.loads((folder / MANIFEST).read_text())
    copy = manifest["store_copy"]
    assert copy["object"] == f"config/{STACK}/{folder.name}.tar.gz.age"
    assert copy["recipient"] == crypto.recipient(KEY) and copy["store"] == (place / "store").as_uri()
    sealed = stored_object(place, folder)
    assert copy["sha256"] == sha256(sealed) and copy["size_bytes"] == sealed.stat().st_size
    assert sealed.read_bytes().startswith(b"age-encryption.org/v1")
    hits = [p for p in (place / "store").rglob("*") if p.is_file() and CANARY.encode() in p.read_bytes()]
    assert hits == [], "nothing in the store is readable without the key"

    crypto.decrypt(sealed, place / "copy.tar.gz", KEY, "copy")  # what `age -d -i key.txt` gives
    with tarfile.open(place / "copy.tar.gz") as tar:
        names = sorted(tar.getnames())
        inner = json.loads(tar.extractfile(f"{folder.name}/{MANIFEST}").read())  # type: ignore[union-attr]
    assert names == [
        f"{folder.name}/{n}" for n in ("desired.yaml", MANIFEST, "stack-config.yaml", "stack.json")
    ]
    assert inner["store_copy"] is None and {**inner, "store_copy": copy} == manifest


def test_backups_checks_both_copies(place: Path) -> None:
    folder = take(place)
    (row,) = backup_rows(STACK)
    assert row["status"] == "ok" and row["store_copy"]["status"] == "ok"

    (folder / "stack.json").write_text("{}")
    (row,) = backup_rows(STACK)
    assert row["status"] == "broken" and row["store_copy"]["status"] == "ok"
    assert row["problem"] == (
        "stack.json does not match its checksum (its store copy is whole: "
        f"`backstop restore --backup {folder.name}` uses it)"
    )

    sealed = stored_object(place, folder)
    sealed.write_bytes(sealed.read_bytes()[:-1] + b"x")
    (row,) = backup_rows(STACK)
    assert row["store_copy"]["status"] == "broken" and "stack.json does not match" in row["problem"]
    older = take(place, timedelta(hours=1))
    rows = {r["id"]: r for r in backup_rows(STACK)}
    assert rows[older.name]["status"] == "ok", "each backup has its own copy"
    sealed.unlink()
    (folder / "stack.json").unlink()
    rows = {r["id"]: r for r in backup_rows(STACK)}
    assert rows[folder.name]["store_copy"]["status"] == "broken"


def test_a_backup_deleted_from_git_comes_back_from_its_store_copy_byte_for_byte(place: Path) -> None:
    folder = take(place)
    before = snapshot(folder)
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()

    recovered = recover(place / "backups", STACK, folder.name, lambda: KEY)

    assert recovered.folder == folder and recovered.verify() is None
    assert snapshot(folder) == before


def test_a_damaged_git_copy_is_replaced_by_its_store_copy(place: Path) -> None:
    folder = take(place)
    before = snapshot(folder)
    (folder / "desired.yaml").write_text("scope: {tampered: true}\n")
    (folder / "stack.json").unlink()
    recovered = recover(place / "backups", STACK, folder.name, lambda: KEY)
    assert recovered.verify() is None and snapshot(folder) == before


def test_a_tampered_store_copy_is_refused_and_nothing_is_written(place: Path) -> None:
    folder = take(place)
    sealed = stored_object(place, folder)
    # Replaced by a well-formed copy of other content, encrypted to the same (public) recipient.
    forged = take(place, timedelta(days=1), copy=False)
    other = write_copy(
        forged, Manifest.model_validate_json((forged / MANIFEST).read_text()), CopyTarget(store(place), KEY)
    )
    sealed.write_bytes((place / "store" / other.object).read_bytes())
    (folder / "stack.json").write_text("damaged in git")
    damaged = snapshot(folder)

    with pytest.raises(
        CopyRefused, match=r"does not match the checksum recorded in .*manifest\.json: refusing"
    ):
        recover(place / "backups", STACK, folder.name, lambda: KEY)
    assert snapshot(folder) == damaged, "the git copy is left as it was"

    shutil.rmtree(folder)  # the folder gone, the digest comes from history.jsonl
    with pytest.raises(CopyRefused, match=r"recorded in .*history\.jsonl: refusing it"):
        recover(place / "backups", STACK, folder.name, lambda: KEY)
    assert not folder.exists()


def test_without_a_recorded_digest_the_copy_is_still_authenticated(place: Path) -> None:
    folder, wrong_key = take(place), take(place, timedelta(days=1))
    (place / "backups" / STACK / history.FILE).unlink()
    sealed = stored_object(place, folder)
    shutil.rmtree(folder)
    shutil.rmtree(wrong_key)
    data = bytearray(sealed.read_bytes())
    data[-40] ^= 1  # one bit of the encrypted payload
    sealed.write_bytes(bytes(data))

    with pytest.raises(CopyRefused, match="cannot be decrypted with this key"):
        recover(place / "backups", STACK, folder.name, lambda: KEY)
    with pytest.raises(CopyRefused, match="cannot be decrypted with this key"):
        recover(place / "backups", STACK, wrong_key.name, lambda: OTHER_KEY)
    with pytest.raises(CopyRefused, match=r"config/staging/staging-20200101T000000Z.tar.gz.age is not in"):
        recover(place / "backups", STACK, "staging-20200101T000000Z", lambda: KEY)
    assert not folder.exists() and not wrong_key.exists()


def test_a_copy_of_another_backup_is_refused(place: Path) -> None:
    folder, other = take(place), take(place, timedelta(days=1))
    (place / "backups" / STACK / history.FILE).unlink()
    stored_object(place, folder).write_bytes(stored_object(place, other).read_bytes())
    shutil.rmtree(folder)
    with pytest.raises(CopyRefused, match=f"holds '{other.name}/desired.yaml', not a file of {folder.name}"):
        recover(place / "backups", STACK, folder.name, lambda: KEY)


def test_a_stack_without_a_backup_key_is_told_to_set_one(
    place: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read() -> dict[str, str | None]:
        raise AssertionError("the config is read only when BACKSTOP_STORE_URL is set")

    monkeypatch.delenv("BACKSTOP_STORE_URL")
    assert target(STACK, {}, read) is None
    env = {"BACKSTOP_STORE_URL": str(place / "store")}
    with pytest.raises(DesiredStateError) as missing:
        target(STACK, env, dict)
    message = str(missing.value)
    assert "Pulumi.staging.yaml" in message and "config.platform-config:dbBackupKey" in message
    assert "missing: with BACKSTOP_STORE_URL set" in message
    assert "`pulumi config set --secret dbBackupKey AGE-SECRET-KEY-1… --stack staging`" in message
    with pytest.raises(DesiredStateError, match="not an age identity") as bad:
        backup_key(STACK, {"platform-config:dbBackupKey": "AGE-PUBLIC-not-a-key"})
    assert "AGE-PUBLIC-not-a-key" not in str(bad.value), "the value is never echoed"
    assert target(STACK, env, lambda: {"platform-config:dbBackupKey": KEY}) is not None
    with pytest.raises(DesiredStateError, match="never go into git"):
        target(STACK, {"BACKSTOP_STORE_URL": str(Path(__file__).parent)}, read)


class Config:
    def __init__(self, value: str) -> None:
        self.value = value


class FakeStack:
    """What choose reads of the stack: its config, secrets decrypted."""

    reads = 0

    def get_all_config(self) -> dict[str, Config]:
        FakeStack.reads += 1
        return {"platform-config:dbBackupKey": Config(KEY)}


def test_restore_chooses_the_store_copy_when_git_lost_it(
    place: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("backstop.operations.choose.select", lambda stack: FakeStack())
    folder = take(place)
    before = snapshot(folder)
    shutil.rmtree(folder)

    chosen = choose(STACK, folder.name, None)
    assert chosen.id == folder.name and snapshot(folder) == before and FakeStack.reads == 1

    (folder / "stack.json").write_text("{}")
    assert choose(STACK, folder.name, None).verify() is None, "a damaged git copy too"
    (folder / "stack.json").write_text("{}")
    assert choose(STACK, None, datetime.now(UTC)).verify() is None, "and the newest before a moment"

    stored_object(place, folder).write_bytes(b"age-encryption.org/v1 forged")
    (folder / "stack.json").write_text("{}")
    with pytest.raises(Failure) as refused:
        choose(STACK, folder.name, None)
    assert refused.value.code == 2
    assert str(refused.value).startswith(f"backup {folder.name} is damaged in git: stack.json does not match")
    assert "its store copy can't be used: the store copy" in str(refused.value)
    reads = FakeStack.reads
    with pytest.raises(Failure, match="no complete backup 'staging-20200101T000000Z' of staging in git"):
        choose(STACK, "staging-20200101T000000Z", None)
    assert FakeStack.reads == reads, "no copy in the store: the stack's config is not read"


def test_prune_removes_both_copies(place: Path) -> None:
    old, kept = take(place, timedelta(days=40), "daily"), take(place, timedelta(days=1), "daily")
    old_object, kept_object = stored_object(place, old), stored_object(place, kept)
    assert prune_backups(STACK, dry_run=True).removed == [old.name]
    assert old.exists() and old_object.exists()

    assert prune_backups(STACK, dry_run=False).removed == [old.name]
    assert not old.exists() and not old_object.exists()
    assert kept.exists() and kept_object.exists()
