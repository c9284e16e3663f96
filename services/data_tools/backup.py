"""Backup and restore of the whole database (`manage.py export-all` / `import-all`).

A backup is a zip file: `manifest.json` (format, format version, schema revision, when it was made,
and per table its columns, row count and sha256), `manifest.sig` (the manifest's signature with the
backup key, services/data_tools/backup_signing.py) and one `data/<table>.jsonl` per table, a JSON array per row
in the manifest's column order. Every table of the models is in it (db/snapshot.py), password hashes
and answers included, so the file must be kept as safe as the database.

Both directions stream: rows are read and written a batch at a time, never a whole table at once, and
no line or manifest is read beyond its cap (MAX_LINE_BYTES, MAX_MANIFEST_BYTES), whatever the file holds.
A restore goes into an empty database at the same schema revision, in one transaction: a file that
is unsigned or signed otherwise (unless the operator accepts that), damaged, truncated, of another
format version or schema revision is refused and nothing is kept.
Export is here; restore in backup_restore.py; what both share (codecs, the summary) in backup_plan.py.
Nothing here prints.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, Table
from sqlalchemy import exc as sa_exc

from db import accounts as db_accounts
from db import make_session_factory, snapshot
from services.admin.database import database_location
from services.data_tools import backup_signing as signing
from services.data_tools.backup_file import (
    FORMAT,
    MANIFEST,
    MAX_LINE_BYTES,
    BackupError,
    UnverifiedBackup,
    member,
    signature_problem,
)
from services.data_tools.backup_plan import (
    BATCH,
    FORMAT_VERSION,
    BackupSummary,
    Codec,
    driver_message,
    open_engine,
    revision_at_head,
    table_plan,
)
from services.data_tools.backup_restore import import_all
from services.data_tools.progress import Progress, RowCount, counted
from services.settings import Settings

__all__ = ["BackupError", "BackupSummary", "UnverifiedBackup", "export_all", "import_all", "signature_problem"]


def export_all(
    settings: Settings, path: str | Path, *, now: datetime | None = None, progress: Progress | None = None
) -> BackupSummary:
    """Write every table of the database to a new backup file at `path` (refused when it exists).
    `progress(rows written, rows in the database)` hears how far it is.

    The file is written beside `path` under a temporary name, readable by its owner only, and gets
    its name once complete and once the export is in the audit log ("backup_exported").
    """
    target = Path(path)
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name (a backup is never overwritten)")
    plan = table_plan()
    location = database_location(settings.database_url)
    key = signing.signing_key(settings, create=True)
    assert key is not None  # made when missing
    engine = open_engine(settings.database_url, location)
    partial = target.with_name(target.name + ".partial")
    try:
        revision = revision_at_head(engine, location)
        created_at = now or datetime.now(UTC)
        try:
            rows = _write_file(engine, partial, plan, revision, created_at, key, progress)
        except OSError as exc:
            raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from None
        except sa_exc.SQLAlchemyError as exc:
            raise BackupError(f"cannot read the database {location}: {driver_message(exc)}") from None
        with make_session_factory(engine).begin() as session:
            db_accounts.add_audit(
                session,
                actor_id=None,
                action="backup_exported",
                at=created_at,
                detail={
                    "schema_revision": revision,
                    "tables": len(rows),
                    "rows": sum(rows.values()),
                    "file": target.name,
                    "key_id": key.key_id,
                },
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        engine.dispose()
    return BackupSummary(str(target), location, revision, created_at, rows, key_id=key.key_id)


def _write_file(
    engine: Engine,
    partial: Path,
    plan: list[tuple[Table, list[Codec]]],
    revision: str,
    created_at: datetime,
    key: signing.SigningKey,
    progress: Progress | None = None,
) -> dict[str, int]:
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with (
        os.fdopen(descriptor, "wb") as raw,
        zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive,
        _snapshot(engine) as connection,
    ):
        foreign = snapshot.foreign_tables(connection)
        if foreign:
            raise BackupError(
                f"the database holds table(s) the backup does not know: {', '.join(foreign)}; nothing was written"
            )
        done = RowCount(progress, sum(snapshot.row_count(connection, t) for t, _ in plan)) if progress else None
        tables: list[dict[str, Any]] = []  # the manifest's entries (JSON)
        for table, codecs in plan:
            info = zipfile.ZipInfo(member(table.name), date_time=created_at.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as data:
                count, digest = _write_table(connection, table, codecs, data, done)
            tables.append(
                {"name": table.name, "columns": [c.name for c in table.columns], "rows": count, "sha256": digest}
            )
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": revision,
            "created_at": created_at.isoformat(),
            "tables": tables,
        }
        document = json.dumps(manifest, indent=1).encode("utf-8")
        archive.writestr(MANIFEST, document)
        archive.writestr(signing.SIGNATURE, signing.signature(key, document))
    return {entry["name"]: entry["rows"] for entry in tables}


def _write_table(
    connection: Connection, table: Table, codecs: list[Codec], member: IO[bytes], done: RowCount | None = None
) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    lines: list[str] = []
    for row in counted(snapshot.stream_rows(connection, table, batch=BATCH), done):
        lines.append(
            json.dumps(
                [encode(value) for (encode, _), value in zip(codecs, row, strict=True)],
                ensure_ascii=False,
                separators=(",", ":"),
            )
        )
        count += 1
        if len(lines[-1].encode("utf-8")) + 1 > MAX_LINE_BYTES:  # import would refuse it: never write it
            raise BackupError(
                f"row {count} of table {table.name} is longer than {MAX_LINE_BYTES:,} bytes, more "
                "than a restore reads; nothing was written"
            )
        if len(lines) == BATCH:
            _flush(lines, member, digest)
    _flush(lines, member, digest)
    return count, digest.hexdigest()


def _flush(lines: list[str], member: IO[bytes], digest: Any) -> None:
    if lines:
        data = ("\n".join(lines) + "\n").encode("utf-8")
        member.write(data)
        digest.update(data)
        lines.clear()


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads see one state of the database (PostgreSQL: repeatable read; SQLite:
    one transaction, during which other writers wait)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()  # read only: nothing to keep
