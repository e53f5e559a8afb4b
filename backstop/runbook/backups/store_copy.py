"""The off-site copy of a configuration backup: its folder as a gzipped tar, encrypted with age to the
stack's `dbBackupKey` (like the database exports), in the backup store (`BACKSTOP_STORE_URL`).

The git copy's manifest names the copy (`store_copy`: store, object, sha256); the tar's own manifest.json
is that manifest without `store_copy`. A copy is trusted only when its sha256 is the recorded one (the
manifest's, or the backup's line in history.jsonl when the folder is gone), it decrypts with the stack's
key (age authenticates every chunk), and every file in it matches its manifest's checksums.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from backstop.plugin.model.errors import DesiredStateError, Problem
from backstop.runbook.backups import history
from backstop.runbook.backups.catalogue import Backup
from backstop.runbook.backups.manifest import MANIFEST, Manifest, StoreCopy
from backstop.runbook.db import crypto
from backstop.runbook.db.private import private_dir
from backstop.runbook.db.settings import BACKUP_KEY, NAMESPACE, config_file
from backstop.runbook.db.store import ENV, Store, StoreError, object_problem, open_store, sha256_file


class CopyRefused(Exception):
    """A store copy that isn't there or can't be trusted: nothing was changed (exit 2)."""


@dataclass(frozen=True)
class CopyTarget:
    """Where a new backup's copy goes, and the age identity it is encrypted to."""

    store: Store
    key: str = field(repr=False)


def object_key(stack: str, backup_id: str) -> str:
    return f"config/{stack}/{backup_id}.tar.gz.age"


def backup_key(stack: str, config: Mapping[str, str | None]) -> str:
    """The stack's age identity from its config values (secrets decrypted); a clear problem naming the
    config file and key, never the value, when it is missing or not an identity."""
    where, key = str(config_file(stack)), f"config.{NAMESPACE}:{BACKUP_KEY}"
    value = (config.get(f"{NAMESPACE}:{BACKUP_KEY}") or "").strip()
    if not value:
        raise DesiredStateError(
            [
                Problem(
                    where,
                    key,
                    f"missing: with {ENV} set, configuration backups are copied to the backup store "
                    f"encrypted to this age identity; set one with `pulumi config set --secret {BACKUP_KEY} "
                    f"AGE-SECRET-KEY-1… --stack {stack}` (`age-keygen` makes one; keep a copy outside "
                    f"the repository), or unset {ENV}",
                )
            ]
        )
    reason = crypto.identity_problem(value)
    if reason:
        raise DesiredStateError([Problem(where, key, reason)])
    return value


def target(
    stack: str, env: Mapping[str, str], config: Callable[[], Mapping[str, str | None]]
) -> CopyTarget | None:
    """None without `BACKSTOP_STORE_URL`; else the store (checked first, without a call) and the key."""
    url = env.get(ENV)
    if not url:
        return None
    store = open_store(url)
    return CopyTarget(store, backup_key(stack, config()))


def write_copy(folder: Path, manifest: Manifest, to: CopyTarget) -> StoreCopy:
    """Packs the folder (its files as the manifest names them, and manifest.json as written), encrypts,
    stores and reads the object's checksum back; a failed check deletes what was stored."""
    key = object_key(manifest.stack, manifest.id)
    with private_dir("config-copy") as work:
        plain, sealed = work / "backup.tar.gz", work / "backup.tar.gz.age"
        names = [*manifest.checksums, MANIFEST]
        with tarfile.open(plain, "w:gz") as tar:
            for name in names:
                data = (folder / name).read_bytes()
                info = tarfile.TarInfo(f"{manifest.id}/{name}")
                info.size, info.mode, info.mtime = len(data), 0o644, int(manifest.created_at.timestamp())
                tar.addfile(info, io.BytesIO(data))
        crypto.encrypt(plain, sealed, to.key)
        digest, size = sha256_file(sealed), sealed.stat().st_size
        to.store.put(key, sealed)
        try:
            if to.store.checksum(key) != digest:
                raise StoreError(f"{key} in {to.store.url} does not match what was written")
        except BaseException:
            to.store.delete(key)
            raise
    return StoreCopy(
        store=to.store.url, object=key, sha256=digest, size_bytes=size, recipient=crypto.recipient(to.key)
    )


def copy_problem(manifest: Manifest | None) -> str | None:
    """None when the backup has no store copy, or its copy is in the store with its checksum."""
    copy = manifest.store_copy if manifest else None
    if copy is None:
        return None
    try:
        store = open_store(copy.store)
    except DesiredStateError as exc:
        return f"the backup store can't be opened: {exc}"
    return object_problem(store, copy.object, copy.sha256)


def delete_copy(manifest: Manifest) -> None:
    """Removes a pruned backup's store copy (a backup without one has nothing there)."""
    if manifest.store_copy is not None:
        open_store(manifest.store_copy.store).delete(manifest.store_copy.object)


def git_manifest(folder: Path) -> Manifest | None:
    """The folder's manifest when it can be read, else None."""
    try:
        return Manifest.model_validate_json((folder / MANIFEST).read_text())
    except (OSError, ValidationError):
        return None


