"""The dashboard's sections, in the order a manager reads them: where to start first, then the detail.

Every chart comes with a plain summary and a table (shell.show_chart). A group that is withheld or has
no responses shows its status in words and never a number.

The detail is in tabs of which only the chosen one is built and drawn (a dashboard drawing every chart at
once took seconds in the browser); choosing a tab reruns only that part of the page (a fragment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import streamlit as st

from app_pages import prepared_files, shell, staff
from app_pages.dashboard import changes
from app_pages.shell import plain, t
from services.accounts import authorisation
from services.dashboard import charts, likert_chart, team_charts, trend_charts
from services.dashboard import files as dashboard_files
from services.dashboard.view import LEAST_ALIGNED, MISALIGNED, SPLIT_VIEW
from services.formatting import format_date, format_score


def render(runtime, account, view, language: str) -> None:
    """The whole page below the filters."""
    overview(view, language)
    if view.round_open:
        chosen = next(r for r in view.options.rounds if r.id == view.filters.round_id)
        st.info(t("dashboard.round_open", round=plain(chosen.name), date=format_date(chosen.closes_at, language)))
        open_rounds(view)
        return
    exports(runtime, account, view)
    if view.selection.shown:
        where_to_start(account, view, language)
        theme_means(view, language)
        alignment(runtime, view, language)
    else:
        st.subheader(t("dashboard.selection.heading"))
        status = charts.group_status(view.selection, view.k, language)
        if view.team_not_invited:
            team = chosen_name(view.options.teams, view.filters.team_id)
            st.info(
                t(
                    "dashboard.selection.not_invited",
                    team=plain(team),
                    round=plain(chosen_name(view.options.rounds, view.filters.round_id)),
                )
            )
        elif view.selection.decision.empty:
            st.info(t("dashboard.selection.empty"))
        else:
            # A manager limited to some teams is not offered "all teams": say what they can choose.
            key = "withheld" if view.options.all_teams_allowed else "withheld_limited"
            st.warning(t(f"dashboard.selection.{key}", status=status))
    details(runtime, view, language)
    open_rounds(view)


# The same tabs whatever the selection shows: the chosen tab stays chosen when the filters change.
DETAIL_TABS = ("teams", "statements", "over_time", "participation", "agreement")


@st.fragment
def details(runtime, view, language: str) -> None:
    """The detail, one tab at a time: only the chosen tab's charts are built and sent to the browser."""
    account = still_allowed(runtime, view)
    draw: dict[str, Callable[[Any, str], None]] = {
        "teams": heatmap,
        "statements": statements,
        "over_time": partial(trends, runtime, account),
        "participation": participation,
        "agreement": agreement_and_reliability,
    }
    tabs = st.tabs([t(f"dashboard.tabs.{name}") for name in DETAIL_TABS], key="dash-tab", on_change="rerun")
    for tab, name in zip(tabs, DETAIL_TABS):
        if tab.open:
            with tab:
                draw[name](view, language)


def still_allowed(runtime, view):
    """A tab chosen reruns only the fragment, not the page's checks: the account is checked again, and the
    whole page runs again (showing the sign-in or the refusal) when it may no longer see this view."""
    account = staff.recheck_account(runtime, "dashboard")
    if not authorisation.can(account, "dashboard", "view", view.organisation_id, view.filters.team_id):
        st.rerun(scope="app")
    return account


def statements(view, language: str) -> None:
    if not view.selection.shown:
        st.subheader(t("dashboard.likert.heading"))
        st.caption(charts.group_status(view.selection, view.k, language))
        return
    answers(view, language)
    compassion(view, language)


def agreement_and_reliability(view, language: str) -> None:
    agreement(view, language)
    if view.selection.shown:
        reliability(view, language)


def chosen_name(options, chosen_id) -> str:
    """The name of the chosen filter option (a team's label or a round's name)."""
    for option in options:
        if option.id == chosen_id:
            return str(getattr(option, "label", None) or getattr(option, "name", ""))
    return ""


def show(chart) -> None:
    # Summaries and titles carry team and theme names into markdown: made inert first.
    shell.show_chart(replace(chart, title=plain(chart.title), summary=plain(chart.summary)))


