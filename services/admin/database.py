"""Database administration behind manage.py: create or migrate the database, and keep the intervention list.

Every function raises the usual families (StartupError, DatabaseError, InvalidInput); manage.py turns
them into messages. Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, make_url
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from db import DatabaseError, current_revision, make_engine, make_session_factory, upgrade_to_head
from db import interventions as db_interventions
from db.accounts import add_audit
from services import i18n
from services.errors import InvalidInput
from services.respond.questionnaire import MAX_INTERVENTION_LENGTH, clean_intervention
from services.settings import Settings

# --- the database ---------------------------------------------------------------------------


def database_location(url: str) -> str:
    """Where a database lives, fit to print: the SQLite file's absolute path, or the URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or parsed.query.get("mode") == "memory":
            return "SQLite in memory (nothing is kept)"
        if database.startswith("file:"):
            database = database[len("file:") :]
        return str(Path(database).expanduser().absolute())
    return parsed.render_as_string(hide_password=True)


@dataclass(frozen=True)
class DatabaseSetup:
    location: str
    revision_before: str | None  # None: the database was empty
    revision_after: str | None


def init_database(settings: Settings) -> DatabaseSetup:
    """Create the database or migrate it to the newest revision."""
    location = database_location(settings.database_url)
    engine = _engine(settings.database_url, location)
    try:
        before = _revision(engine, location)
        _upgrade(engine, location)
        after = _revision(engine, location)
    finally:
        engine.dispose()
    return DatabaseSetup(location, before, after)


def open_database(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """An engine on the migrated database and its session factory (the caller disposes the engine)."""
    location = database_location(settings.database_url)
    engine = _engine(settings.database_url, location)
    try:
        _upgrade(engine, location)
    except DatabaseError:
        engine.dispose()
        raise
    return engine, make_session_factory(engine)


def _engine(url: str, location: str) -> Engine:
    try:
        return make_engine(url)
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"Cannot use the database {location}: {exc}") from None


def _upgrade(engine: Engine, location: str) -> None:
    try:
        upgrade_to_head(engine)
    except sa_exc.SQLAlchemyError as exc:
        raise DatabaseError(f"Cannot open the database {location}: {_driver_message(exc)}") from None


def _revision(engine: Engine, location: str) -> str | None:
    try:
        return current_revision(engine)
    except sa_exc.SQLAlchemyError as exc:
        raise DatabaseError(f"Cannot open the database {location}: {_driver_message(exc)}") from None


def _driver_message(exc: sa_exc.SQLAlchemyError) -> str:
    # The driver's own first line; SQLAlchemy's text adds the SQL and a link, noise for an admin.
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__


# --- interventions --------------------------------------------------------------------------


INTERVENTION_PROBLEMS = {
    "intervention_missing": "an intervention needs a name",
    "intervention_too_long": f"the name is longer than {MAX_INTERVENTION_LENGTH} characters",
    "intervention_bad_characters": "the name holds control characters (such as a tab or a line break)",
}


def intervention_problem(error: InvalidInput) -> str:
    """The message for an intervention name that the assessment page would refuse too."""
    return INTERVENTION_PROBLEMS.get(str(error)) or i18n.t(f"error.{error}", "en")


def add_intervention(sessions: sessionmaker[Session], name: str) -> tuple[str, str]:
    """Add a name to the organisation's list (same rules as typed on the page).

    Returns (name as stored, outcome): outcome "added", "exists", or "inactive" (listed before but
    switched off, so still not offered). InvalidInput when the name is empty, too long or holds
    control characters.
    """
    name = clean_intervention(name)
    with sessions.begin() as session:
        known = set(db_interventions.list_interventions(session, active_only=False))
        stored = db_interventions.add_intervention(session, name=name)
        if name not in known:
            session.flush()
            add_audit(
                session,
                actor_id=None,
                action="intervention_added",
                detail={"intervention_id": stored.id, "name": stored.name},
            )
            return stored.name, "added"
        offered = name in db_interventions.list_interventions(session, active_only=True)
        return stored.name, "exists" if offered else "inactive"


def list_interventions(sessions: sessionmaker[Session]) -> list[str]:
    """The names offered on the assessment page, sorted."""
    with sessions.begin() as session:
        return db_interventions.list_interventions(session, active_only=True)
