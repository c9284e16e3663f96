"""Backup and restore (services/data_tools/backup.py): a database filled through the services comes back row for
row (across backends too), new rows get fresh ids, and every kind of bad file or database is refused
with nothing kept."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, LargeBinary, MetaData, Table, text

from db import AuditLog, make_engine, snapshot
from services.accounts.auth import AccountView
from services.admin import organisations
from services.data_tools import backup, backup_signing
from services.runtime import build_runtime
from services.settings import Settings
from tests.support.filled import fill, row_counts, submit, table_rows
from tests.support.postgres import BACKENDS, throwaway_database

ADMIN = AccountView(None, "console", "admin", {})  # type: ignore[arg-type]


@pytest.fixture(scope="module", autouse=True)
def backup_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The backup key of this module's tests: a key file of their own (made by the first export)."""
    path = tmp_path_factory.mktemp("key") / "backup-signing.key"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VM_BACKUP_KEY_FILE", str(path))
        patch.delenv("VM_BACKUP_KEY", raising=False)
        yield path


@pytest.fixture(params=BACKENDS)
def target_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_database_template: Path) -> Iterator[str]:
    """An empty database at the newest revision to restore into, per backend."""
    if request.param == "sqlite":
        target = tmp_path / "target.db"
        shutil.copyfile(migrated_database_template, target)
        yield f"sqlite:///{target}"
    else:
        with throwaway_database(template=request.getfixturevalue("postgres_template")) as url:
            yield url


@pytest.fixture(scope="module")
def good_backup(
    tmp_path_factory: pytest.TempPathFactory, migrated_database_template: Path, backup_key_file: Path
) -> Path:
    """A backup of a filled SQLite database, made once for the refusal tests."""
    folder = tmp_path_factory.mktemp("backup")
    shutil.copyfile(migrated_database_template, folder / "source.db")
    runtime = build_runtime(Settings(database_url=f"sqlite:///{folder / 'source.db'}"))
    try:
        fill(runtime)
    finally:
        runtime.engine.dispose()
    return Path(backup.export_all(Settings(database_url=f"sqlite:///{folder / 'source.db'}"), folder / "good.zip").path)


