"""For admins, at the top of the action plan: the follow-up rounds that are due (their first day is within two
weeks, or has passed), each with a button that makes its survey round; the invitation links are then shown
once, as on the rounds page."""

from __future__ import annotations

import streamlit as st

from app_pages import staff, state_keys
from app_pages.actions import forms
from app_pages.shell import plain, t
from services.actions import follow_up
from services.actions.rows import target_label
from services.admin import organisations
from services.formatting import format_date


def due_section(runtime, account, language: str) -> None:
    if state_keys.PLAN_LINKS in st.session_state:
        new_links(runtime)
    due = follow_up.due_follow_ups(runtime, account)
    if not due:
        return
    st.subheader(t("actions.due_heading"))
    st.caption(t("actions.due_lead"))
    for planned in due:
        with st.container(border=True):
            about = target_label(runtime, planned.target, language)
            st.markdown(
                t(
                    "actions.due_line",
                    organisation=plain(planned.organisation),
                    target=plain(about),
                    action=plain(planned.action),
                    opens=format_date(planned.opens_on, language),
                    closes=format_date(planned.closes_on, language),
                    teams=plain(", ".join(planned.teams)),
                )
            )
            n = forms.number(f"due-{planned.id}")
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            name = left.text_input(
                t("actions.due_round_name"),
                max_chars=organisations.MAX_NAME_LENGTH,
                value=t("actions.due_round_default", date=format_date(planned.opens_on, language)),
                key=f"plan-due-name-{planned.id}-{n}",
            )
            if right.button(t("actions.due_start"), key=f"plan-due-start-{planned.id}-{n}", type="primary"):
                try:
                    started = follow_up.start_follow_up(runtime, account, planned.id, name=name)
                except forms.REFUSALS as exc:
                    forms.refused(exc)
                else:
                    st.session_state[state_keys.PLAN_LINKS] = (
                        started.created.round.name,
                        [(i.team, i.token) for i in started.created.invitations],
                    )
                    forms.succeeded(f"due-{planned.id}", "actions.due_started", name=plain(started.created.round.name))


def new_links(runtime) -> None:
    """The links of the follow-up round just started, each once, with a CSV of them; gone when hidden."""
    round_name, invitations = st.session_state[state_keys.PLAN_LINKS]
    staff.invitation_links(
        runtime,
        round_name,
        invitations,
        once_key="actions.links_once",
        state_key=state_keys.PLAN_LINKS,
        key="plan-links",
    )
