"""Which responses through a team's link count for the team: limits on stuffing (docs/SECURITY.md).

Whoever submits k-1 answers they know can isolate the one real respondent of a group. No identity check
rules that out, but these rules bound it and tell the admin:
- headcount: a team's counted responses in a round never exceed its headcount (team.size) when it is set;
  a response beyond it is kept for the person, unattributed (as from the plain start page), and logged;
- one browser, one link: a second (third, ...) person on one browser is asked first and logged, and one
  browser adds at most `link_device_limit` counted answers through one link;
- identical answers in a burst to one team and round are flagged in the audit log (never the answers).

Everything runs inside the caller's transaction (submitting or starting is one user action), under the
lock on the team's invitation row (db/attribution.lock_invitation), so answers sent at the same moment
are decided one after another. What was refused or flagged is remembered in the audit log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from db import accounts as db_accounts
from db import attribution
from db.org_models import Team
from services.settings import Settings

OVER_HEADCOUNT = "response_over_headcount"
REPEAT_DEVICE = "response_repeat_device"
DEVICE_LIMIT = "response_device_limit"
IDENTICAL_BURST = "response_identical_burst"
ACTIONS = (OVER_HEADCOUNT, REPEAT_DEVICE, DEVICE_LIMIT, IDENTICAL_BURST)
# 80 bits: never the same for two browsers of one link in practice, and short enough for a cookie.
MARKER_LENGTH = 20


@dataclass(frozen=True)
class Cell:
    """The team and round a response would count for."""

    organisation_id: int
    team_id: int
    round_id: int

    def detail(self, **more: object) -> dict[str, object]:
        return {"organisation_id": self.organisation_id, "round_id": self.round_id, "team_id": self.team_id, **more}


def device_marker(device_key: str, round_id: int, team_id: int) -> str:
    """What marks one browser's answers through one team's link in one round: a hash of the browser's
    device key (the vm_device cookie) with the round and team, so it names no browser across links."""
    return hashlib.sha256(f"{device_key}|{round_id}|{team_id}".encode()).hexdigest()[:MARKER_LENGTH]


def within_headcount(session: Session, cell: Cell, *, at: datetime) -> bool:
    """Whether one more response may count for the team in the round; when not, the refusal is logged.

    Locks the team's invitation row first: two responses sent at once cannot both take the last place.
    """
    if attribution.lock_invitation(session, round_id=cell.round_id, team_id=cell.team_id) is None:
        return False  # the team was never invited to this round: nothing counts for it
    team = session.get(Team, cell.team_id)
    if team is None or team.size is None:
        return True
    if attribution.count_counted(session, round_id=cell.round_id, team_id=cell.team_id) < team.size:
        return True
    db_accounts.add_audit(
        session, actor_id=None, action="response_over_headcount", at=at, detail=cell.detail(headcount=team.size)
    )
    return False


def admit_repeat_device(session: Session, settings: Settings, cell: Cell, *, marker: str, at: datetime) -> bool:
    """A further person answering on a browser that answered through this link before (they said they
    are someone else): logged, and counted unless the browser reached the limit (then logged as such).

    Counted when the answering starts: a start that is never submitted still uses up a place.
    """
    attribution.lock_invitation(session, round_id=cell.round_id, team_id=cell.team_id)
    earlier = attribution.count_audit_lines(
        session, action=REPEAT_DEVICE, round_id=cell.round_id, team_id=cell.team_id, device=marker
    )
    # The browser's first answer is not logged (most browsers give one): it is the 1 here.
    if 1 + earlier >= settings.link_device_limit:
        db_accounts.add_audit(
            session,
            actor_id=None,
            action="response_device_limit",
            at=at,
            detail=cell.detail(device=marker, device_limit=settings.link_device_limit),
        )
        return False
    db_accounts.add_audit(
        session,
        actor_id=None,
        action="response_repeat_device",
        at=at,
        detail=cell.detail(device=marker, person_on_device=2 + earlier),
    )
    return True


def flag_identical_burst(
    session: Session, settings: Settings, cell: Cell, *, response_id: int, answers: Mapping[str, object], at: datetime
) -> None:
    """Log a burst when this counted response's answers equal those of enough others of its team and
    round that arrived within the window. The line holds the round, team and how many, never answers.

    Compared by a fingerprint of the answers (kept with the response), one indexed count per submit."""
    mine = sorted((item, value) for item, value in answers.items() if value is not None)
    fingerprint = hashlib.sha256(json.dumps(mine, default=str).encode()).hexdigest()
    attribution.set_fingerprint(session, response_id=response_id, fingerprint=fingerprint)
    since = at - timedelta(minutes=settings.identical_burst_minutes)
    same = attribution.count_identical_recent(
        session, round_id=cell.round_id, team_id=cell.team_id, fingerprint=fingerprint, since=since
    )
    if same >= settings.identical_burst_count:
        db_accounts.add_audit(
            session,
            actor_id=None,
            action="response_identical_burst",
            at=at,
            detail=cell.detail(identical_answers=same, within_minutes=settings.identical_burst_minutes),
        )
