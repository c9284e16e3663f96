"""The dashboard and the organisation's action plan: "what changed" in the Over time tab (one theme per round
with the actions on the time axis), the link from a "where to start" theme to a new action, and the plan for
the PDF. Dates and words only: every number shown is one the trend already shows.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from app_pages import paths, shell
from app_pages.shell import t
from services.accounts import authorisation
from services.actions import plan, reading
from services.dashboard import what_changed as changed
from services.dashboard.pdf_plan import PlanLine

CHOICE_KEY = "dash-changed-theme"


def sees_plan(account, view) -> bool:
    return authorisation.can(account, plan.PAGE, "view", view.organisation_id, view.filters.team_id)


def intervention_of(view) -> int | None:
    """The intervention the filters chose, directly or through a chosen round (None: all)."""
    if view.filters.intervention_id is not None or view.filters.round_id is None:
        return view.filters.intervention_id
    return next((r.intervention_id for r in view.options.rounds if r.id == view.filters.round_id), None)


def what_changed(runtime, account, view, language: str) -> None:
    """Follow one theme over the rounds, beside the actions about it."""
    st.subheader(t("dashboard.changed.heading"))
    st.caption(t("dashboard.changed.how_to_read"))
    actions = (
        reading.dashboard_actions(
            runtime,
            account,
            view.organisation_id,
            team_id=view.filters.team_id,
            intervention_id=intervention_of(view),
            language=language,
        )
        if sees_plan(account, view)
        else ()
    )
    options = changed.choices(view, actions, language)
    if st.session_state.get(CHOICE_KEY) not in options:
        st.session_state[CHOICE_KEY] = changed.first_choice(view, actions)
    choice = st.selectbox(t("dashboard.changed.choose"), list(options), format_func=options.__getitem__, key=CHOICE_KEY)
    chart = changed.what_changed(view, actions, choice, language)
    # The summary names actions people typed: made inert for markdown, as every dashboard summary is.
    shell.show_chart(replace(chart, title=shell.plain(chart.title), summary=shell.plain(chart.summary)))


def plan_link(account, view, theme, language: str) -> None:
    """From a "where to start" theme to the action plan's new action, on that theme (a compassion theme: its
    element, as the plan keeps it)."""
    if not authorisation.can(account, plan.PAGE, "create", view.organisation_id, view.filters.team_id):
        return
    target = {"element": str(theme.element)} if theme.side == "compassion" and theme.element else {"theme": theme.id}
    st.page_link(
        paths.ACTION_PLAN,
        label=t("dashboard.start.plan_link"),
        icon=":material/playlist_add:",
        query_params={"org": str(view.organisation_id), **target, "lang": language},
    )


def pdf_plan(runtime, account, view) -> tuple[PlanLine, ...] | None:
    """The plan the dashboard's PDF lists for this view; None when the account may not see the plan."""
    if not sees_plan(account, view):
        return None
    return reading.dashboard_plan(
        runtime,
        account,
        view.organisation_id,
        team_id=view.filters.team_id,
        intervention_id=intervention_of(view),
        language=view.language,
    )
