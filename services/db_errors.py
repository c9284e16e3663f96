"""Database outages as one typed error: services.errors.Unavailable ("try again"), never a traceback.

Installed on the runtime's engine (services.runtime.build_runtime), so every service call is covered
in this one place: a dropped connection, a PostgreSQL server that is down, restarting or refusing
connections, and an SQLite file locked past its busy timeout. Other database errors (a broken
constraint, a missing table) stay what they are: retrying would not help. The transaction of the
failed call is rolled back as usual, so a retry starts from what was committed before.
"""

from __future__ import annotations

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

from services.errors import Unavailable

# SQLite result codes (the low byte of an extended code): another connection holds the lock.
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6


def install(engine: Engine) -> None:
    """Turn the engine's outage errors into Unavailable (once per engine)."""
    if not event.contains(engine, "handle_error", _translate):
        event.listen(engine, "handle_error", _translate)


def is_outage(error: BaseException, *, dialect: str, is_disconnect: bool, dbapi_operational: type) -> bool:
    """Whether a DBAPI error means "the database is not there just now" rather than a wrong statement.

    `dbapi_operational` is the driver's OperationalError class. On PostgreSQL (psycopg) that class
    holds exactly the conditions a retry can cure: no connection, server shutting down or starting,
    too many connections, a deadlock or serialisation failure. SQLite uses it for much more
    ("no such table"), so only busy and locked count there.
    """
    if is_disconnect:
        return True
    if not isinstance(error, dbapi_operational):
        return False
    if dialect == "sqlite":
        return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return dialect == "postgresql"


def _translate(context: ExceptionContext) -> None:
    # A failed pre-ping is handled by the pool itself: it opens a new connection instead.
    if context.is_pre_ping:
        return
    dialect = context.dialect
    if is_outage(
        context.original_exception,
        dialect=dialect.name,
        is_disconnect=context.is_disconnect,
        dbapi_operational=dialect.loaded_dbapi.OperationalError,
    ):
        # Raised from here, SQLAlchemy still invalidates a dropped connection (and its pool) first.
        raise Unavailable()
