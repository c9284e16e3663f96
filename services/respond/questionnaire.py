"""The self-assessment use cases. Each public function is one user action and one transaction."""

from __future__ import annotations

import difflib
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from assessment import AnswerError, ScoreReport, check_answers, missing_answers, score_answers
from db import interventions as db_interventions
from db import respondents as db_respondents
from db import responses as db_responses
from db.models import Draft
from db.org_models import SurveyRound
from questions import Instrument
from services import throttle
from services.errors import (
    IncompleteAnswers,
    InvalidInput,
    NotFound,
    TooManyAttempts,
)
from services.respond import counting_rules, invitations, workshop_join
from services.respond.resume_codes import code_hash, new_resume_code, normalise
from services.runtime import Runtime
from services.text_rules import has_odd_characters

MAX_INTERVENTION_LENGTH = 200
RESUME_SCOPE = "resume"


@dataclass(frozen=True)
class Started:
    draft_token: str
    resume_code: str | None  # only when a new code was issued: shown once, never stored
    device_limit_reached: bool = False  # through a link, but this browser gave its most: not counted


@dataclass(frozen=True)
class DraftView:
    token: str
    instrument: Instrument
    language: str
    intervention: str
    role: str | None
    answers: dict[str, int | str]
    step: int
    submitted_response_id: int | None
    team_id: int | None = None
    workshop_participant_id: int | None = None


@dataclass(frozen=True)
class ResultView:
    response_id: int
    created_at: datetime
    instrument: Instrument
    language: str
    intervention: str
    role: str | None
    answers: dict[str, int | str]
    report: ScoreReport
    counted_for_team: bool = False


@dataclass(frozen=True)
class ResumeFound:
    open_drafts: list[str] = field(default_factory=list)  # draft tokens, newest first
    results: list[ResultView] = field(default_factory=list)  # oldest first


def _now() -> datetime:
    return datetime.now(UTC)


