"""Signed backups (services/data_tools/backup_signing.py, backup_file.py): an edited backup with its checksums
recomputed, an unsigned one and one signed with another key are refused with nothing kept, unless the
operator accepts them; the key file is made owner-only; and no line is ever held whole beyond its cap.
SQLite only: the signature and the reading do not depend on the database."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from db import Account, AuditLog, make_engine, make_session_factory
from services.data_tools import backup, backup_signing
from services.data_tools.backup_file import MAX_LINE_BYTES, MAX_MEMBERS
from services.runtime import build_runtime
from services.settings import Settings
from tests.support.filled import fill, row_counts

KEY = "k" * 40
OTHER_KEY = "o" * 40


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("key") / "keys" / "backup-signing.key"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VM_BACKUP_KEY_FILE", str(path))
        patch.delenv("VM_BACKUP_KEY", raising=False)
        yield path


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory, migrated_database_template: Path, key_file: Path) -> Path:
    """A backup of a filled database, signed with the key file the export made."""
    folder = tmp_path_factory.mktemp("signed")
    shutil.copyfile(migrated_database_template, folder / "source.db")
    settings = Settings(database_url=f"sqlite:///{folder / 'source.db'}")
    runtime = build_runtime(settings)
    try:
        fill(runtime)
    finally:
        runtime.engine.dispose()
    return Path(backup.export_all(settings, folder / "signed.zip").path)


@pytest.fixture
def target(tmp_path: Path, migrated_database_template: Path, key_file: Path) -> Settings:
    """Settings of an empty database to restore into, with the module's backup key."""
    shutil.copyfile(migrated_database_template, tmp_path / "target.db")
    return Settings(database_url=f"sqlite:///{tmp_path / 'target.db'}")


def forged(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """The backup with members changed and the manifest's rows and sha256 recomputed to match, as an
    attacker without the key would do; the old signature is kept (dropped when `change` drops it)."""
    with zipfile.ZipFile(source) as old:
        contents = {name: old.read(name) for name in old.namelist()}
    contents = {name: changed for name, data in contents.items() if (changed := change(name, data)) is not None}
    manifest = json.loads(contents["manifest.json"])
    for entry in manifest["tables"]:
        data = contents[f"data/{entry['name']}.jsonl"]
        entry["rows"], entry["sha256"] = len(data.splitlines()), hashlib.sha256(data).hexdigest()
    contents["manifest.json"] = json.dumps(manifest, indent=1).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in contents.items():
            new.writestr(name, data)
    return target


def manager_made_admin(name: str, data: bytes) -> bytes:
    return data.replace(b'"manager"', b'"admin"') if name == "data/account.jsonl" else data


def unsigned(name: str, data: bytes) -> bytes | None:
    return None if name == backup_signing.SIGNATURE else data


def counts(settings: Settings) -> dict[str, int]:
    engine = make_engine(settings.database_url)
    try:
        return row_counts(engine)
    finally:
        engine.dispose()


def roles(settings: Settings) -> list[str]:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            return sorted(session.scalars(select(Account.role)))
    finally:
        engine.dispose()


def last_audit(settings: Settings) -> AuditLog:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            found = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
            assert found is not None
            return found
    finally:
        engine.dispose()


def test_a_signed_backup_is_restored_and_the_audit_log_says_it_was_verified(signed, target):
    restored = backup.import_all(target, signed)
    assert restored.unverified is None
    assert last_audit(target).detail["signature"] == "verified"
    assert "manager" in roles(target)


REFUSALS = [
    ("an account made admin, checksums recomputed", manager_made_admin, "changed after it was made"),
    ("the signature removed", unsigned, "it is not signed"),
    (
        "a damaged signature",
        lambda n, d: b"{not json" if n == backup_signing.SIGNATURE else d,
        "its signature is damaged",
    ),
]


@pytest.mark.parametrize(("change", "message"), [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS])
def test_an_unverified_backup_is_refused_and_nothing_is_kept(signed, target, tmp_path, change, message):
    bad = forged(signed, tmp_path / "bad.zip", change)
    with pytest.raises(backup.UnverifiedBackup, match=message) as refused:
        backup.import_all(target, bad)
    assert "--accept-unsigned" in str(refused.value) and "Nothing was kept" in str(refused.value)
    assert set(counts(target).values()) == {0}
    assert backup.signature_problem(target, bad) is not None
    assert backup.signature_problem(target, signed) is None


def test_the_operator_may_accept_an_unsigned_backup_and_the_audit_log_says_so(signed, target, tmp_path):
    bad = forged(signed, tmp_path / "bad.zip", manager_made_admin)
    restored = backup.import_all(target, bad, accept_unsigned=True)
    assert restored.unverified is not None and "changed after it was made" in restored.unverified
    assert "manager" not in roles(target)
    assert last_audit(target).detail["signature"].startswith("accepted unverified: it was changed")


def test_a_backup_signed_with_another_key_names_the_key(signed, target, monkeypatch):
    monkeypatch.setenv("VM_BACKUP_KEY", OTHER_KEY)
    with pytest.raises(backup.UnverifiedBackup, match="signed with another backup key .* VM_BACKUP_KEY"):
        backup.import_all(Settings(database_url=target.database_url), signed)
    assert set(counts(target).values()) == {0}


def test_without_a_key_the_import_says_so_and_makes_none(signed, target, tmp_path, monkeypatch):
    monkeypatch.setenv("VM_BACKUP_KEY_FILE", str(tmp_path / "none.key"))
    with pytest.raises(backup.UnverifiedBackup, match="no backup key here"):
        backup.import_all(Settings(database_url=target.database_url), signed)
    assert not (tmp_path / "none.key").exists()


def test_instances_sharing_vm_backup_key_restore_each_others_backups(
    signed, target, tmp_path, monkeypatch, migrated_database_template
):
    monkeypatch.setenv("VM_BACKUP_KEY", KEY)
    monkeypatch.setenv("VM_BACKUP_KEY_FILE", str(tmp_path / "unused.key"))
    first = Settings(database_url=target.database_url)
    backup.import_all(first, signed, accept_unsigned=True)  # signed with the module's key file
    made = backup.export_all(first, tmp_path / "again.zip")
    shutil.copyfile(migrated_database_template, tmp_path / "second.db")
    second = Settings(database_url=f"sqlite:///{tmp_path / 'second.db'}")
    assert backup.import_all(second, made.path).unverified is None
    assert not (tmp_path / "unused.key").exists()


def test_the_first_export_makes_an_owner_only_key_file(signed, key_file):
    assert key_file.exists() and key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text().strip()) == 64


