"""Start: what the tool is, who sees what, start an assessment or come back with a resume code."""

import streamlit as st

from app_pages import paths, shell, state_keys
from app_pages.shell import plain, t

runtime = shell.runtime_or_stop()
if st.query_params.get("join"):
    # The QR code on a workshop's screen opens /?join=CODE.
    st.switch_page(paths.JOIN, query_params={"join": st.query_params["join"], "lang": shell.current_language()})

st.title(t("start.title"))
st.markdown(t("start.lead"))

invitation = shell.invitation(runtime)
if invitation:
    with st.container(border=True):
        st.markdown(f"**{t('invite.heading')}**")
        st.markdown(
            t(
                "invite.body",
                organisation=plain(invitation.organisation),
                team=plain(invitation.team),
                intervention=plain(invitation.intervention),
                round=plain(invitation.round_name),
                k=invitation.min_group_size,
            )
        )

st.subheader(t("start.privacy_heading"))
st.markdown(t("start.privacy_body", k=runtime.settings.min_group_size))
st.markdown(f"**{t('start.privacy_kept_heading')}**")
st.markdown(t("start.privacy_kept"))

st.subheader(t("start.how_heading"))
st.markdown(t("start.how_body", items=len(runtime.instrument.items)))

if st.button(t("start.begin"), type="primary", key="start-begin"):
    st.switch_page(paths.QUESTIONNAIRE, query_params={"lang": shell.current_language()})

st.divider()
st.subheader(t("start.resume_heading"))
found = shell.resume_form(runtime, "resume-code")
if found:
    if found.open_drafts:
        st.session_state[state_keys.DRAFT] = found.open_drafts[0]
        st.switch_page(
            paths.QUESTIONNAIRE, query_params={"lang": shell.current_language(), "draft": found.open_drafts[0]}
        )
    st.session_state[state_keys.RESULT_ID] = found.results[-1].response_id if found.results else None
    st.switch_page(paths.your_results_or_history(len(found.results)), query_params={"lang": shell.current_language()})
