"""The one typed settings object: every setting with a default and a help line, read from the environment."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'data' / 'valuematch.db'}"
MIN_BACKUP_KEY_CHARS = 32


class SsoRule(BaseModel):
    """One entry of VM_SSO_ALLOW: who may sign in by single sign-on, and as what (see docs/SSO.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: str | None = Field(None, description="One verified e-mail address this rule admits.")
    domain: str | None = Field(None, description="Or every verified address @domain (never as admin).")
    role: Literal["admin", "manager", "facilitator"]
    organisations: tuple[int, ...] = Field((), description="Organisation ids a new account may see.")

    @field_validator("email", "domain")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return value.strip().lower() if value is not None else None

    @model_validator(mode="after")
    def _one_kind(self) -> SsoRule:
        if (self.email is None) == (self.domain is None):
            raise ValueError("give either email or domain")
        if self.email is not None and "@" not in self.email:
            raise ValueError(f"'{self.email}' is not an e-mail address")
        if self.domain is not None and (not self.domain or "@" in self.domain):
            raise ValueError("domain is the part after @, e.g. example.org")
        if self.domain is not None and self.role == "admin":
            raise ValueError("a domain rule cannot make admins; list admins by e-mail")
        if self.role == "admin" and self.organisations:
            raise ValueError("admins see every organisation; leave organisations out")
        if self.role != "admin" and not self.organisations:
            raise ValueError(f"a {self.role} needs at least one organisation id")
        return self


class Settings(BaseSettings):
    """ValueMatch settings. Environment variables: DATABASE_URL, and VM_<NAME> for the rest."""

    model_config = SettingsConfigDict(env_prefix="VM_", extra="forbid", frozen=True)

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        validation_alias="DATABASE_URL",
        description="SQLAlchemy URL of the database; an SQLite file under data/ by default, "
        "postgresql+psycopg://user:password@host/db for a shared server.",
    )
    question_banks_dir: Path = Field(
        ROOT / "questions" / "banks",
        description="Folder with the question bank files (*.yaml); every file is validated at start.",
    )
    instrument: str = Field(
        "valuematch", description="Instrument id offered for new assessments; its newest version is used."
    )
    default_language: str = Field("en", description="Language when none is chosen: en or nl.")
    min_group_size: int = Field(
        5, ge=3, description="Smallest group whose aggregate is ever shown to anyone else (never below 3)."
    )
    resume_free_attempts: int = Field(
        5, ge=1, description="Wrong resume codes allowed from one client before each next try must wait."
    )
    resume_window_minutes: int = Field(
        15, ge=1, description="Wrong resume codes older than this are forgotten by the slow-down."
    )
    resume_max_wait_seconds: int = Field(
        300, ge=1, description="Longest wait imposed between tries after repeated wrong resume codes."
    )

    double_click_seconds: float = Field(
        1.0,
        ge=0,
        le=10,
        description="A second click this soon after the first is taken as the second half of a "
        "double click and ignored: on Next (when nothing was answered on the step it "
        "opened) and on a workshop's show/hide and lock controls (0: never).",
    )

    link_device_limit: int = Field(
        3,
        ge=1,
        le=50,
        description="Most answers one browser can add to a team's round through the team's "
        "invitation link (a shared computer: each further person is asked whether "
        "they are someone else); beyond it answers are kept for the person only.",
    )
    identical_burst_count: int = Field(
        3,
        ge=2,
        le=100,
        description="This many responses with exactly the same answers, through one team's "
        "link within VM_IDENTICAL_BURST_MINUTES, are flagged to admins in the "
        "audit log (they still count).",
    )
    identical_burst_minutes: int = Field(
        10, ge=1, le=1440, description="The window, in minutes, in which identical answers count as a burst."
    )

    workshop_participant_cap: int = Field(
        200, ge=1, le=2000, description="Most participants a workshop takes (a facilitator may set fewer)."
    )
    workshop_hours: int = Field(
        48, ge=1, le=720, description="Hours a workshop's join code works after the session is created."
    )

    session_hours: int = Field(8, ge=1, le=720, description="Hours a sign-in to the admin and dashboard pages lasts.")
    login_free_attempts: int = Field(
        5,
        ge=1,
        description="Wrong passwords allowed for one username from one client before each next try of "
        "that client for that username must wait.",
    )
    login_shared_free_attempts: int = Field(
        20,
        ge=1,
        description="Wrong passwords allowed from one client over all usernames (an office behind one "
        "address), and for one username from all clients together, before the wider "
        "slow-downs start.",
    )
    login_window_minutes: int = Field(
        15, ge=1, description="Wrong passwords older than this are forgotten by the sign-in slow-down."
    )
    login_max_wait_seconds: int = Field(
        900, ge=1, description="Longest wait imposed between sign-in tries after repeated wrong passwords."
    )
    login_username_max_wait_seconds: int = Field(
        30,
        ge=1,
        le=300,
        description="Longest wait a username's many wrong passwords from every client together "
        "impose, and only on a client that itself typed a wrong password lately: "
        "a client without recent misses signs in at once (see docs/SECURITY.md).",
    )
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Addresses or networks (comma-separated, e.g. 127.0.0.1,10.0.0.0/8) of the reverse proxies "
        "in front of the app: only a connection from one of them may name the client in "
        "X-Forwarded-For. Empty: the connection's own address is the client.",
    )
    setup_token_minutes: int = Field(
        60, ge=5, le=1440, description="Minutes a set-up token (printed while no admin exists) stays valid."
    )
    sso_allow: Annotated[tuple[SsoRule, ...], NoDecode] = Field(
        (),
        description='Single sign-on allow-list as JSON: [{"email": ..., "role": ..., "organisations": [ids]}] '
        'or {"domain": ...} entries; empty = nobody signs in by single sign-on.',
    )

    public_url: str | None = Field(
        None,
        description="The address people use to open the app, used in invitation links; when empty "
        "the address of the admin's own browser is used.",
    )

    backup_key_file: Path = Field(
        ROOT / "data" / "backup-signing.key",
        description="File with the key that signs backups (`manage.py export-all`) and checks them "
        "(`import-all`); made by the first export, readable by its owner only.",
    )
    backup_key: SecretStr | None = Field(
        None,
        description="The backup signing key itself (at least 32 characters), instead of the key file: "
        "the same value on several instances lets each restore the others' backups.",
    )

    @field_validator("public_url", mode="before")
    @classmethod
    def _web_address(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not value.startswith(("http://", "https://")):
                raise ValueError("must start with http:// or https://, e.g. https://valuematch.example.org")
        return value

    @field_validator("backup_key", mode="before")
    @classmethod
    def _strong_backup_key(cls, value: object) -> object:
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if "CHANGE_ME" in value or "changeme" in value:
                raise ValueError("VM_BACKUP_KEY still holds a placeholder")
            if len(value) < MIN_BACKUP_KEY_CHARS:
                raise ValueError(
                    f"VM_BACKUP_KEY must be at least {MIN_BACKUP_KEY_CHARS} characters, e.g. "
                    'python -c "import secrets; print(secrets.token_hex(32))"'
                )
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _address_list(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        elif value is None:
            value = ()
        elif not isinstance(value, Iterable):
            raise ValueError("must be a comma-separated list of IP addresses or networks")
        entries = tuple(value)
        for entry in entries:
            try:
                ipaddress.ip_network(str(entry), strict=False)
            except ValueError:
                raise ValueError(f"'{entry}' is not an IP address or network (e.g. 10.0.0.0/8)") from None
        return entries

    @field_validator("sso_allow", mode="before")
    @classmethod
    def _json_allow_list(cls, value: object) -> object:
        # Decoded here rather than by pydantic-settings, so bad JSON is a validation error with
        # a message (and an empty variable means "nobody"), not a traceback.
        if isinstance(value, str):
            if not value.strip():
                return ()
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not valid JSON ({exc.msg}, position {exc.pos})") from None
        return value

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
