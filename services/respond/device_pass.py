"""'Remember my results on this device': a short-lived pass a browser keeps instead of the resume code.

The pass names the respondent and when it ends, sealed with an HMAC whose key is the respondent's stored
code hash (sha256 of an 80-bit code, kept only in the database). So the pass is not the code, cannot be
forged or stretched without the database, and stops working when it ends even if it was copied. It opens
the person's results only (never their unfinished drafts). The browser deletes it at the end of its life
or when the person chooses "forget now".
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from db import responses as db_responses
from db.models import Respondent
from services.errors import NotFound
from services.respond.questionnaire import ResultView, respondent_results
from services.runtime import Runtime

# A day: enough to come back after a break, a reload or the next shift's handover on the same computer;
# short enough that a shared clinic computer does not keep the way in for days. The code itself lasts.
PASS_HOURS = 24
MAX_PASS_LENGTH = 80


def _now() -> datetime:
    return datetime.now(UTC)


def _seal(code_hash: str, respondent_id: int, ends: int) -> str:
    message = f"vm-device-pass|{respondent_id}|{ends}".encode("ascii")
    return hmac.new(bytes.fromhex(code_hash), message, hashlib.sha256).hexdigest()[:40]


def issue(rt: Runtime, response_id: int, *, now: datetime | None = None) -> tuple[str, datetime]:
    """A pass to the results of the person who gave `response_id` (the caller owns it), and when it ends."""
    ends_at = (now or _now()) + timedelta(hours=PASS_HOURS)
    ends = int(ends_at.timestamp())
    with rt.sessions.begin() as session:
        response = db_responses.get_response(session, response_id=response_id)
        respondent = session.get(Respondent, response.respondent_id) if response is not None else None
        if respondent is None:
            raise NotFound("response")
        return f"{respondent.id}.{ends}.{_seal(respondent.code_hash, respondent.id, ends)}", ends_at


def results(rt: Runtime, token: str | None, *, now: datetime | None = None) -> list[ResultView]:
    """The results a pass opens, oldest first; NotFound when it is malformed, forged or has ended."""
    parts = (token or "").split(".")
    if len(token or "") > MAX_PASS_LENGTH or len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        raise NotFound("device_pass")
    respondent_id, ends, mac = int(parts[0]), int(parts[1]), parts[2]
    if ends <= (now or _now()).timestamp() or ends > (now or _now()).timestamp() + PASS_HOURS * 3600 + 60:
        raise NotFound("device_pass")
    with rt.sessions.begin() as session:
        respondent = session.get(Respondent, respondent_id)
        if respondent is None or not hmac.compare_digest(_seal(respondent.code_hash, respondent_id, ends), mac):
            raise NotFound("device_pass")
        return respondent_results(rt, session, respondent_id)