def recover(
    backups_dir: Path, stack: str, backup_id: str, key: Callable[[], str], env: Mapping[str, str] = os.environ
) -> Backup:
    """Puts the backup's folder back from its store copy, once the copy is proven whole; CopyRefused
    (nothing written) otherwise. `key` gives the stack's age identity (read only when needed)."""
    folder = backups_dir / stack / backup_id
    git = git_manifest(folder)
    recorded = git.store_copy if git is not None else None
    expected: str | None
    if recorded is not None:
        url, name, expected = recorded.store, recorded.object, recorded.sha256
        where = str(folder / MANIFEST)
    else:
        if git is not None:
            raise CopyRefused(f"backup {backup_id} has no store copy (it was taken without {ENV})")
        url, name = env.get(ENV, ""), object_key(stack, backup_id)
        if not url:
            raise CopyRefused(f"{ENV} is not set, so there is no store copy to look for")
        expected, where = (
            recorded_digest(backups_dir, stack, backup_id),
            str(backups_dir / stack / history.FILE),
        )
    try:
        store = open_store(url)
    except DesiredStateError as exc:
        raise CopyRefused(f"the backup store can't be opened: {exc}") from None
    with private_dir("config-restore") as work:
        sealed, plain = work / "copy.tar.gz.age", work / "copy.tar.gz"
        if store.checksum(name) is None:
            raise CopyRefused(f"{name} is not in the backup store {store.url}")
        store.get(name, sealed)
        digest, size = sha256_file(sealed), sealed.stat().st_size
        if expected is not None and digest != expected:
            raise CopyRefused(
                f"the store copy {name} in {store.url} does not match the checksum recorded in {where}: "
                "refusing it (it was altered or replaced)"
            )
        identity = key()
        try:
            crypto.decrypt(sealed, plain, identity, f"the store copy {name}")
        except crypto.CryptoError as exc:
            raise CopyRefused(f"{exc}; refusing it") from None
        except OSError as exc:  # pyrage reports a damaged payload (after a valid header) this way
            raise CopyRefused(
                f"the store copy {name} cannot be decrypted with this key ({exc}): it was altered; "
                "refusing it"
            ) from None
        files = _unpack(plain, backup_id, name)
    inner = _inner_manifest(files, stack, backup_id, name)
    if git is not None and git.model_copy(update={"store_copy": None}) != inner:
        raise CopyRefused(
            f"the store copy {name} holds another manifest than {folder / MANIFEST}; refusing it"
        )
    copy = recorded or StoreCopy(
        store=store.url, object=name, sha256=digest, size_bytes=size, recipient=crypto.recipient(identity)
    )
    manifest = inner.model_copy(update={"store_copy": copy})
    files[MANIFEST] = (manifest.model_dump_json(by_alias=True, indent=2) + "\n").encode()
    _replace_folder(folder, files)
    return Backup(folder, manifest)


def recorded_digest(backups_dir: Path, stack: str, backup_id: str) -> str | None:
    """The store copy's sha256 in the backup's history line, when the history has one."""
    try:
        events = history.read(backups_dir, stack)
    except (OSError, ValidationError):
        return None
    for event in events:
        if event.kind == "backup" and event.details.get("id") == backup_id:
            digest = event.details.get("store_sha256")
            return str(digest) if digest else None
    return None


def _unpack(plain: Path, backup_id: str, name: str) -> dict[str, bytes]:
    """File name -> bytes, read without extracting: only regular files `<id>/<plain name>`."""
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(plain, "r:gz") as tar:
            for member in tar.getmembers():
                folder, _, file_name = member.name.partition("/")
                if not member.isfile() or folder != backup_id or not file_name or "/" in file_name:
                    raise CopyRefused(
                        f"the store copy {name} holds {member.name!r}, not a file of {backup_id}"
                    )
                if file_name.startswith(".") or file_name in files:
                    raise CopyRefused(f"the store copy {name} holds {member.name!r} twice or hidden")
                handle = tar.extractfile(member)
                assert handle is not None
                files[file_name] = handle.read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise CopyRefused(f"the store copy {name} is not a readable tar: {exc}") from None
    return files


def _inner_manifest(files: Mapping[str, bytes], stack: str, backup_id: str, name: str) -> Manifest:
    if MANIFEST not in files:
        raise CopyRefused(f"the store copy {name} holds no {MANIFEST}")
    try:
        inner = Manifest.model_validate_json(files[MANIFEST])
    except ValidationError as exc:
        raise CopyRefused(
            f"the store copy {name}'s {MANIFEST} can't be read: {exc.errors()[0]['msg']}"
        ) from None
    if (inner.id, inner.stack, inner.kind) != (backup_id, stack, "configuration"):
        raise CopyRefused(f"the store copy {name} is of {inner.kind} backup {inner.id} of {inner.stack}")
    if set(files) != {*inner.checksums, MANIFEST}:
        raise CopyRefused(f"the store copy {name} does not hold exactly the files its {MANIFEST} names")
    for file_name, digest in inner.checksums.items():
        if hashlib.sha256(files[file_name]).hexdigest() != digest:
            raise CopyRefused(f"the store copy {name}: {file_name} does not match its checksum; refusing it")
    return inner


def _replace_folder(folder: Path, files: Mapping[str, bytes]) -> None:
    """Writes the files beside the folder, then swaps them in: the old (damaged or absent) copy goes."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.from-store")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for file_name, data in files.items():
            (staging / file_name).write_bytes(data)
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
