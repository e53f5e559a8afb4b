"""The backup store: a folder outside any git work tree, or an S3 bucket on a real S3 server (versitygw)."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstop.plugin.model.errors import DesiredStateError
from backstop.runbook.db.store import FolderStore, S3Store, Store, default_url, open_store
from tests.support import ROOT, S3Server


@pytest.fixture
def s3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Server]:
    server = S3Server(tmp_path)
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    server.create_bucket("backups")
    yield server
    server.stop()


def exercise(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "blob.age"
    source.write_bytes(b"sealed bytes")
    assert store.checksum("convex/staging/x.zip.age") is None
    store.put("convex/staging/x.zip.age", source)
    assert store.checksum("convex/staging/x.zip.age") == hashlib.sha256(b"sealed bytes").hexdigest()
    store.get("convex/staging/x.zip.age", tmp_path / "back.age")
    assert (tmp_path / "back.age").read_bytes() == b"sealed bytes"
    store.delete("convex/staging/x.zip.age")
    assert store.checksum("convex/staging/x.zip.age") is None


def test_folder_store(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "store"))
    assert isinstance(store, FolderStore) and store.url == (tmp_path / "store").as_uri()
    exercise(store, tmp_path)
    source = tmp_path / "blob.age"
    store.put("convex/prod/y.zip.age", source)
    stored = tmp_path / "store" / "convex" / "prod" / "y.zip.age"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700


def test_folder_stores_inside_git_are_refused(tmp_path: Path) -> None:
    for inside in (ROOT / "snapshots" / "db", ROOT):
        with pytest.raises(DesiredStateError, match="database exports never go into git"):
            open_store(str(inside))
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    with pytest.raises(DesiredStateError, match="inside the git work tree"):
        open_store((tmp_path / "repo" / "store").as_uri())
    with pytest.raises(DesiredStateError, match="absolute path"):
        open_store("relative/store")
    with pytest.raises(DesiredStateError, match="s3://bucket"):
        open_store("ftp://host/x")


def test_default_store_is_outside_the_repository(tmp_path: Path) -> None:
    assert default_url({"XDG_DATA_HOME": str(tmp_path)}) == (tmp_path / "backstop" / "store").as_uri()
    assert default_url({"BACKSTOP_STORE_URL": "s3://b/p"}) == "s3://b/p"
    assert not Path(default_url({}).removeprefix("file://")).is_relative_to(ROOT)


def test_s3_store_against_versitygw(s3: S3Server, tmp_path: Path) -> None:
    store = open_store("s3://backups/derrimut")
    assert isinstance(store, S3Store) and store.url == "s3://backups/derrimut"
    exercise(store, tmp_path)
    source = tmp_path / "blob.age"
    store.put("convex/prod/z.zip.age", source)
    assert (
        s3.root / "backups" / "derrimut" / "convex" / "prod" / "z.zip.age"
    ).read_bytes() == b"sealed bytes"
