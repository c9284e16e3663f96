"""Restoring a backup (`manage.py import-all`) into an empty database: the whole file checked, then one transaction."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table
from sqlalchemy import exc as sa_exc

from db import accounts as db_accounts
from db import current_revision, make_session_factory, snapshot
from services.admin.database import database_location
from services.data_tools.backup_file import BackupError, lines, open_archive, verified_manifest
from services.data_tools.backup_plan import (
    BATCH,
    FORMAT_VERSION,
    BackupSummary,
    Codec,
    driver_message,
    open_engine,
    table_plan,
)
from services.data_tools.progress import Progress, RowCount, counted
from services.settings import Settings


def import_all(
    settings: Settings, path: str | Path, *, accept_unsigned: bool = False, progress: Progress | None = None
) -> BackupSummary:
    """Restore a backup into the empty database of `settings`, all or nothing.

    Refused (BackupError, nothing changed) when the file is not a backup, is damaged or truncated,
    has a line or manifest beyond its cap, has another format version or schema revision than this
    code and the database, or when the database holds any row; refused as UnverifiedBackup when its
    signature is missing or does not match the backup key, unless `accept_unsigned` (the operator's
    explicit choice, recorded in the audit log). Primary keys are kept; PostgreSQL sequences continue
    after them. The restore is logged as "backup_imported" in the restored audit log. `progress(rows,
    rows in the file)` hears how far the check of the whole file, and then the restore, is.
    """
    source = Path(path)
    plan = table_plan()
    location = database_location(settings.database_url)
    archive = open_archive(source)
    engine = open_engine(settings.database_url, location)
    try:
        with archive:
            manifest, unverified = verified_manifest(settings, archive, source, accept_unsigned=accept_unsigned)
            manifest = _checked(manifest, source, plan)
            _check_database_revision(engine, location, manifest["schema_revision"])
            listed = sum(n for entry in manifest["tables"].values() if isinstance(n := entry.get("rows"), int))
            _verify(archive, source, plan, manifest, RowCount(progress, listed))
            rows = _restore(engine, archive, source, plan, manifest, unverified, RowCount(progress, listed))
    except sa_exc.SQLAlchemyError as exc:
        raise BackupError(f"cannot restore into {location}, nothing was kept: {driver_message(exc)}") from None
    finally:
        engine.dispose()
    return BackupSummary(
        str(source),
        location,
        manifest["schema_revision"],
        datetime.fromisoformat(manifest["created_at"]),
        rows,
        unverified=unverified,
    )


def _checked(manifest: dict[str, Any], source: Path, plan: list[tuple[Table, list[Codec]]]) -> dict[str, Any]:
    """The manifest, checked against this code: version, schema revision, tables and columns."""
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{source} has backup format version {manifest.get('format_version')!r}; this "
            f"ValueMatch reads version {FORMAT_VERSION} only"
        )
    head = snapshot.head_revision()
    if manifest.get("schema_revision") != head:
        raise BackupError(
            f"{source} was made at schema revision {manifest.get('schema_revision')!r}, this "
            f"ValueMatch is at {head!r}: restore it with the ValueMatch version that made it, "
            "then upgrade with `manage.py init-db`"
        )
    try:
        datetime.fromisoformat(manifest["created_at"])
    except (KeyError, TypeError, ValueError):
        raise BackupError(f"{source}: the manifest is damaged (no valid created_at)") from None
    if not isinstance(manifest.get("tables"), list):
        raise BackupError(f"{source}: the manifest is damaged (no list of tables)")
    listed = {entry.get("name"): entry for entry in manifest["tables"] if isinstance(entry, dict)}
    expected = {table.name for table, _ in plan}
    if set(listed) != expected:
        unknown, missing = sorted(set(listed) - expected, key=str), sorted(expected - set(listed))
        raise BackupError(
            f"{source} does not hold the tables of this schema revision"
            + (f"; unknown: {', '.join(map(str, unknown))}" if unknown else "")
            + (f"; missing: {', '.join(missing)}" if missing else "")
        )
    for table, _ in plan:
        if sorted(listed[table.name].get("columns") or []) != sorted(c.name for c in table.columns):
            raise BackupError(f"{source}: the columns of table {table.name} do not match this schema revision")
    return {**manifest, "tables": listed}


def _check_database_revision(engine: Engine, location: str, revision: str) -> None:
    found = current_revision(engine)
    if found is None:
        raise BackupError(
            f"the database {location} has no tables yet: create them with `manage.py init-db` first, then import"
        )
    if found != revision:
        raise BackupError(
            f"the database {location} is at schema revision {found!r} and the backup at "
            f"{revision!r}; restore into a database at the backup's revision"
        )


def _restore(
    engine: Engine,
    archive: zipfile.ZipFile,
    source: Path,
    plan: list[tuple[Table, list[Codec]]],
    manifest: dict[str, Any],
    unverified: str | None,
    done: RowCount | None = None,
) -> dict[str, int]:
    rows: dict[str, int] = {}
    with make_session_factory(engine).begin() as session:
        connection = session.connection()
        foreign = snapshot.foreign_tables(connection)
        if foreign:
            raise BackupError(f"the database holds table(s) the backup does not know: {', '.join(foreign)}")
        filled = {table.name: n for table, _ in plan if (n := snapshot.row_count(connection, table))}
        if filled:
            raise BackupError(
                "the database is not empty ("
                + ", ".join(f"{name}: {n} rows" for name, n in filled.items())
                + "); restore only into a new, empty database"
            )
        for table, codecs in plan:
            entry = manifest["tables"][table.name]
            rows[table.name] = _restore_table(connection, archive, source, table, codecs, entry, done)
        snapshot.reset_sequences(connection)
        db_accounts.add_audit(
            session,
            actor_id=None,
            action="backup_imported",
            detail={
                "schema_revision": manifest["schema_revision"],
                "backup_created_at": manifest["created_at"],
                "tables": len(rows),
                "rows": sum(rows.values()),
                "file": source.name,
                "signature": "accepted unverified: " + unverified if unverified else "verified",
            },
        )
    return rows


def _verify(
    archive: zipfile.ZipFile,
    source: Path,
    plan: list[tuple[Table, list[Codec]]],
    manifest: dict[str, Any],
    done: RowCount | None = None,
) -> None:
    """Read the whole file once before writing anything: every table's row count and sha256 as listed."""
    for table, _ in plan:
        entry = manifest["tables"][table.name]
        digest = hashlib.sha256()
        count = sum(1 for _line in counted(lines(archive, source, table.name, digest), done))
        if count != entry.get("rows"):
            raise BackupError(
                f"{source} is damaged: table {table.name} holds {count} rows, its manifest says "
                f"{entry.get('rows')}; nothing was kept"
            )
        if digest.hexdigest() != entry.get("sha256"):
            raise BackupError(
                f"{source} is damaged: the data of table {table.name} differs from its checksum; nothing was kept"
            )


