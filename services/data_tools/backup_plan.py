"""What a backup holds: a codec per column of each table, the summary of a run, the checks export and restore share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Engine, Float, Integer, String, Table
from sqlalchemy import exc as sa_exc

from db import current_revision, make_engine, snapshot
from db.models import UTCDateTime
from services.data_tools.backup_file import BackupError

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
                f"(type {column.type!r}); add a codec for it in services/data_tools/backup_plan.py"
            )
        found.append(codec)
    return found


def table_plan() -> list[tuple[Table, list[Codec]]]:
    return [(table, _codecs(table)) for table in snapshot.data_tables()]


def open_engine(url: str, location: str) -> Engine:
    try:
        return make_engine(url)
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError) as exc:
        raise BackupError(f"cannot use the database {location}: {exc}") from None


def revision_at_head(engine: Engine, location: str) -> str:
    try:
        found, head = current_revision(engine), snapshot.head_revision()
    except sa_exc.SQLAlchemyError as exc:
        raise BackupError(f"cannot open the database {location}: {driver_message(exc)}") from None
    if found != head:
        raise BackupError(
            f"the database {location} is at schema revision {found!r}, not {head!r}: upgrade it "
            "with `manage.py init-db` before a backup"
        )
    return head


def driver_message(exc: sa_exc.SQLAlchemyError) -> str:
    # The driver's own first line; SQLAlchemy's text adds the SQL and a link, noise for an admin.
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__
