"""Slowing down guessing: misses are recorded in the database, so every app server sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from db import lookup_failures as db_lookup_failures


@dataclass(frozen=True)
class ThrottlePolicy:
    free_attempts: int
    window: timedelta
    max_wait_seconds: int


def code_guess_policy(settings) -> ThrottlePolicy:
    """The slow-down for guessed codes (resume codes and workshop join codes), from the VM_RESUME_* settings."""
    return ThrottlePolicy(
        settings.resume_free_attempts,
        timedelta(minutes=settings.resume_window_minutes),
        settings.resume_max_wait_seconds,
    )


def wait_seconds(policy: ThrottlePolicy, failures: list[datetime], now: datetime) -> int:
    """Seconds before the next try is allowed: 0 within the free attempts, then doubling per miss."""
    recent = [f for f in failures if now - f <= policy.window]
    extra = len(recent) - policy.free_attempts
    if extra < 0:
        return 0
    wait = min(policy.max_wait_seconds, 2 ** min(extra, 40))
    remaining = wait - (now - max(recent)).total_seconds()
    return max(0, int(remaining + 0.999))


def shared_wait_seconds(policy: ThrottlePolicy, shared: list[datetime], own: list[datetime], now: datetime) -> int:
    """The wait that the misses of many clients together (`shared`) impose on one client.

    Only a client with recent misses of its own waits, and its wait counts from its own last miss:
    a client without misses is never held, and other clients' misses cannot renew anyone's wait.
    """
    own_recent = [f for f in own if now - f <= policy.window]
    if not own_recent:
        return 0
    extra = sum(1 for f in shared if now - f <= policy.window) - policy.free_attempts
    if extra < 0:
        return 0
    wait = min(policy.max_wait_seconds, 2 ** min(extra, 40))
    remaining = wait - (now - max(own_recent)).total_seconds()
    return max(0, int(remaining + 0.999))


def recent_misses(
    session: Session, policy: ThrottlePolicy, *, scope: str, client_key: str, now: datetime
) -> list[datetime]:
    """The key's misses within the window; the key stays locked until the caller's transaction ends
    (as in check_allowed)."""
    db_lookup_failures.lock_failures_of(session, scope=scope, client_key=client_key)
    return db_lookup_failures.recent_failures(session, scope=scope, client_key=client_key, since=now - policy.window)


def check_allowed(session: Session, policy: ThrottlePolicy, *, scope: str, client_key: str, now: datetime) -> int:
    """Seconds this key must still wait; the key's count stays locked until the caller's transaction ends,
    so the caller records its miss in that transaction before the next try counts."""
    db_lookup_failures.lock_failures_of(session, scope=scope, client_key=client_key)
    failures = db_lookup_failures.recent_failures(
        session, scope=scope, client_key=client_key, since=now - policy.window
    )
    return wait_seconds(policy, failures, now)


def record_miss(session: Session, *, scope: str, client_key: str, now: datetime) -> None:
    db_lookup_failures.record_lookup_failure(session, scope=scope, client_key=client_key, at=now)