def _restore_table(
    connection: Connection,
    archive: zipfile.ZipFile,
    source: Path,
    table: Table,
    codecs: list[Codec],
    entry: dict[str, Any],
    done: RowCount | None = None,
) -> int:
    columns = list(entry["columns"])
    decoders = dict(zip((c.name for c in table.columns), (decode for _, decode in codecs), strict=True))
    count = 0
    batch: list[dict[str, Any]] = []
    digest = hashlib.sha256()
    for number, line in enumerate(counted(lines(archive, source, table.name, digest), done), start=1):
        batch.append(_decode_row(source, table, number, line, columns, decoders))
        count += 1
        if len(batch) == BATCH:
            snapshot.insert_rows(connection, table, batch)
            batch = []
    snapshot.insert_rows(connection, table, batch)
    if digest.hexdigest() != entry.get("sha256"):  # the file changed since _verify read it
        raise BackupError(f"{source} changed while it was restored (table {table.name}); nothing was kept")
    return count


def _decode_row(
    source: Path, table: Table, number: int, line: bytes, columns: list[str], decoders: dict[str, Callable[[Any], Any]]
) -> dict[str, Any]:
    try:
        values = json.loads(line)
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError(f"{len(columns)} values expected")
        return {name: decoders[name](value) for name, value in zip(columns, values)}
    except (ValueError, TypeError) as exc:
        raise BackupError(
            f"{source} is damaged: row {number} of table {table.name} cannot be read ({exc}); nothing was kept"
        ) from None
