"""What a professional sees of the action plan, in History and as a pointer on their results: the organisation's
own actions on the themes they scored low, only for their responses that came in through an invitation link
(attributed to the organisation) and only the organisation-wide plan (reading.respondent_actions: no team's
actions, no owner, no notes, no counts). A response without a link belongs to no organisation: nothing.

Which themes count as low is our design, the rule of the plan's suggestions (suggestions.needs_attention) seen
from one person's answers: a match theme, an own value or a compassion element below the middle of the scale, a
mismatch theme above it. A compassion theme is its element, as the plan keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from assessment.scoring import ScoreReport
from db.models import Response
from db.org_models import SurveyRound
from questions.model import Instrument
from services.actions import reading
from services.actions.rows import target_label
from services.actions.suggestions import MIDPOINT, needs_attention
from services.respond.questionnaire import ResultView
from services.runtime import Runtime

__all__ = ["LowTargets", "OrganisationActions", "ShownAction", "low_targets", "organisation_actions"]


@dataclass(frozen=True)
class LowTargets:
    themes: tuple[str, ...]  # domain ids, in the bank's order
    elements: tuple[int, ...]  # compassion elements 1..5, ascending


@dataclass(frozen=True)
class ShownAction:
    """One action in the person's words: what it is about, its status (planned / doing / done), the text the
    organisation wrote (show it literally) and its due date."""

    about: str
    status: str
    description: str
    due_on: date | None


@dataclass(frozen=True)
class OrganisationActions:
    """The actions of one organisation the person answered for, chosen by the low themes of their newest
    response through its link (named by its intervention and date, not by the organisation)."""

    response_id: int
    intervention: str
    answered_at: datetime
    actions: tuple[ShownAction, ...]  # doing, then planned, then done; empty: none on those themes


def _leans_the_wrong_way(side: str, score: float | None) -> bool:
    if side == "value":
        return score is not None and score < MIDPOINT
    return needs_attention(side, score)


def low_targets(instrument: Instrument, report: ScoreReport) -> LowTargets:
    """The themes and elements of one response that leaned the wrong way; no score (too few answers): not low."""
    themes: list[str] = []
    elements: set[int] = set()
    for score in report.domains:
        if not _leans_the_wrong_way(score.side, score.score):
            continue
        domain = instrument.domain(score.domain)
        if domain.side == "compassion":
            if domain.element is not None:
                elements.add(domain.element)
        else:
            themes.append(domain.id)
    elements.update(e.element for e in report.elements if needs_attention("element", e.score))
    return LowTargets(tuple(themes), tuple(sorted(elements)))


def _attribution(rt: Runtime, response_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Response id -> (its organisation, its round's intervention), for the responses that came in through an
    invitation link."""
    if not response_ids:
        return {}
    query = (
        select(Response.id, Response.organisation_id, SurveyRound.intervention_id)
        .join(SurveyRound, SurveyRound.id == Response.round_id)
        .where(Response.id.in_(list(response_ids)), Response.organisation_id.is_not(None))
    )
    with rt.sessions.begin() as session:
        return {
            response_id: (organisation_id, intervention_id)
            for response_id, organisation_id, intervention_id in session.execute(query)
            if organisation_id is not None
        }


def organisation_actions(rt: Runtime, results: Sequence[ResultView], language: str) -> tuple[OrganisationActions, ...]:
    """Per organisation the person answered for through a link (newest answer first), the organisation-wide
    actions on what their newest response through its link scored low. The caller must own `results` (same
    browser session or their resume code), as for questionnaire.result. Read-only: one read of the
    attribution, then one per organisation (reading.respondent_actions)."""
    attributed = _attribution(rt, [view.response_id for view in results])
    newest: dict[int, ResultView] = {}
    for view in sorted(results, key=lambda v: (v.created_at, v.response_id)):
        if view.response_id in attributed:
            newest[attributed[view.response_id][0]] = view
    out = []
    for organisation_id, view in sorted(newest.items(), key=lambda pair: pair[1].created_at, reverse=True):
        low = low_targets(view.instrument, view.report)
        found = reading.respondent_actions(
            rt,
            organisation_id,
            themes=low.themes,
            elements=low.elements,
            intervention_id=attributed[view.response_id][1],
        )
        shown = tuple(
            ShownAction(
                target_label(rt, action.target, language, action.instrument_hash),
                action.status,
                action.description,
                action.due_on,
            )
            for action in found
        )
        out.append(OrganisationActions(view.response_id, view.intervention, view.created_at, shown))
    return tuple(out)
