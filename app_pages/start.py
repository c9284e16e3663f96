"""Start: what the tool is, who sees what, start an assessment or come back with a resume code."""
import streamlit as st

from app_pages import shell
from app_pages.shell import t
from services import assessments
from services.errors import NotFound, TooManyAttempts

runtime = shell.runtime_or_stop()

st.title(t("start.title"))
st.markdown(t("start.lead"))

st.subheader(t("start.privacy_heading"))
st.markdown(t("start.privacy_body", k=runtime.settings.min_group_size))

st.subheader(t("start.how_heading"))
st.markdown(t("start.how_body", items=len(runtime.instrument.items)))

if st.button(t("start.begin"), type="primary", key="start-begin"):
    st.switch_page("app_pages/assessment.py", query_params={"lang": shell.current_language()})

st.divider()
st.subheader(t("start.resume_heading"))
with st.form("resume-form", enter_to_submit=True):
    code = st.text_input(t("start.resume_label"), placeholder="XXXX-XXXX-XXXX-XXXX", key="resume-code",
                         max_chars=40)
    opened = st.form_submit_button(t("start.resume_button"))
if opened:
    try:
        found = assessments.resume(runtime, resume_code=code, client_key=shell.client_key())
    except TooManyAttempts as exc:
        st.error(t("error.too_many_attempts", seconds=exc.wait_seconds))
    except NotFound:
        st.error(t("error.resume_not_found"))
    else:
        owned = shell.owned_results()
        owned.extend(r.response_id for r in found.results if r.response_id not in owned)
        st.session_state["vm_resume_code"] = code
        if found.open_drafts:
            st.session_state["vm_draft"] = found.open_drafts[0]
            st.switch_page("app_pages/assessment.py",
                           query_params={"lang": shell.current_language(), "draft": found.open_drafts[0]})
        st.session_state["vm_result_id"] = found.results[-1].response_id if found.results else None
        st.switch_page("app_pages/results.py" if len(found.results) == 1 else "app_pages/history.py",
                       query_params={"lang": shell.current_language()})
