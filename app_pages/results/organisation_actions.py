"""The organisation's actions on the themes a professional scored low: a section of History, and one line on
Results pointing there. Only for answers given through a team link (services/actions/for_professionals.py).

Nothing is shown when there are no such actions: many organisations keep their plan elsewhere, and a standing
"nothing yet" would read as "your answers led nowhere", which the app cannot know.
"""

import streamlit as st

from app_pages import paths
from app_pages.shell import plain, t
from services import formatting
from services.actions import for_professionals
from services.respond.questionnaire import ResultView
from services.runtime import Runtime


def history_section(runtime: Runtime, views: list[ResultView], language: str) -> None:
    """Per organisation the person answered for, its actions on their low themes, open ones first."""
    found = [plan for plan in for_professionals.organisation_actions(runtime, views, language) if plan.actions]
    if not found:
        return
    st.subheader(t("history.actions_heading"))
    st.markdown(t("history.actions_lead"))
    for plan in found:
        st.caption(
            t(
                "history.actions_from",
                intervention=plain(plan.intervention),
                date=formatting.format_date(plan.answered_at, language),
            )
        )
        for number, action in enumerate(plan.actions):
            with st.container(border=True, key=f"org-action-{plan.response_id}-{number}"):
                when = [t(f"history.action_status_{action.status}")]
                if action.due_on is not None and action.status != "done":
                    when.append(t("history.action_due", date=formatting.format_date(action.due_on, language)))
                st.markdown(f"**{plain(action.about)}** · {' · '.join(when)}")
                # st.text, not st.markdown(plain(...)): Markdown still turns a bare address into a link.
                st.text(action.description, width="stretch")


def results_pointer(runtime: Runtime, view: ResultView, language: str) -> None:
    """One line and a link to History, when this response came through a team link and the organisation has
    actions on what it scored low."""
    if not view.counted_for_team:
        return  # not attributed: no organisation to ask about
    if not any(plan.actions for plan in for_professionals.organisation_actions(runtime, [view], language)):
        return
    st.markdown(t("results.actions_pointer"))
    st.page_link(
        paths.HISTORY, label=t("results.actions_link"), icon=":material/checklist:", query_params={"lang": language}
    )
