"""Reading the dashboard's inputs: an organisation's rounds and teams, its tallies as of one moment
(never an individual response), the anonymity decision for every view it offers, and the tallies held
as arrays so any view's sums are one masked sum away.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy.orm import Session

from assessment.anonymity import Decision, Population, Selector
from assessment.figure_items import FigureParts, figure_parts
from db.models import Intervention
from db.org_models import Organisation, SurveyRound, Team
from db.organisations import get_organisation, list_round_teams, list_rounds, list_teams
from db.tallies import (
    NOT_APPLICABLE_VALUE,
    AnswerCell,
    ScoreCell,
    count_cells,
)
from questions.model import Instrument, localise
from services.dashboard.filters import Filters
from services.dashboard.release import item_family, load_release, score_family
from services.dashboard.stats import Moments
from services.errors import InvalidInput, NotFound, StartupError
from services.i18n import t
from services.runtime import Runtime, version_key

ALIGNMENT_KEY = "alignment_index"


@dataclass
class DashboardContext:
    """What one dashboard call read, and the decisions made on it, for building every part."""

    rt: Runtime
    filters: Filters
    language: str
    organisation: Organisation
    teams: list[Team]
    rounds: list[SurveyRound]  # closed rounds: the only ones with results
    open_rounds: list[SurveyRound]  # not closed yet (open or upcoming): counts only
    open_counts: dict[tuple[int, int], int]  # (team id, open round id) -> responses so far
    now: datetime
    intervention_names: dict[int, str]
    invited: dict[int, set[int]]  # round id -> team ids invited
    population: Population
    decisions: dict[Selector, Decision]
    round_groups: dict[str, frozenset[int]]
    sums: TallySums


def load_context(rt: Runtime, session: Session, filters: Filters, language: str, now: datetime) -> DashboardContext:
    """Check the filters against the organisation, read its tallies once and decide every offered view.

    Only rounds closed at `now` have results: a view of an open round would grow one response at a
    time, and whoever watches it could tell each newcomer's answers from the change. Open rounds only
    report how many responses came in per team (which the page turns into "enough yet or not").
    Raises NotFound or InvalidInput as `dashboard()` documents.
    """
    organisation = get_organisation(session, organisation_id=filters.organisation_id)
    if organisation is None:
        raise NotFound("organisation")
    teams = list_teams(session, organisation_id=organisation.id)
    rounds = list_rounds(session, organisation_id=organisation.id)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    check_filters(filters, teams, rounds)
    intervention_names = {}
    for intervention_id in sorted({r.intervention_id for r in rounds}):
        intervention = session.get(Intervention, intervention_id)
        intervention_names[intervention_id] = intervention.name if intervention else str(intervention_id)
    invited = {r.id: {t.id for t in list_round_teams(session, round_id=r.id)} for r in rounds}

    open_rounds = [r for r in rounds if aware(r.closes_at) > now]
    rounds = [r for r in rounds if aware(r.closes_at) <= now]
    open_ids = {r.id for r in open_rounds}
    open_counts: dict[tuple[int, int], int] = defaultdict(int)
    for (team_id, round_id, _role), n in count_cells(session, organisation_id=organisation.id).items():
        if round_id in open_ids:
            open_counts[(team_id, round_id)] += n
    # Every intervention's rounds are offered (as the intervention filter), whatever is filtered now.
    round_groups: dict[str, frozenset[int]] = defaultdict(frozenset)
    for survey_round in rounds:
        name = f"intervention:{survey_round.intervention_id}"
        round_groups[name] = round_groups[name] | {survey_round.id}
    instrument_of = {r.id: r.instrument_hash for r in rounds}
    parts: dict[str, FigureParts] = {}

    def parts_of(round_id: int) -> FigureParts:
        content_hash = instrument_of[round_id]
        if content_hash not in parts:
            parts[content_hash] = figure_parts(rt.bank(content_hash))
        return parts[content_hash]

    release = load_release(session, organisation, {r.id for r in rounds}, dict(round_groups), now, parts_of)
    population = Population(release.counts)
    decisions = release.decisions
    sums = TallySums(release.score_cells, release.answer_cells, release.shown)
    return DashboardContext(
        rt,
        filters,
        language,
        organisation,
        teams,
        rounds,
        open_rounds,
        dict(open_counts),
        now,
        intervention_names,
        invited,
        population,
        decisions,
        dict(round_groups),
        sums,
    )


def check_filters(filters: Filters, teams: Sequence[Team], rounds: Sequence[SurveyRound]) -> None:
    """NotFound for a team, round or intervention that is not the organisation's (`teams`, all its
    `rounds`); InvalidInput for a round that is not of the chosen intervention."""
    # Queries filter on the organisation as well: a team id is only checked against the scope.
    if filters.team_id is not None and filters.team_id not in {t.id for t in teams}:
        raise NotFound("team")
    if filters.round_id is not None and filters.round_id not in {r.id for r in rounds}:
        raise NotFound("round")
    if filters.intervention_id is not None:
        of_intervention = {r.id for r in rounds if r.intervention_id == filters.intervention_id}
        if not of_intervention:
            raise NotFound("intervention")
        if filters.round_id is not None and filters.round_id not in of_intervention:
            raise InvalidInput("the round is not a round of the chosen intervention")


def aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class TallySums:
    """The tallies per atomic cell as arrays, summed over the cells of a view on demand.

    Arrays rather than dicts because a large organisation has tens of thousands of answer tally rows
    and a page sums them for the selection and for every team.
    """

    def __init__(
        self,
        score_cells: Sequence[ScoreCell],
        answer_cells: Sequence[AnswerCell],
        shown: Callable[[str, Selector], bool],
    ):
        # A figure of a view is given only when its own family is shown there (its contributors, N/A
        # excluded, may be fewer than the view's responses): `shown(family, selector)`.
        self._shown = shown
        # Columns at once (zip in C), then one index lookup per row and column.
        s_team, s_round, s_role, s_key, s_n, s_total, s_total_sq = zip(*score_cells) if score_cells else ((),) * 7
        a_team, a_round, a_role, a_item, a_value, a_count = zip(*answer_cells) if answer_cells else ((),) * 6
        s_cells, a_cells = list(zip(s_team, s_round, s_role)), list(zip(a_team, a_round, a_role))
        self.cells = sorted(set(s_cells) | set(a_cells), key=repr)
        cell_index = {cell: i for i, cell in enumerate(self.cells)}
        self.keys = sorted(set(s_key))
        key_index = {key: i for i, key in enumerate(self.keys)}
        self._scores = np.zeros((len(self.cells), len(self.keys), 3))
        self._scores[list(map(cell_index.__getitem__, s_cells)), list(map(key_index.__getitem__, s_key))] = np.array(
            [s_n, s_total, s_total_sq], dtype=float
        ).T.reshape(-1, 3)
        self.items = sorted(set(a_item))
        self.values = sorted(set(a_value))
        item_index = {item: i for i, item in enumerate(self.items)}
        value_index = {value: i for i, value in enumerate(self.values)}
        self._answers = np.zeros((len(self.cells), len(self.items), len(self.values)), dtype=np.int64)
        self._answers[
            list(map(cell_index.__getitem__, a_cells)),
            list(map(item_index.__getitem__, a_item)),
            list(map(value_index.__getitem__, a_value)),
        ] = a_count
        self._score_cache: dict[Selector, dict[str, Moments]] = {}
        self._answer_cache: dict[Selector, dict[str, dict[int, int]]] = {}

    def _mask(self, selector: Selector) -> np.ndarray:
        return np.fromiter((selector.contains(cell) for cell in self.cells), dtype=bool, count=len(self.cells))

    def scores(self, selector: Selector) -> dict[str, Moments]:
        """key -> the moments of that score over the view's responses that have it."""
        if selector not in self._score_cache:
            summed = self._scores[self._mask(selector)].sum(axis=0)
            self._score_cache[selector] = {
                key: Moments(int(n), float(total), float(total_sq))
                for key, (n, total, total_sq) in zip(self.keys, summed.tolist())
                if n and self._shown(score_family(key), selector)
            }
        return self._score_cache[selector]

    def withheld_items(self, selector: Selector) -> set[str]:
        """Items answered on the scale in the view whose own figure is not shown (too few answered them)."""
        summed = self._answers[self._mask(selector)].sum(axis=0)
        scale = [i for i, value in enumerate(self.values) if value != NOT_APPLICABLE_VALUE]
        return {
            item
            for item, counts in zip(self.items, summed[:, scale].tolist() if scale else [])
            if any(counts) and not self._shown(item_family(item), selector)
        }

    def answers(self, selector: Selector) -> dict[str, dict[int, int]]:
        """item id -> {value: count} over the view's responses (value 0 = not applicable)."""
        if selector not in self._answer_cache:
            summed = self._answers[self._mask(selector)].sum(axis=0).tolist()
            self._answer_cache[selector] = {
                item: {value: count for value, count in zip(self.values, counts) if count}
                for item, counts in zip(self.items, summed)
                if any(counts) and self._shown(item_family(item), selector)
            }
        return self._answer_cache[selector]


def instrument_versions(rt: Runtime, rounds: Iterable[SurveyRound]) -> list[Instrument]:
    """The distinct instrument versions of `rounds`, oldest version first."""
    found = {r.instrument_hash: rt.bank(r.instrument_hash) for r in rounds}
    return sorted(found.values(), key=lambda i: (i.id, version_key(i.version)))


def question_set_names(rt: Runtime, instruments: Iterable[Instrument], language: str) -> tuple[str, ...]:
    """Each version in words, as a clinician knows it: "Full questionnaire, version 1.0" or the short form's name
    with its version (its bank's id and version when that bank is no longer installed)."""
    names = []
    for instrument in instruments:
        if instrument.form_id is None:
            name = t("dashboard.overview.full_form", language)
        else:
            try:
                name = localise(rt.bank(instrument.parent_hash or "").form(instrument.form_id).name, language)
            except (StartupError, KeyError):
                names.append(instrument.label)
                continue
        names.append(t("dashboard.overview.form_version", language, name=name, version=instrument.version))
    return tuple(dict.fromkeys(names))
