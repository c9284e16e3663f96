"""The implementation manager's dashboard: every number it shows, from the tallies, behind anonymity.

One call = one page: `dashboard()` authorises first, reads the organisation's tallies once (never an
individual response), decides every view the dashboard offers with `publishable` once, and builds each
part only from views whose decision is "shown". Anything else carries its Decision, so a page can say
"fewer than k responses" or "withheld to protect a small group", which is not the same as "no data".

The decisions cover every offered view of the organisation (all teams, rounds, interventions and
roles), whatever the filters: the filters only choose which of those views a page looks at, so two
pages with different filters cannot be subtracted to reveal a small group either. Every statistic shown
is a function of per-group sums (see services/dashboard/stats.py), which the anonymity rule covers.

`export_rows()` flattens a view into the rows the exports module writes (CSV, XLSX, PDF). The reading
lives in dashboard_data, the parts in dashboard_parts, the export rows in dashboard_export.

`ContextReuse` lets a page use an organisation's read again for the next views of it (a manager clicking
through the filters): only what was read and decided, never a view; see its docstring.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from assessment.anonymity import ALL, Decision, Selector
from db.organisations import get_organisation, list_rounds, list_teams
from db.releases import released_round_ids
from db.tallies import ALIGNMENT_BIN_EDGES, ALIGNMENT_BIN_PREFIX, count_cells
from db.workshops import tied_pictures
from questions.model import localise
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise
from services.dashboard.data import (
    ALIGNMENT_KEY,
    DashboardContext,
    aware,
    check_filters,
    instrument_versions,
    question_set_names,
)
from services.dashboard.data import (
    load_context as _load,
)
from services.dashboard.filters import Filters
from services.dashboard.options import (
    FilterOptions,
    OpenRound,
    OpenRoundTeam,
    Option,
    RoundOption,
    default_team,
    filter_options,
    open_round_status,
    organisations_for,
)
from services.dashboard.parts import (
    ITEMS_DIFFER,
    LEAST_ALIGNED,
    LOW_PARTICIPATION_BELOW,
    MISALIGNED,
    SPLIT_VIEW,
    WHERE_TO_START_MAX,
    DomainReliability,
    ElementMean,
    Group,
    ItemDistribution,
    Participation,
    StartingPoint,
    TeamAgreement,
    TeamThemes,
    Theme,
    ThemeAgreement,
    ThemeMean,
    TrendPoint,
    common_themes_and_items,
    domain_reliability,
    group_alignment,
    group_for,
    rounds_for_trend,
    team_participation,
    theme_means_of,
    where_to_start,
)
from services.dashboard.rows import EXPORT_COLUMNS, export_rows
from services.dashboard.stats import (
    Moments,
    likert_distribution,
    mean_interval,
)
from services.dashboard.view_types import AlignmentBin, DashboardView
from services.runtime import Runtime

__all__ = [
    "ALIGNMENT_KEY",
    "EXPORT_COLUMNS",
    "ITEMS_DIFFER",
    "LEAST_ALIGNED",
    "LOW_PARTICIPATION_BELOW",
    "MISALIGNED",
    "SPLIT_VIEW",
    "WHERE_TO_START_MAX",
    "AlignmentBin",
    "ContextReuse",
    "DashboardView",
    "Decision",
    "DomainReliability",
    "ElementMean",
    "FilterOptions",
    "Filters",
    "Group",
    "ItemDistribution",
    "OpenRound",
    "OpenRoundTeam",
    "Option",
    "Participation",
    "RoundOption",
    "StartingPoint",
    "TeamAgreement",
    "TeamThemes",
    "Theme",
    "ThemeAgreement",
    "ThemeMean",
    "TrendPoint",
    "dashboard",
    "default_team",
    "export_rows",
    "organisations_for",
]


# --- the use case -------------------------------------------------------------------------------


def dashboard(
    rt: Runtime,
    account: AccountView | None,
    filters: Filters,
    *,
    language: str = "en",
    now: datetime | None = None,
    reuse: ContextReuse | None = None,
) -> DashboardView:
    """The dashboard for `filters`, as far as `account` may see it and anonymity allows.

    Raises NotAuthorised (before anything is read) when the account may not see the organisation or,
    for an account limited to some teams, when no team of its scope is chosen; NotFound for an
    organisation that does not exist or a team, round or intervention that is not the organisation's;
    InvalidInput for a round that is not of the chosen intervention. Only rounds closed at `now`
    (default: the present) have results; see dashboard_data.load_context. With `reuse`, the
    organisation's read may be one made a moment ago (ContextReuse); the view is built anew either way.
    """
    authorise(account, "dashboard", "view", filters.organisation_id, filters.team_id)
    if reuse is not None:
        return _build(reuse.context(rt, filters, language, now or datetime.now(UTC)), account)
    with rt.sessions.begin() as session:
        context = _load(rt, session, filters, language, now or datetime.now(UTC))
    return _build(context, account)


REUSE_SECONDS = 60.0


@dataclass
class ContextReuse:
    """Organisations' reads (tallies, rounds, teams and the release deciding every offered view), kept so
    that the next views of the same organisation need not read and decide it all again.

    A read is used again for at most `seconds`, and only while what it rests on is as it was then, read
    anew on every call: the organisation's k and name, its teams, its rounds (which have opened and
    closed by now), its response count per cell (the live tallies: a new, erased or purged response
    changes them), its released rounds and the pictures of workshops tied to a round (the decisions take
    them into account). Not covered, so seen at most `seconds` late: a renamed intervention and a change
    in which teams a round invites (names and participation, no figure).

    It holds no view and nothing per account: every call still authorises first, checks the filters and
    builds the view from the release's decisions, as without it. Safe to share between sessions.
    """

    seconds: float = REUSE_SECONDS
    _kept: dict[int, tuple[float, tuple, DashboardContext]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def context(self, rt: Runtime, filters: Filters, language: str, now: datetime) -> DashboardContext:
        """The organisation's context for `filters` (checked as load_context checks them)."""
        organisation_id = filters.organisation_id
        clock = time.monotonic()
        with rt.sessions.begin() as session:
            state = _read_state(session, organisation_id, now)
            with self._lock:
                self._kept = {org: kept for org, kept in self._kept.items() if clock - kept[0] < self.seconds}
                kept = self._kept.get(organisation_id)
            if kept is None or kept[1] != state:
                context = _load(rt, session, Filters(organisation_id), language, now)
                # Read again: the first look after a round closed has just released it.
                kept = (clock, _read_state(session, organisation_id, now), context)
        # Kept only once committed: a rolled-back session would leave its objects expired.
        with self._lock:
            self._kept[organisation_id] = kept
        context = kept[2]
        check_filters(filters, context.teams, [*context.rounds, *context.open_rounds])
        # `now` decides only which rounds have opened and closed, the same then as now (the state).
        return replace(context, filters=filters, language=language, now=now)


