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
"""
from __future__ import annotations

from datetime import UTC, datetime

from assessment.anonymity import ALL, Decision, Selector
from db.tallies import ALIGNMENT_BIN_EDGES, ALIGNMENT_BIN_PREFIX
from questions.model import localise
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise
from services.dashboard.data import ALIGNMENT_KEY, DashboardContext, instrument_versions
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


def dashboard(rt: Runtime, account: AccountView | None, filters: Filters, *,
              language: str = "en", now: datetime | None = None) -> DashboardView:
    """The dashboard for `filters`, as far as `account` may see it and anonymity allows.

    Raises NotAuthorised (before anything is read) when the account may not see the organisation or,
    for an account limited to some teams, when no team of its scope is chosen; NotFound for an
    organisation that does not exist or a team, round or intervention that is not the organisation's;
    InvalidInput for a round that is not of the chosen intervention. Only rounds closed at `now`
    (default: the present) have results; see dashboard_data.load_context.
    """
    authorise(account, "dashboard", "view", filters.organisation_id, filters.team_id)
    with rt.sessions.begin() as session:
        context = _load(rt, session, filters, language, now or datetime.now(UTC))
    return _build(context, account)


def _alignment_distribution(scores: dict[str, Moments]) -> tuple[AlignmentBin, ...]:
    uppers = (*ALIGNMENT_BIN_EDGES[1:], 100)
    return tuple(AlignmentBin(lower, upper, scores.get(f"{ALIGNMENT_BIN_PREFIX}{lower}", Moments()).n)
                 for lower, upper in zip(ALIGNMENT_BIN_EDGES, uppers))


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
    rounds_coordinate = ALL
    if filters.round_id is not None or filters.intervention_id is not None:
        # Only open rounds chosen: their ids name the view, which has no cells yet ("no data").
        rounds_coordinate = frozenset(r.id for r in selected_rounds) or frozenset(
            r.id for r in ctx.open_rounds
            if r.id == filters.round_id or (filters.round_id is None and r.intervention_id == filters.intervention_id))

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
            ItemDistribution(item.id, localise(item.text, language), item.domain, item.side, item.reverse,
                             likert_distribution(answers.get(item.id, {}), newest.scale.points),
                             item.id in withheld_items)
            for item in items)
        compassion = tuple(
            ElementMean(number, localise(element.name, language),
                        mean_interval(scores.get(f"element:{number}", Moments())))
            for number, element in newest.elements.items()
            if all(number in i.elements for i in instruments))
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

    participation = tuple(team_participation(ctx, row, group, selected_rounds, by_role=filters.role is not None)
                          for row, group in team_groups)

    trend_rounds = rounds_for_trend(ctx)
    trends = []
    for survey_round in trend_rounds:
        group = group_for(ctx, Selector(team, frozenset({survey_round.id}), role))
        point_alignment, point_means = None, ()
        if group.shown:
            scores = ctx.sums.scores(group.selector)
            point_alignment = group_alignment(themes, scores)
            point_means = tuple(ThemeMean(t, mean_interval(scores.get(t.key, Moments())), None)
                                for t in themes)
        trends.append(TrendPoint(survey_round.id, survey_round.name, survey_round.opens_at, group,
                                 point_alignment, point_means))

    scale = tuple((p, localise(newest.scale.labels[p], language)) for p in newest.scale.points)
    return DashboardView(
        organisation_id=ctx.organisation.id,
        organisation_name=ctx.organisation.name,
        k=ctx.organisation.min_group_size,
        filters=filters,
        language=language,
        selection=selection,
        instruments=tuple(i.label for i in instruments),
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
    )
