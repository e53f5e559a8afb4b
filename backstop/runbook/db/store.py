"""The backup store for encrypted database exports: a folder outside the repository, or an S3 bucket.

`BACKSTOP_STORE_URL` picks where new exports go: a path or `file:///path` (default
`$XDG_DATA_HOME/backstop/store`, i.e. `~/.local/share/backstop/store`), or `s3://bucket/prefix`. The S3
endpoint, region and credentials come from boto3's own environment (`AWS_ENDPOINT_URL_S3` or
`AWS_ENDPOINT_URL` for an S3-compatible server, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
`AWS_REGION`). Each manifest records the store its export went to, and is read back from there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from backstop.plugin.model.errors import DesiredStateError, Problem
from backstop.runbook.workspace import PROJECT_DIR

ENV = "BACKSTOP_STORE_URL"
CHUNK = 1 << 20


class StoreError(Exception):
    """The store could not be reached or refused an operation."""


class Store(Protocol):
    url: str

    def put(self, key: str, source: Path) -> None: ...
    def get(self, key: str, target: Path) -> None: ...
    def checksum(self, key: str) -> str | None:
        """sha256 (hex) of the stored object, None when it is not there."""
        ...

    def delete(self, key: str) -> None: ...


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def default_url(env: Mapping[str, str]) -> str:
    if env.get(ENV):
        return env[ENV]
    data_home = Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return (data_home / "backstop" / "store").resolve().as_uri()


class FolderStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = root.as_uri()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise StoreError(f"object key {key!r} leaves the store")
        return path

    def put(self, key: str, source: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=target.parent)
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str, target: Path) -> None:
        path = self._path(key)
        if not path.exists():
            raise StoreError(f"{key} is not in the store {self.url}")
        shutil.copyfile(path, target)

    def checksum(self, key: str) -> str | None:
        path = self._path(key)
        return sha256_file(path) if path.exists() else None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Store:
    def __init__(self, bucket: str, prefix: str, client: Any = None) -> None:
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.url = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self.client = client or boto3.client(
            "s3", config=Config(retries={"max_attempts": 5, "mode": "standard"})
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _call(self, what: str, operation: Any, *args: Any, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return operation(*args, **kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"{what} in {self.url} failed: {exc}") from None

    def put(self, key: str, source: Path) -> None:
        self._call(f"uploading {key}", self.client.upload_file, str(source), self.bucket, self._key(key))

    def get(self, key: str, target: Path) -> None:
        self._call(f"downloading {key}", self.client.download_file, self.bucket, self._key(key), str(target))

    def checksum(self, key: str) -> str | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise StoreError(f"reading {key} in {self.url} failed: {exc}") from None
        except BotoCoreError as exc:
            raise StoreError(f"reading {key} in {self.url} failed: {exc}") from None
        digest = hashlib.sha256()
        for chunk in response["Body"].iter_chunks(CHUNK):
            digest.update(chunk)
        return digest.hexdigest()

    def delete(self, key: str) -> None:
        self._call(f"deleting {key}", self.client.delete_object, Bucket=self.bucket, Key=self._key(key))


def object_problem(store: Store, key: str, digest: str) -> str | None:
    """None when `key` is in the store with the sha256 `digest`, else what is wrong."""
    try:
        found = store.checksum(key)
    except StoreError as exc:
        return f"the backup store can't be read: {exc}"
    if found is None:
        return f"{key} is missing from {store.url}"
    if found != digest:
        return f"{key} in {store.url} does not match its checksum"
    return None


def _inside_git(path: Path) -> Path | None:
    for folder in [path, *path.parents]:
        if (folder / ".git").exists():
            return folder
    return None


def open_store(url: str) -> Store:
    """Refuses a folder inside a git work tree (this repository or any other): exports never go into git."""
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise _bad(url, "an S3 store URL is s3://bucket[/prefix]")
        return S3Store(parsed.netloc, parsed.path)
    if parsed.scheme not in ("", "file"):
        raise _bad(url, "a store is a folder (path or file:// URL) or s3://bucket[/prefix]")
    root = Path(parsed.path if parsed.scheme == "file" else url).expanduser()
    if not root.is_absolute():
        raise _bad(url, "a folder store needs an absolute path")
    root = root.resolve()
    repository = _inside_git(root)
    if repository is not None or root.is_relative_to(PROJECT_DIR.resolve()):
        raise _bad(
            url,
            f"the folder is inside the git work tree {repository or PROJECT_DIR}: "
            "database exports never go into git",
        )
    return FolderStore(root)


def require_bucket(url: str) -> None:
    """Scheduled jobs run on throw-away machines: a folder store there is lost with the runner."""
    if urlparse(url).scheme != "s3":
        raise _bad(
            url,
            "--require-bucket: this backup must go to an s3://bucket[/prefix] store; a folder on a CI "
            "runner disappears when the job ends",
        )


def _bad(url: str, reason: str) -> DesiredStateError:
    return DesiredStateError([Problem(ENV, url, reason)])
