"""What every page and command needs once per process: settings, database, question banks."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import DatabaseError, make_engine, make_session_factory, upgrade_to_head
from questions import Instrument, QuestionBankError, load_banks

from .errors import StartupError
from .settings import Settings


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    banks: dict[str, Instrument]     # by content hash
    instrument: Instrument           # offered for new assessments

    def bank(self, content_hash: str) -> Instrument:
        """The instrument version a response was answered on."""
        try:
            return self.banks[content_hash]
        except KeyError:
            raise StartupError(f"The question bank version {content_hash[:12]} is no longer installed; "
                               "keep old bank files in the banks folder.") from None


def version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\-]", version))


def newest(banks: dict[str, Instrument], instrument_id: str) -> Instrument:
    candidates = [b for b in banks.values() if b.id == instrument_id]
    if not candidates:
        raise StartupError(f"No question bank with id '{instrument_id}' (setting VM_INSTRUMENT); "
                           f"found: {', '.join(sorted({b.id for b in banks.values()})) or 'none'}")
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
        if migrate:
            upgrade_to_head(engine)
    except DatabaseError as exc:
        raise StartupError(str(exc)) from None
    return Runtime(settings, engine, make_session_factory(engine), banks, instrument)