def show_or_say(chart, drawable: bool) -> None:
    """The chart, or when it would hold nothing but grey (all withheld) only its summary and table."""
    if drawable:
        show(chart)
        return
    st.markdown(plain(chart.summary))
    with st.expander(t("shell.show_table")):
        st.dataframe(chart.table, hide_index=True, width="stretch")


def round_label(option) -> str:
    """A round in the round filter; an open one is marked (it has no results until it closes)."""
    if option.is_open:
        return t("dashboard.filter.round_open", name=option.name)
    return option.name


def overview(view, language: str) -> None:
    """Always visible: how many responses the selection holds (or why not), k, the question set."""
    selection = view.selection
    with st.container(border=True):
        st.markdown(f"**{plain(view.organisation_name)}**")
        responses, k, instrument = st.columns(3)
        if view.round_open:
            responses.metric(t("dashboard.overview.responses"), t("dashboard.overview.round_open"))
        elif selection.shown:
            responses.metric(t("dashboard.overview.responses"), selection.n)
        else:
            short = t("dashboard.overview.none_yet" if selection.decision.empty else "dashboard.overview.withheld")
            responses.metric(t("dashboard.overview.responses"), short)
            responses.caption(charts.group_status(selection, view.k, language))
        k.metric(t("dashboard.overview.k"), view.k, help=t("dashboard.overview.k_help", k=view.k))
        # The version(s) as the figure (short enough not to be cut), the questionnaire's name in words below it.
        instrument.metric(
            t("dashboard.overview.instrument"), ", ".join(view.versions), help=t("dashboard.overview.instrument_help")
        )
        instrument.caption("; ".join(plain(name) for name in view.question_sets))
        st.caption(t("dashboard.overview.privacy", k=view.k))


def exports(runtime, account, view) -> None:
    """CSV, Excel and PDF of what the page shows: each made (and audited) only at its own click, then handed out
    from this session's memory while the page shows the same view (app_pages/prepared_files.py)."""
    if not authorisation.can(account, "dashboard", "export", view.organisation_id, view.filters.team_id):
        return
    offers = [
        prepared_files.FileOffer(
            f"dash-export-{file_format}",
            partial(_export_file, runtime, view, file_format),
            t("dashboard.export.make", format=t(f"dashboard.export.{file_format}")),
            t("dashboard.export.download", format=t(f"dashboard.export.{file_format}")),
            dashboard_files.FORMATS[file_format],
        )
        for file_format in EXPORT_FORMATS
    ]
    prepared_files.offer(st.container(horizontal=True), offers, (account.id, view.filters, view.language))


EXPORT_FORMATS = ("csv", "xlsx", "pdf")


def _export_file(runtime, view, file_format: str) -> tuple[str, bytes] | None:
    """The file for the account as it is now (signed out: nothing); the PDF with the organisation's plan."""
    account = staff.signed_in_account(runtime)
    if account is None:
        return None
    plan = changes.pdf_plan(runtime, account, view) if file_format == "pdf" else None
    made = dashboard_files.export_dashboard(runtime, account, view, file_format, plan=plan)
    return made.filename, made.data


def where_to_start(account, view, language: str) -> None:
    st.subheader(t("dashboard.start.heading"))
    if not view.where_to_start:
        st.caption(t("dashboard.start.none"))
        return
    st.caption(t("dashboard.start.lead"))
    for column, point in zip(st.columns(len(view.where_to_start)), view.where_to_start):
        with column.container(border=True):
            st.markdown(f"**{plain(point.theme.name)}** · {plain(charts.side_label(point.theme.side, language))}")
            st.markdown(
                t(
                    "dashboard.start.score",
                    score=format_score(point.estimate.mean, language),
                    interval=charts.interval_text(point.estimate, language),
                )
            )
            for reason in point.reasons:
                st.markdown("- " + _reason(reason, point.theme.side))
            st.markdown(f"*{t('dashboard.start.ask')}* {plain(point.question)}")
            changes.plan_link(account, view, point.theme, language)


