"""What every page and command needs once per process: settings, database, question banks."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import DatabaseError, make_engine, make_session_factory, upgrade_to_head
from questions import Instrument, QuestionBankError, derive_form, form_hash, load_banks
from services import db_errors
from services.errors import InvalidInput, StartupError, Unavailable
from services.settings import Settings


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    banks: dict[str, Instrument]  # by content hash, the banks' derived forms included
    instrument: Instrument  # offered for new assessments
    # Set once this process has seen an active admin in the database (services.accounts.auth.needs_first_admin).
    admin_seen: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)

    def bank(self, content_hash: str) -> Instrument:
        """The instrument version a response was answered on."""
        try:
            return self.banks[content_hash]
        except KeyError:
            raise StartupError(
                f"The question bank version {content_hash[:12]} is no longer installed; "
                "keep old bank files in the banks folder."
            ) from None

    def form(self, form_id: str | None) -> Instrument:
        """The full instrument (None) or one of its short forms by id; InvalidInput when there is none."""
        if form_id is None:
            return self.instrument
        try:
            form = self.instrument.form(form_id)
        except KeyError:
            raise InvalidInput("form_unknown") from None
        # The loaded copy when there is one, so every page shares one object per hash.
        return self.banks.get(form_hash(self.instrument.content_hash, form)) or derive_form(self.instrument, form)


def version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\-]", version))


def newest(banks: dict[str, Instrument], instrument_id: str) -> Instrument:
    """The newest version of a full bank (never one of its short forms)."""
    candidates = [b for b in banks.values() if b.id == instrument_id and b.form_id is None]
    if not candidates:
        raise StartupError(
            f"No question bank with id '{instrument_id}' (setting VM_INSTRUMENT); "
            f"found: {', '.join(sorted({b.id for b in banks.values()})) or 'none'}"
        )
    return max(candidates, key=lambda b: version_key(b.version))


def load_settings() -> Settings:
    """The settings from the environment; StartupError lists every invalid one."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise StartupError("Invalid settings:\n" + "\n".join(f"- {line}" for line in lines)) from None


def build_runtime(settings: Settings | None = None, *, migrate: bool = True) -> Runtime:
    """Validate banks, open (and on first run create) the database; StartupError says what is wrong."""
    settings = settings or load_settings()
    try:
        banks = load_banks(settings.question_banks_dir)
    except QuestionBankError as exc:
        raise StartupError(str(exc)) from None
    instrument = newest(banks, settings.instrument)
    try:
        engine = make_engine(settings.database_url)
        db_errors.install(engine)
        if migrate:
            upgrade_to_head(engine)
    except DatabaseError as exc:
        raise StartupError(str(exc)) from None
    except Unavailable:
        raise StartupError(
            "The database (DATABASE_URL) cannot be reached or is busy; the app starts once it answers."
        ) from None
    return Runtime(settings, engine, make_session_factory(engine), banks, instrument)
