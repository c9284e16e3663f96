"""Join a workshop: a participant types the code from the screen (or opens ?join=CODE from the QR code),
answers on their phone, and sees their own result. No account; the device is known by a cookie."""

import streamlit as st

from app_pages import paths, shell, state_keys
from app_pages.chart_code import fetch_chart_code
from app_pages.shell import plain, t
from services.errors import InvalidInput, NotFound, TooManyAttempts
from services.respond import workshop_join

runtime = shell.runtime_or_stop()
language = shell.current_language()


def code_form() -> None:
    st.markdown(t("join.lead"))
    with st.form("join-form", enter_to_submit=True):
        code = st.text_input(t("join.code_label"), max_chars=12, placeholder="ABC123", key="join-code")
        if st.form_submit_button(t("join.button"), type="primary"):
            st.query_params["join"] = workshop_join.normalise_code(code)
            st.rerun()


def joined(participation) -> None:
    st.session_state[state_keys.WORKSHOP_CODE] = participation.code
    owned = shell.owned_results()
    owned.extend(r for r in participation.results.values() if r not in owned)
    st.markdown(t("join.about", title=plain(participation.title), intervention=plain(participation.intervention)))
    fetch_chart_code()  # the person's own result, with its charts, comes after the questions
    if participation.status == "closed":
        st.info(t("join.closed"))
    elif participation.draft_token:
        st.markdown(t("join.privacy", k=participation.k))
        round_text = t("join.round_two") if participation.current_round > 1 else t("join.start")
        if st.button(round_text, type="primary", key="join-start", width="stretch"):
            st.session_state[state_keys.DRAFT] = participation.draft_token
            st.switch_page(paths.QUESTIONNAIRE, query_params={"lang": language, "draft": participation.draft_token})
    elif participation.answered_now:
        st.success(t("join.answered"))
        waiting_for_next_round(participation)
    for round_no, response_id in sorted(participation.results.items()):
        if st.button(t("join.own_result", round=round_no), key=f"join-result-{round_no}"):
            st.session_state[state_keys.RESULT_ID] = response_id
            st.switch_page(paths.RESULTS, query_params={"lang": language})


@st.fragment(run_every=5)
def waiting_for_next_round(participation) -> None:
    """Checks every 5 seconds whether the facilitator started a second round or closed the session: one read
    by the session's code (workshop_join.round_now)."""
    now = workshop_join.round_now(runtime, participation.code)
    if now is None:
        return
    if now != (participation.status, participation.current_round):
        st.rerun(scope="app")
    st.caption(t("join.waiting"))


st.title(t("join.title"))
code = st.query_params.get("join")
if not code:
    code_form()
else:
    try:
        participation = workshop_join.join(runtime, code, shell.device_key(), shell.client_key())
    except NotFound:
        st.error(t("join.not_found"))
        code_form()
    except TooManyAttempts as exc:
        st.error(t("error.too_many_attempts", seconds=exc.wait_seconds))
    except InvalidInput as exc:
        st.error(t(f"join.{exc}"))
    else:
        joined(participation)
