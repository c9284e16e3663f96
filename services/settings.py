"""The one typed settings object: every setting with a default and a help line, read from the environment."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'data' / 'valuematch.db'}"


class Settings(BaseSettings):
    """ValueMatch settings. Environment variables: DATABASE_URL, and VM_<NAME> for the rest."""

    model_config = SettingsConfigDict(env_prefix="VM_", extra="forbid", frozen=True)

    database_url: str = Field(
        DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL",
        description="SQLAlchemy URL of the database; an SQLite file under data/ by default, "
                    "postgresql+psycopg://user:password@host/db for a shared server.")
    question_banks_dir: Path = Field(
        ROOT / "questions" / "banks",
        description="Folder with the question bank files (*.yaml); every file is validated at start.")
    instrument: str = Field(
        "valuematch", description="Instrument id offered for new assessments; its newest version is used.")
    default_language: str = Field("en", description="Language when none is chosen: en or nl.")
    min_group_size: int = Field(
        5, ge=3, description="Smallest group whose aggregate is ever shown to anyone else (never below 3).")
    resume_free_attempts: int = Field(
        5, ge=1, description="Wrong resume codes allowed from one client before each next try must wait.")
    resume_window_minutes: int = Field(
        15, ge=1, description="Wrong resume codes older than this are forgotten by the slow-down.")
    resume_max_wait_seconds: int = Field(
        300, ge=1, description="Longest wait imposed between tries after repeated wrong resume codes.")

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql")):
            raise ValueError("DATABASE_URL must start with sqlite:// or postgresql+psycopg://")
        if "CHANGE_ME" in value or "changeme" in value:
            raise ValueError("DATABASE_URL still holds a placeholder password")
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("en", "nl"):
            raise ValueError("must be en or nl")
        return value