def _reason(reason: str, side: str) -> str:
    if reason == MISALIGNED:
        return t("dashboard.start.reason_low" if side == "match" else "dashboard.start.reason_high")
    if reason == LEAST_ALIGNED:
        return t("dashboard.start.reason_least")
    if reason == SPLIT_VIEW:
        return t("dashboard.start.reason_split")
    return plain(reason)


def theme_means(view, language: str) -> None:
    st.subheader(t("dashboard.theme_means.heading"))
    st.caption(t("dashboard.theme_means.how_to_read"))
    show(charts.theme_means(view, language))


def alignment(runtime, view, language: str) -> None:
    st.subheader(t("dashboard.alignment.heading"))
    st.caption(t("dashboard.alignment.how_to_read"))
    show(charts.alignment(view, language, runtime.instrument.alignment_bands))
    show(charts.alignment_distribution(view, language, runtime.instrument.alignment_bands))


def heatmap(view, language: str) -> None:
    st.subheader(t("dashboard.heatmap.heading"))
    st.caption(t("dashboard.heatmap.how_to_read", k=view.k))
    show_or_say(team_charts.heatmap(view, language), any(row.group.shown for row in view.heatmap))


def answers(view, language: str) -> None:
    st.subheader(t("dashboard.likert.heading"))
    st.caption(t("dashboard.likert.how_to_read"))
    sides = [side for side in charts.SIDES if any(i.side == side for i in view.likert)]
    tabs = st.tabs([charts.side_label(side, language) for side in sides], key="dash-likert-side", on_change="rerun")
    for tab, side in zip(tabs, sides):
        if tab.open:
            with tab:
                show(likert_chart.likert(view, language, side))


def compassion(view, language: str) -> None:
    st.subheader(t("dashboard.compassion.heading"))
    st.caption(t("dashboard.compassion.how_to_read"))
    show(charts.compassion(view, language))


def trends(runtime, account, view, language: str) -> None:
    st.subheader(t("dashboard.trends.heading"))
    if len(view.trends) < 2:
        st.caption(t("dashboard.trends.too_few"))
        return
    st.caption(t("dashboard.trends.how_to_read"))
    drawable = any(point.group.shown for point in view.trends)
    show_or_say(trend_charts.trend_alignment(view, language), drawable)
    if drawable and len({point.intervention_id for point in view.trends}) > 1:
        st.caption(t("dashboard.trends.themes_choose_one"))
    elif drawable:
        show(trend_charts.trend_themes(view, language))
    changes.what_changed(runtime, account, view, language)


def participation(view, language: str) -> None:
    st.subheader(t("dashboard.participation.heading"))
    if not view.participation:
        st.caption(t("dashboard.participation.no_teams"))
        return
    st.caption(t("dashboard.participation.how_to_read"))
    show_or_say(team_charts.participation(view, language), any(p.rate is not None for p in view.participation))


def agreement(view, language: str) -> None:
    st.subheader(t("dashboard.agreement.heading"))
    st.caption(t("dashboard.agreement.how_to_read"))
    show_or_say(team_charts.agreement(view, language), any(row.group.shown for row in view.agreement))


def reliability(view, language: str) -> None:
    st.subheader(t("dashboard.reliability.heading"))
    st.caption(t("dashboard.reliability.how_to_read"))
    table, summary = team_charts.reliability(view, language)
    st.caption(plain(summary))
    st.dataframe(table, hide_index=True, width="stretch", height=36 * (len(table) + 1) + 4)


def open_rounds(view) -> None:
    """Per open round and team only whether k responses are in yet: no numbers while it grows."""
    st.subheader(t("dashboard.open.heading"))
    if not view.open_rounds:
        st.caption(t("dashboard.open.none"))
        return
    st.caption(t("dashboard.open.how_to_read", k=view.k))
    for survey_round in view.open_rounds:
        enough = t("dashboard.open.enough" if survey_round.enough else "dashboard.open.not_enough", k=view.k)
        lines = [
            t(
                "dashboard.open.round",
                round=plain(survey_round.name),
                date=format_date(survey_round.closes_at, view.language),
                status=enough,
            )
        ]
        lines += [
            f"- {plain(team.name)}: "
            + t("dashboard.open.enough" if team.enough else "dashboard.open.not_enough", k=view.k)
            for team in survey_round.teams
        ]
        st.markdown("\n".join(lines))
