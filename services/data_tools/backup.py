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
Nothing here prints.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import JSON, Boolean, Connection, Date, Engine, Float, Integer, String, Table
from sqlalchemy import exc as sa_exc

from db import accounts as db_accounts
from db import current_revision, make_engine, make_session_factory, snapshot
from db.models import UTCDateTime
from services.admin.database import database_location
from services.data_tools import backup_signing as signing
from services.data_tools.backup_file import (
    FORMAT,
    MANIFEST,
    MAX_LINE_BYTES,
    BackupError,
    UnverifiedBackup,
    lines,
    member,
    open_archive,
    signature_problem,
    verified_manifest,
)
from services.data_tools.progress import Progress, RowCount, counted
from services.settings import Settings

__all__ = ["BackupError", "BackupSummary", "UnverifiedBackup", "export_all", "import_all", "signature_problem"]

FORMAT_VERSION = 1
BATCH = 2000


@dataclass(frozen=True)
class BackupSummary:
    path: str
    location: str  # the database, fit to print
    schema_revision: str
    created_at: datetime  # when the backup was made
    rows: dict[str, int]  # table -> rows, in restore order
    key_id: str | None = None  # export: the key that signed it
    unverified: str | None = None  # import: why its signature was not trusted (restored as accepted)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


# --- values: one codec per column type; a type not listed here stops the backup ------------------

Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]  # (to JSON, from JSON)


def _same(value: Any) -> Any:
    return value


def _datetime_to_json(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _datetime_from_json(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"time without a timezone: {value!r}")
    return moment


def _date_to_json(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date_from_json(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


# Checked in order: UTCDateTime before the plain types it could be mistaken for.
_CODECS: tuple[tuple[type, Codec], ...] = (
    (UTCDateTime, (_datetime_to_json, _datetime_from_json)),
    (Date, (_date_to_json, _date_from_json)),  # a day without a time (an action's due date)
    (JSON, (_same, _same)),
    (Boolean, (_same, _same)),
    (Float, (_same, _same)),
    (Integer, (_same, _same)),  # SmallInteger too
    (String, (_same, _same)),
)


def _codecs(table: Table) -> list[Codec]:
    """The codec of each column of `table`; BackupError for a column type no codec handles."""
    found = []
    for column in table.columns:
        codec = next((codec for kind, codec in _CODECS if isinstance(column.type, kind)), None)
        if codec is None:
            raise BackupError(
                f"the backup does not know how to store column {table.name}.{column.name} "
                f"(type {column.type!r}); add a codec for it in services/data_tools/backup.py"
            )
        found.append(codec)
    return found


def _plan() -> list[tuple[Table, list[Codec]]]:
    return [(table, _codecs(table)) for table in snapshot.data_tables()]


# --- export ----------------------------------------------------------------------------------------


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
    plan = _plan()
    location = database_location(settings.database_url)
    key = signing.signing_key(settings, create=True)
    assert key is not None  # made when missing
    engine = _open(settings.database_url, location)
    partial = target.with_name(target.name + ".partial")
    try:
        revision = _revision_at_head(engine, location)
        created_at = now or datetime.now(UTC)
        try:
            rows = _write_file(engine, partial, plan, revision, created_at, key, progress)
        except OSError as exc:
            raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from None
        except sa_exc.SQLAlchemyError as exc:
            raise BackupError(f"cannot read the database {location}: {_driver_message(exc)}") from None
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


# --- import ----------------------------------------------------------------------------------------


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
    plan = _plan()
    location = database_location(settings.database_url)
    archive = open_archive(source)
    engine = _open(settings.database_url, location)
    try:
        with archive:
            manifest, unverified = verified_manifest(settings, archive, source, accept_unsigned=accept_unsigned)
            manifest = _checked(manifest, source, plan)
            _check_database_revision(engine, location, manifest["schema_revision"])
            listed = sum(n for entry in manifest["tables"].values() if isinstance(n := entry.get("rows"), int))
            _verify(archive, source, plan, manifest, RowCount(progress, listed))
            rows = _restore(engine, archive, source, plan, manifest, unverified, RowCount(progress, listed))
    except sa_exc.SQLAlchemyError as exc:
        raise BackupError(f"cannot restore into {location}, nothing was kept: {_driver_message(exc)}") from None
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


# --- shared ----------------------------------------------------------------------------------------


def _open(url: str, location: str) -> Engine:
    try:
        return make_engine(url)
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError) as exc:
        raise BackupError(f"cannot use the database {location}: {exc}") from None


def _revision_at_head(engine: Engine, location: str) -> str:
    try:
        found, head = current_revision(engine), snapshot.head_revision()
    except sa_exc.SQLAlchemyError as exc:
        raise BackupError(f"cannot open the database {location}: {_driver_message(exc)}") from None
    if found != head:
        raise BackupError(
            f"the database {location} is at schema revision {found!r}, not {head!r}: upgrade it "
            "with `manage.py init-db` before a backup"
        )
    return head


def _driver_message(exc: sa_exc.SQLAlchemyError) -> str:
    # The driver's own first line; SQLAlchemy's text adds the SQL and a link, noise for an admin.
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__