@pytest.mark.parametrize(
    ("content", "mode", "message"),
    [
        ("x" * 64, 0o644, "can be read by other users .*chmod 600"),
        ("short", 0o600, "does not hold a backup key"),
    ],
)
def test_a_key_file_others_can_read_or_without_a_key_is_refused(tmp_path, content, mode, message):
    path = tmp_path / "backup.key"
    path.write_text(content)
    os.chmod(path, mode)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", backup_key_file=path)
    with pytest.raises(backup_signing.SigningKeyError, match=message):
        backup_signing.signing_key(settings, create=True)


@pytest.mark.parametrize("value", ["too short", "CHANGE_ME" * 5])
def test_a_weak_vm_backup_key_stops_the_settings(monkeypatch, value):
    monkeypatch.setenv("VM_BACKUP_KEY", value)
    with pytest.raises(ValidationError, match="backup_key"):
        Settings()


def with_long_line(source: Path, target: Path, key_settings: Settings, size: int) -> Path:
    """The backup with one line of `size` bytes in its first table's data, written a MB at a time, and a
    manifest signed again with the key: only the line's length is wrong."""
    with zipfile.ZipFile(source) as old:
        contents = {name: old.read(name) for name in old.namelist()}
    manifest = json.loads(contents["manifest.json"])
    first = manifest["tables"][0]["name"]
    document = json.dumps(manifest).encode()
    key = backup_signing.signing_key(key_settings, create=False)
    assert key is not None
    contents["manifest.json"], contents[backup_signing.SIGNATURE] = document, backup_signing.signature(key, document)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
        for name, data in contents.items():
            if name != f"data/{first}.jsonl":
                new.writestr(name, data)
        with new.open(f"data/{first}.jsonl", "w", force_zip64=True) as member:
            chunk = b"x" * (1 << 20)
            for _ in range(size // len(chunk)):
                member.write(chunk)
            member.write(b"\n")
    return target


def test_one_150_mb_line_is_refused_without_being_read_whole(signed, target, tmp_path):
    bad = with_long_line(signed, tmp_path / "long.zip", target, 150 << 20)
    tracemalloc.start()
    try:
        with pytest.raises(backup.BackupError, match=f"row 1 of table .* longer than {MAX_LINE_BYTES:,} bytes"):
            backup.import_all(target, bad)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MAX_LINE_BYTES, f"peak {peak:,} bytes while refusing the file"
    assert set(counts(target).values()) == {0}


def test_a_zip_listing_thousands_of_files_is_refused_before_its_directory_is_read(signed, target, tmp_path):
    crowded = tmp_path / "crowded.zip"
    shutil.copyfile(signed, crowded)
    with zipfile.ZipFile(crowded, "a") as archive:
        for number in range(MAX_MEMBERS):
            archive.writestr(f"extra/{number}", b"")
    with pytest.raises(
        backup.BackupError,
        match=f"lists {MAX_MEMBERS + len(zipfile.ZipFile(signed).namelist()):,} files in a directory of",
    ):
        backup.import_all(target, crowded)
    assert set(counts(target).values()) == {0}


def test_the_export_never_writes_a_row_the_restore_would_refuse(signed, tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "MAX_LINE_BYTES", 40)
    source = Settings(database_url=f"sqlite:///{signed.parent / 'source.db'}")
    with pytest.raises(backup.BackupError, match="row 1 of table .* is longer than 40 bytes"):
        backup.export_all(source, tmp_path / "again.zip")
    assert list(tmp_path.glob("again.zip*")) == []