def _read_state(session, organisation_id: int, now: datetime) -> tuple:
    """What a kept read must still match (ContextReuse): a few small reads."""
    organisation = get_organisation(session, organisation_id=organisation_id)
    if organisation is None:
        return ()
    moment = now if now.tzinfo else now.replace(tzinfo=UTC)
    rounds = list_rounds(session, organisation_id=organisation_id)
    # Workshop pictures of tied rounds take part in the decisions (release state): a new one decides anew.
    pictures = tied_pictures(session, organisation_id=organisation_id, round_ids=[r.id for r in rounds])
    return (
        (organisation.name, organisation.min_group_size, organisation.comment_min_group_size),
        tuple((t.id, t.name, t.size) for t in list_teams(session, organisation_id=organisation_id)),
        tuple(
            (
                r.id,
                r.name,
                r.intervention_id,
                r.instrument_hash,
                r.opens_at,
                r.closes_at,
                aware(r.opens_at) <= moment,
                aware(r.closes_at) <= moment,
            )
            for r in rounds
        ),
        tuple(sorted(count_cells(session, organisation_id=organisation_id).items(), key=repr)),
        tuple(sorted(released_round_ids(session, organisation_id=organisation_id))),
        tuple((workshop, tuple(p.shown_count for p in shown)) for workshop, _cell, shown in pictures),
    )


def _alignment_distribution(scores: dict[str, Moments]) -> tuple[AlignmentBin, ...]:
    uppers = (*ALIGNMENT_BIN_EDGES[1:], 100)
    return tuple(
        AlignmentBin(lower, upper, scores.get(f"{ALIGNMENT_BIN_PREFIX}{lower}", Moments()).n)
        for lower, upper in zip(ALIGNMENT_BIN_EDGES, uppers)
    )


