"""Slowing down guessing: misses are recorded in the database, so every app server sees them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from db import repository


@dataclass(frozen=True)
class ThrottlePolicy:
    free_attempts: int
    window: timedelta
    max_wait_seconds: int


def code_guess_policy(settings) -> ThrottlePolicy:
    """The slow-down for guessed codes (resume codes and workshop join codes), from the VM_RESUME_* settings."""
    return ThrottlePolicy(settings.resume_free_attempts, timedelta(minutes=settings.resume_window_minutes),
                          settings.resume_max_wait_seconds)


def wait_seconds(policy: ThrottlePolicy, failures: list[datetime], now: datetime) -> int:
    """Seconds before the next try is allowed: 0 within the free attempts, then doubling per miss."""
    recent = [f for f in failures if now - f <= policy.window]
    extra = len(recent) - policy.free_attempts
    if extra < 0:
        return 0
    wait = min(policy.max_wait_seconds, 2 ** extra)
    remaining = wait - (now - max(recent)).total_seconds()
    return max(0, int(remaining + 0.999))


def check_allowed(session: Session, policy: ThrottlePolicy, *, scope: str, client_key: str, now: datetime) -> int:
    """Seconds this key must still wait; the key's count stays locked until the caller's transaction ends,
    so the caller records its miss in that transaction before the next try counts."""
    repository.lock_failures_of(session, scope=scope, client_key=client_key)
    failures = repository.recent_failures(session, scope=scope, client_key=client_key, since=now - policy.window)
    return wait_seconds(policy, failures, now)


def record_miss(session: Session, *, scope: str, client_key: str, now: datetime) -> None:
    repository.record_lookup_failure(session, scope=scope, client_key=client_key, at=now)