def clean_intervention(name: str | None) -> str:
    """The intervention name as typed, trimmed; refused when empty, too long or holding control characters."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("intervention_missing")
    if len(name) > MAX_INTERVENTION_LENGTH:
        raise InvalidInput("intervention_too_long")
    if has_odd_characters(name):
        raise InvalidInput("intervention_bad_characters")
    return name


NEAR_MATCH_RATIO = 0.8  # difflib's similarity from which a typed name is asked about ("Onlin CBT modle")


def _words(name: str) -> list[str]:
    """A name compared loosely: case, punctuation and spacing do not count."""
    return "".join(ch if ch.isalnum() else " " for ch in name.casefold()).split()


def same_name(typed: str, known: list[str]) -> str | None:
    """The known name that differs from the typed one only in case, punctuation or spacing."""
    return next((name for name in known if _words(name) == _words(typed)), None)


def near_matches(typed: str, known: list[str]) -> list[str]:
    """Known names a typed name probably means, closest first: one holds the other's words in order
    ("Online CBT" and "Online CBT module"), or difflib finds them similar (typing errors)."""
    words = _words(typed)
    if not words:
        return []
    scored = []
    for name in known:
        other = _words(name)
        if other == words:
            continue
        shorter, longer = sorted((words, other), key=len)
        contains = any(longer[i : i + len(shorter)] == shorter for i in range(len(longer) - len(shorter) + 1))
        ratio = difflib.SequenceMatcher(None, " ".join(words), " ".join(other)).ratio()
        if contains or ratio >= NEAR_MATCH_RATIO:
            scored.append((ratio + (1 if contains else 0), name))
    return [name for _, name in sorted(scored, key=lambda pair: -pair[0])]


def list_interventions(rt: Runtime) -> list[str]:
    with rt.sessions.begin() as session:
        return db_interventions.list_interventions(session, active_only=True)


def start_assessment(
    rt: Runtime,
    *,
    language: str,
    intervention: str,
    role: str | None,
    resume_code: str | None = None,
    client_key: str = "anonymous",
    invite_token: str | None = None,
    device_key: str | None = None,
    again_on_device: bool = False,
) -> Started:
    """Open a draft for a new respondent (issuing a resume code) or for one who gave theirs.

    With an open invitation the draft belongs to that team and round, on the round's instrument version.
    `again_on_device`: this browser (`device_key`, its vm_device cookie) answered through this link
    before and the person said they are someone else; logged, and beyond the browser's limit
    (counting_rules.admit_repeat_device) the draft is the person's own only.
    """
    invitation = None
    if invite_token:
        invitation = invitations.require_open(invitations.check_invitation(rt, invite_token))
        rt.bank(invitation.instrument_hash)
        intervention = invitation.intervention
    intervention = clean_intervention(intervention)
    if role is not None and role not in {r.id for r in rt.instrument.roles}:
        raise InvalidInput("role_unknown")
    if language not in rt.instrument.languages:
        raise InvalidInput("language_unknown")
    if again_on_device and not device_key:
        raise InvalidInput("device_key")
    token = secrets.token_urlsafe(32)
    respondent_id = _authenticate(rt, resume_code, client_key) if resume_code else None
    with rt.sessions.begin() as session:
        issued = None
        if respondent_id is None:
            issued = new_resume_code()
            respondent_id = db_respondents.create_respondent(session, code_hash=code_hash(issued)).id
        cell = (
            counting_rules.Cell(invitation.organisation_id, invitation.team_id, invitation.round_id)
            if invitation is not None
            else None
        )
        limit_reached = False
        if cell and again_on_device and device_key:
            marker = counting_rules.device_marker(device_key, cell.round_id, cell.team_id)
            limit_reached = not counting_rules.admit_repeat_device(session, rt.settings, cell, marker=marker, at=_now())
        counted = None if limit_reached else cell
        db_respondents.create_draft(
            session,
            token=token,
            respondent_id=respondent_id,
            language=language,
            intervention=intervention,
            role=role,
            instrument_hash=invitation.instrument_hash if invitation else rt.instrument.content_hash,
            organisation_id=counted.organisation_id if counted else None,
            team_id=counted.team_id if counted else None,
            round_id=counted.round_id if counted else None,
        )
    return Started(token, issued, limit_reached)


def load_draft(rt: Runtime, token: str | None) -> DraftView:
    if not token or len(token) > 64:
        raise NotFound("draft")
    with rt.sessions.begin() as session:
        draft = db_respondents.get_draft(session, token=token)
        if draft is None:
            raise NotFound("draft")
        return _draft_view(rt, draft)


def _draft_view(rt: Runtime, draft: Draft) -> DraftView:
    return DraftView(
        draft.token,
        rt.bank(draft.instrument_hash),
        draft.language,
        draft.intervention or "",
        draft.role,
        dict(draft.answers or {}),
        draft.step,
        draft.submitted_response_id,
        draft.team_id,
        draft.workshop_participant_id,
    )


def save_answers(rt: Runtime, *, token: str, answers: dict, step: int | None) -> DraftView:
    """Merge answers into the draft (None clears one) and move it to `step` (None: stay where it is);
    refuses unknown items and off-scale values. Returns the draft as saved (one transaction: the page
    draws from it rather than reading the draft again)."""
    with rt.sessions.begin() as session:
        # Locked: two saves of one draft can overlap (a quick second click, a second tab), and
        # each writes the whole answer set; unlocked, the later one would drop the other's answer.
        draft = db_respondents.get_draft(session, token=token, for_update=True)
        if draft is None:
            raise NotFound("draft")
        if draft.submitted_response_id is not None:
            raise InvalidInput("already_submitted")
        instrument = rt.bank(draft.instrument_hash)
        merged = {**(draft.answers or {}), **answers}
        try:
            clean = check_answers(instrument, merged)
        except AnswerError as exc:
            raise InvalidInput("; ".join(exc.problems)) from None
        step = draft.step if step is None else max(0, min(int(step), len(instrument.steps) - 1))
        return _draft_view(rt, db_respondents.write_draft_answers(draft, answers=clean, step=step))


def choices_not_saved(
    shown: Mapping[str, object], stored: Mapping[str, object], last_shown: Mapping[str, object]
) -> dict[str, object]:
    """The choices a page shows that are not stored and were made on that page since it last showed
    the item: one equal to what the page last showed is left alone (another tab may have stored another)."""
    return {
        item: value
        for item, value in shown.items()
        if value is not None and value != stored.get(item) and value != last_shown.get(item)
    }


def submit(rt: Runtime, *, token: str) -> int:
    """Score and store the draft as one response; submitting the same draft again returns the same id.

    A response through a team's link counts for the team only while its round is open and the team's
    headcount is not reached (counting_rules); otherwise it is kept for the person alone.
    """
    now = _now()
    with rt.sessions.begin() as session:
        draft = db_respondents.get_draft(session, token=token, for_update=True)
        if draft is None:
            raise NotFound("draft")
        if draft.submitted_response_id is not None:
            return draft.submitted_response_id
        instrument = rt.bank(draft.instrument_hash)
        answers = dict(draft.answers or {})
        missing = missing_answers(instrument, answers)
        if missing:
            raise IncompleteAnswers(missing)
        report = score_answers(instrument, answers)
        # A workshop that closed meanwhile, or a round that did, keeps the answers as a personal assessment only.
        in_workshop = draft.workshop_participant_id is not None and workshop_join.accepts(session, draft)
        cell = None
        # organisation, team and round are all set or none (attributed_all_or_none)
        if (
            draft.organisation_id is not None
            and draft.team_id is not None
            and draft.round_id is not None
            and (in_workshop or draft.workshop_participant_id is None)
            and invitations.round_is_open(session, draft.round_id, now=now)
        ):
            cell = counting_rules.Cell(draft.organisation_id, draft.team_id, draft.round_id)
            cell = cell if counting_rules.within_headcount(session, cell, at=now) else None
        clean = check_answers(instrument, answers)
        response, created = db_responses.add_response(
            session,
            submission_token=_submission_token(token),
            respondent_id=draft.respondent_id,
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            instrument_hash=instrument.content_hash,
            language=draft.language,
            intervention=draft.intervention or "",
            role=draft.role,
            answers=clean,
            scores=report.flat(),
            draft_token=token,
            organisation_id=cell.organisation_id if cell else None,
            team_id=cell.team_id if cell else None,
            round_id=cell.round_id if cell else None,
        )
        if cell is not None and created:
            counting_rules.flag_identical_burst(
                session, rt.settings, cell, response_id=response.id, answers=clean, at=now
            )
        if in_workshop:
            workshop_join.record(session, draft, response.id)
        return response.id


def not_counted_reason(rt: Runtime, *, token: str) -> str | None:
    """Why the response of a draft started through a team's link does not count for the team:
    "late" (its round was not open when it arrived) or "over_headcount" (the team's headcount was
    reached); None when it counts, or was never meant to (a plain start or a browser over its limit)."""
    with rt.sessions.begin() as session:
        draft = db_respondents.get_draft(session, token=token)
        if draft is None or draft.round_id is None or draft.submitted_response_id is None:
            return None
        response = db_responses.get_response(session, response_id=draft.submitted_response_id)
        if response is None or response.team_id is not None:
            return None
        survey_round = session.get(SurveyRound, draft.round_id)
        if survey_round is None or not survey_round.opens_at <= response.created_at < survey_round.closes_at:
            return "late"
        return "over_headcount"


def _submission_token(draft_token: str) -> str:
    # The draft token is in the URL; its hash marks the submission without storing the token twice.
    return hashlib.sha256(draft_token.encode("ascii")).hexdigest()


def result(rt: Runtime, response_id: int) -> ResultView:
    """One response with its scores. Callers must own it (same session, or a matching resume code)."""
    with rt.sessions.begin() as session:
        views = _result_views(rt, session, [response_id])
    if not views:
        raise NotFound("response")
    return views[0]


def resume(rt: Runtime, *, resume_code: str, client_key: str) -> ResumeFound:
    """Everything a resume code opens: unfinished drafts and past results. Misses are slowed down."""
    respondent_id = _authenticate(rt, resume_code, client_key)
    with rt.sessions.begin() as session:
        drafts = [d.token for d in db_respondents.find_open_drafts(session, respondent_id=respondent_id)]
        responses = db_responses.list_responses(session, respondent_id=respondent_id)
        views = _result_views(rt, session, [r.id for r in responses])
    return ResumeFound(drafts, views)


def _policy(rt: Runtime) -> throttle.ThrottlePolicy:
    return throttle.code_guess_policy(rt.settings)


def _authenticate(rt: Runtime, resume_code: str, client_key: str) -> int:
    """The respondent id behind a resume code; a miss is recorded, and repeated misses must wait."""
    now = _now()
    canonical = normalise(resume_code)
    with rt.sessions.begin() as session:
        wait = throttle.check_allowed(session, _policy(rt), scope=RESUME_SCOPE, client_key=client_key, now=now)
        if wait:
            raise TooManyAttempts(wait)
        respondent = db_respondents.find_respondent(session, code_hash=code_hash(canonical)) if canonical else None
        if respondent is not None:
            return respondent.id
        throttle.record_miss(session, scope=RESUME_SCOPE, client_key=client_key, now=now)
    raise NotFound("resume_code")


def respondent_results(rt: Runtime, session, respondent_id: int) -> list[ResultView]:
    """Every result of one respondent, oldest first, inside the caller's transaction."""
    responses = db_responses.list_responses(session, respondent_id=respondent_id)
    return _result_views(rt, session, [r.id for r in responses])


def _result_views(rt: Runtime, session, response_ids: list[int]) -> list[ResultView]:
    loaded = db_responses.load_answers_and_scores(session, response_ids=response_ids)
    views = []
    for response_id in response_ids:
        response = db_responses.get_response(session, response_id=response_id)
        if response is None:
            continue
        instrument = rt.bank(response.instrument_hash)
        answers, _stored_scores = loaded.get(response_id, ({}, {}))
        views.append(
            ResultView(
                response.id,
                response.created_at,
                instrument,
                response.language,
                response.intervention,
                response.role,
                answers,
                score_answers(instrument, answers),
                response.team_id is not None,
            )
        )
    return views