def _build(ctx: DashboardContext, account: AccountView | None) -> DashboardView:
    """Assemble the view, building each part only from groups whose decision is "shown"."""
    filters, language = ctx.filters, ctx.language
    team = filters.team_id if filters.team_id is not None else ALL
    role = filters.role if filters.role is not None else ALL
    if filters.round_id is not None:
        selected_rounds = [r for r in ctx.rounds if r.id == filters.round_id]
    elif filters.intervention_id is not None:
        selected_rounds = [r for r in ctx.rounds if r.intervention_id == filters.intervention_id]
    else:
        selected_rounds = list(ctx.rounds)
    # Only open rounds chosen: their ids name the view, which has no cells yet ("no data").
    rounds_coordinate = (
        ALL
        if filters.round_id is None and filters.intervention_id is None
        else (
            frozenset(r.id for r in selected_rounds)
            or frozenset(
                r.id
                for r in ctx.open_rounds
                if r.id == filters.round_id
                or (filters.round_id is None and r.intervention_id == filters.intervention_id)
            )
        )
    )

    instruments = instrument_versions(ctx.rt, selected_rounds) or [ctx.rt.instrument]
    newest = instruments[-1]
    themes, items = common_themes_and_items(instruments, language)
    selection = group_for(ctx, Selector(team, rounds_coordinate, role))

    theme_means: tuple[ThemeMean, ...] = ()
    alignment = None
    distribution: tuple[AlignmentBin, ...] = ()
    likert: tuple[ItemDistribution, ...] = ()
    compassion: tuple[ElementMean, ...] = ()
    reliability: tuple[DomainReliability, ...] = ()
    if selection.shown:
        scores = ctx.sums.scores(selection.selector)
        answers = ctx.sums.answers(selection.selector)
        theme_means = theme_means_of(themes, items, scores, answers, newest)
        alignment = group_alignment(themes, scores)
        distribution = _alignment_distribution(scores)
        withheld_items = ctx.sums.withheld_items(selection.selector)
        likert = tuple(
            ItemDistribution(
                item.id,
                localise(item.text, language),
                item.domain,
                item.side,
                item.reverse,
                likert_distribution(answers.get(item.id, {}), newest.scale.points),
                item.id in withheld_items,
            )
            for item in items
        )
        compassion = tuple(
            ElementMean(
                number, localise(element.name, language), mean_interval(scores.get(f"element:{number}", Moments()))
            )
            for number, element in newest.elements.items()
            if all(number in i.elements for i in instruments)
        )
        reliability = domain_reliability(themes, items, instruments, scores, answers, newest)

    team_rows = [t for t in ctx.teams if filters.team_id is None or t.id == filters.team_id]
    team_groups = [(t, group_for(ctx, Selector(t.id, rounds_coordinate, role))) for t in team_rows]
    heatmap_themes = tuple(t for t in themes if t.side in ("match", "mismatch"))
    heatmap, agreement = [], []
    for row, group in team_groups:
        means: tuple[ThemeMean, ...] = ()
        team_alignment = None
        agreements: tuple[ThemeAgreement, ...] = ()
        if group.shown:
            scores = ctx.sums.scores(group.selector)
            answers = ctx.sums.answers(group.selector)
            all_means = theme_means_of(themes, items, scores, answers, newest)
            means = tuple(m for m in all_means if m.theme in heatmap_themes)
            team_alignment = group_alignment(themes, scores)
            agreements = tuple(ThemeAgreement(m.theme, m.agreement) for m in all_means)
        heatmap.append(TeamThemes(row.id, row.name, group, means, team_alignment))
        agreement.append(TeamAgreement(row.id, row.name, group, agreements))

    participation = tuple(
        team_participation(ctx, row, group, selected_rounds, by_role=filters.role is not None)
        for row, group in team_groups
    )

    trend_rounds = rounds_for_trend(ctx)
    trends = []
    for survey_round in trend_rounds:
        group = group_for(ctx, Selector(team, frozenset({survey_round.id}), role))
        point_alignment = None
        point_means: tuple[ThemeMean, ...] = ()
        if group.shown:
            scores = ctx.sums.scores(group.selector)
            point_alignment = group_alignment(themes, scores)
            point_means = tuple(ThemeMean(t, mean_interval(scores.get(t.key, Moments())), None) for t in themes)
        trends.append(
            TrendPoint(
                survey_round.id,
                survey_round.name,
                survey_round.opens_at,
                group,
                point_alignment,
                point_means,
                survey_round.intervention_id,
                ctx.intervention_names.get(survey_round.intervention_id, ""),
            )
        )

    scale = tuple((p, localise(newest.scale.labels[p], language)) for p in newest.scale.points)
    return DashboardView(
        organisation_id=ctx.organisation.id,
        organisation_name=ctx.organisation.name,
        k=ctx.organisation.min_group_size,
        filters=filters,
        language=language,
        selection=selection,
        instruments=tuple(i.label for i in instruments),
        question_sets=question_set_names(ctx.rt, instruments, language),
        versions=tuple(dict.fromkeys(i.version for i in instruments)),
        themes=themes,
        scale=scale,
        theme_means=theme_means,
        alignment=alignment,
        alignment_distribution=distribution,
        heatmap=tuple(heatmap),
        likert=likert,
        compassion=compassion,
        trends=tuple(trends),
        participation=participation,
        agreement=tuple(agreement),
        reliability=reliability,
        where_to_start=where_to_start(theme_means, newest, language),
        options=filter_options(ctx, account),
        open_rounds=open_round_status(ctx, account),
        round_open=filters.round_id in {r.id for r in ctx.open_rounds},
        team_not_invited=(
            filters.team_id is not None
            and filters.round_id is not None
            and filters.team_id not in ctx.invited.get(filters.round_id, set())
        ),
    )