def restored_rows(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    try:
        return table_rows(engine)
    finally:
        engine.dispose()


# --- the round trip -----------------------------------------------------------------------------


def test_every_table_comes_back_row_for_row(runtime, target_url, tmp_path):
    """Source on each backend, target on each backend (SQLite->PostgreSQL and back when PostgreSQL is set)."""
    fill(runtime)
    before = table_rows(runtime.engine)
    assert [name for name, rows in before.items() if not rows] == [], "fill() must reach every table"

    made = backup.export_all(runtime.settings, tmp_path / "all.zip")
    restored = backup.import_all(Settings(database_url=target_url), tmp_path / "all.zip")

    after = restored_rows(target_url)
    assert after["audit_log"][-1][AuditLog.__table__.columns.keys().index("action")] == "backup_imported"
    after["audit_log"] = after["audit_log"][:-1]
    for name, rows in before.items():
        assert after[name] == rows, f"table {name} differs after the round trip"
    assert made.rows == restored.rows == {name: len(rows) for name, rows in before.items()}
    assert (tmp_path / "all.zip").stat().st_mode & 0o077 == 0, "the backup must be readable by its owner only"


def test_the_export_is_audited_after_the_file_is_written(runtime, tmp_path):
    fill(runtime)
    made = backup.export_all(runtime.settings, tmp_path / "all.zip")
    with runtime.sessions() as session:
        last = session.query(AuditLog).order_by(AuditLog.id.desc()).first()
    assert last is not None and last.action == "backup_exported" and last.account_id is None
    assert last.detail == {
        "schema_revision": snapshot.head_revision(),
        "tables": len(made.rows),
        "rows": made.total,
        "file": "all.zip",
        "key_id": made.key_id,
    }
    manifest = json.loads(zipfile.ZipFile(tmp_path / "all.zip").read("manifest.json"))
    assert sum(entry["rows"] for entry in manifest["tables"]) == made.total


def test_new_rows_after_a_restore_get_fresh_ids(runtime, target_url, tmp_path):
    fill(runtime)
    before = table_rows(runtime.engine)
    backup.export_all(runtime.settings, tmp_path / "all.zip")
    backup.import_all(Settings(database_url=target_url), tmp_path / "all.zip")
    restored = build_runtime(Settings(database_url=target_url))
    try:
        organisation = organisations.create_organisation(restored, ADMIN, name="GGZ Zuid")
        response_id, _ = submit(restored)
    finally:
        restored.engine.dispose()
    assert organisation.id == max(row[0] for row in before["organisation"]) + 1
    assert response_id == max(row[0] for row in before["response"]) + 1


# --- refusals of the file ----------------------------------------------------------------------


def rewritten(
    source: Path,
    target: Path,
    *,
    manifest: Callable[[dict], None] | None = None,
    members: Callable[[str, bytes], bytes | None] | None = None,
    recount: bool = False,
) -> Path:
    """A copy of the backup with its manifest and members changed (a member changed to None is left out),
    signed again with the backup key, as if export-all had written it so: what follows the signature check.

    `recount`: the manifest's rows and sha256 follow the changed members, as if the file was written so.
    """
    with zipfile.ZipFile(source) as old:
        contents = {name: old.read(name) for name in old.namelist() if name != backup_signing.SIGNATURE}
    document = json.loads(contents.pop("manifest.json"))
    if members is not None:
        contents = {name: changed for name, data in contents.items() if (changed := members(name, data)) is not None}
    if recount:
        for entry in document["tables"]:
            data = contents.get(f"data/{entry['name']}.jsonl", b"")
            entry["rows"], entry["sha256"] = len(data.splitlines()), hashlib.sha256(data).hexdigest()
    if manifest is not None:
        manifest(document)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in contents.items():
            new.writestr(name, data)
        if members is None or members("manifest.json", b"") is not None:
            data = json.dumps(document).encode()
            new.writestr("manifest.json", data)
            key = backup_signing.signing_key(Settings(), create=False)
            assert key is not None
            new.writestr(backup_signing.SIGNATURE, backup_signing.signature(key, data))
    return target


def table_entry(document: dict, name: str) -> dict:
    return next(entry for entry in document["tables"] if entry["name"] == name)


def truncated(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    return target


def flipped_in_the_middle(source: Path, target: Path) -> Path:
    """Bytes of the compressed answers changed, as a bad disk would: the zip's own checks catch it."""
    data = bytearray(source.read_bytes())
    member = zipfile.ZipFile(source).getinfo("data/response_answer.jsonl")
    middle = member.header_offset + 100 + member.compress_size // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    target.write_bytes(bytes(data))
    return target


def one_more_row(name: str, data: bytes) -> bytes:
    return data + data.splitlines(keepends=True)[-1] if name == "data/team.jsonl" else data


def changed_row(name: str, data: bytes) -> bytes:
    return data.replace(b"Team A", b"Team Z") if name == "data/team.jsonl" else data


def naive_time(name: str, data: bytes) -> bytes:
    return data.replace(b"+00:00", b"") if name == "data/organisation.jsonl" else data


def short_row(name: str, data: bytes) -> bytes:
    if name != "data/team.jsonl":
        return data
    first, second = data.splitlines()
    return first + b"\n" + second.replace(b"[2,", b"[") + b"\n"


def team_of_nobody(name: str, data: bytes) -> bytes:
    # An organisation id that does not exist: the database's own foreign key refuses it.
    return data.replace(b"[1,1,", b"[1,99,", 1) if name == "data/team.jsonl" else data


def without(member: str) -> Callable[[str, bytes], bytes | None]:
    return lambda name, data: None if name == member else data


def manifest_change(**changes: object) -> Callable[[dict], None]:
    return lambda document: document.update(changes)


REFUSED_FILES = [
    ("not a zip", lambda s, t: (t.write_bytes(b"no backup at all"), t)[1], "not a readable backup"),
    ("truncated", truncated, "not a readable backup"),
    ("bytes flipped", flipped_in_the_middle, "is damaged"),
    ("no manifest", lambda s, t: rewritten(s, t, members=without("manifest.json")), "has no manifest.json"),
    (
        "another format",
        lambda s, t: rewritten(s, t, manifest=manifest_change(format="other")),
        "not a ValueMatch backup",
    ),
    (
        "format version 2",
        lambda s, t: rewritten(s, t, manifest=manifest_change(format_version=2)),
        "backup format version 2",
    ),
    (
        "another schema revision",
        lambda s, t: rewritten(s, t, manifest=manifest_change(schema_revision="0005")),
        "schema revision '0005'",
    ),
    ("a table missing", lambda s, t: rewritten(s, t, manifest=lambda d: d["tables"].pop()), "missing: "),
    (
        "an unknown table",
        lambda s, t: rewritten(
            s, t, manifest=lambda d: d["tables"].append({"name": "notes", "columns": ["id"], "rows": 0, "sha256": ""})
        ),
        "unknown: notes",
    ),
    (
        "a column renamed",
        lambda s, t: rewritten(s, t, manifest=lambda d: table_entry(d, "team")["columns"].__setitem__(0, "team_id")),
        "columns of table team",
    ),
    (
        "a table's data missing",
        lambda s, t: rewritten(s, t, members=without("data/team.jsonl")),
        "no data for table team",
    ),
    (
        "one row more than counted",
        lambda s, t: rewritten(s, t, members=one_more_row),
        "table team holds 3 rows, its manifest says 2",
    ),
    ("a row changed", lambda s, t: rewritten(s, t, members=changed_row), "differs from its checksum"),
    (
        "a time without its zone",
        lambda s, t: rewritten(s, t, members=naive_time, recount=True),
        "row 1 of table organisation cannot be read",
    ),
    (
        "a row too short",
        lambda s, t: rewritten(s, t, members=short_row, recount=True),
        "row 2 of table team cannot be read",
    ),
    (
        "a row that breaks a rule of the schema",
        lambda s, t: rewritten(s, t, members=team_of_nobody, recount=True),
        r"cannot restore into .*nothing was kept: .*(FOREIGN KEY|foreign key)",
    ),
    ("no creation time", lambda s, t: rewritten(s, t, manifest=lambda d: d.pop("created_at")), "no valid created_at"),
]


@pytest.mark.parametrize(
    ("make", "message"), [case[1:] for case in REFUSED_FILES], ids=[case[0] for case in REFUSED_FILES]
)
def test_a_bad_file_is_refused_and_nothing_is_kept(good_backup, target_url, tmp_path, make, message):
    bad = make(good_backup, tmp_path / "bad.zip")
    with pytest.raises(backup.BackupError, match=message):
        backup.import_all(Settings(database_url=target_url), bad)
    assert set(row_counts_at(target_url).values()) == {0}


def row_counts_at(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        return row_counts(engine)
    finally:
        engine.dispose()


def test_a_missing_file_is_named(target_url, tmp_path):
    with pytest.raises(backup.BackupError, match="does not exist"):
        backup.import_all(Settings(database_url=target_url), tmp_path / "nowhere.zip")


# --- refusals of the database -------------------------------------------------------------------


def test_a_database_with_rows_is_refused(good_backup, target_url):
    backup.import_all(Settings(database_url=target_url), good_backup)
    before = row_counts_at(target_url)
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.import_all(Settings(database_url=target_url), good_backup)
    assert row_counts_at(target_url) == before


def test_a_database_without_tables_is_sent_to_init_db(good_backup, tmp_path):
    with pytest.raises(backup.BackupError, match="init-db"):
        backup.import_all(Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}"), good_backup)


def test_a_database_at_another_revision_is_refused(good_backup, target_url):
    engine = make_engine(target_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    engine.dispose()
    with pytest.raises(backup.BackupError, match="schema revision '0005'"):
        backup.import_all(Settings(database_url=target_url), good_backup)


# --- the export refuses what it cannot do -------------------------------------------------------


def test_an_existing_file_is_never_overwritten(runtime, tmp_path):
    (tmp_path / "all.zip").write_bytes(b"an older backup")
    with pytest.raises(backup.BackupError, match="exists already"):
        backup.export_all(runtime.settings, tmp_path / "all.zip")
    assert (tmp_path / "all.zip").read_bytes() == b"an older backup"


def test_a_database_below_the_newest_revision_is_not_exported(tmp_path):
    with pytest.raises(backup.BackupError, match="init-db"):
        backup.export_all(Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}"), tmp_path / "all.zip")
    assert list(tmp_path.glob("all.zip*")) == []


def test_a_table_the_models_do_not_know_stops_the_export(target_url, tmp_path):
    # A database of this test only: the shared one (runtime's) must keep the models' schema.
    engine = make_engine(target_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE extra_notes (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(backup.BackupError, match="extra_notes"):
        backup.export_all(Settings(database_url=target_url), tmp_path / "all.zip")
    assert list(tmp_path.glob("all.zip*")) == []


def test_a_column_type_without_a_codec_stops_the_export(runtime, tmp_path, monkeypatch):
    blobs = Table("blobs", MetaData(), Column("id", Integer, primary_key=True), Column("data", LargeBinary))
    monkeypatch.setattr(snapshot, "data_tables", lambda: [*snapshot.Base.metadata.sorted_tables, blobs])
    with pytest.raises(backup.BackupError, match="blobs.data"):
        backup.export_all(runtime.settings, tmp_path / "all.zip")


def test_the_backup_file_lists_every_table_of_the_models(good_backup):
    manifest = json.loads(zipfile.ZipFile(good_backup).read("manifest.json"))
    assert manifest["format"] == "valuematch-backup" and manifest["format_version"] == 1
    assert manifest["schema_revision"] == snapshot.head_revision()
    assert [entry["name"] for entry in manifest["tables"]] == [t.name for t in snapshot.data_tables()]
    lines = io.BytesIO(zipfile.ZipFile(good_backup).read("data/response.jsonl")).read().splitlines()
    assert len(lines) == table_entry(manifest, "response")["rows"] > 0
