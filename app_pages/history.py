"""History: earlier assessments of the same person side by side, and what changed since last time."""
import pandas as pd
import streamlit as st

from app_pages import shell
from app_pages.shell import plain, t
from questions import localise
from services import assessments
from services.errors import NotFound

runtime = shell.runtime_or_stop()
language = shell.current_language()

st.title(t("history.title"))
st.markdown(t("history.lead"))

shell.resume_form(runtime, "history-code")

views = []
for response_id in sorted(shell.owned_results()):
    try:
        views.append(assessments.result(runtime, response_id))
    except NotFound:
        continue

if not views:
    st.info(t("history.none"))
    st.stop()


def column_name(view) -> str:
    return f"{view.created_at:%d-%m-%Y} · {view.intervention[:40]}"


def score_rows(view) -> dict[str, float | None]:
    rows = {t("results.alignment_index"): view.report.alignment_index}
    for score in view.report.domains:
        rows[localise(view.instrument.domain(score.domain).name, language)] = score.score
    return rows


table = pd.DataFrame({column_name(v): score_rows(v) for v in views})
if len(views) >= 2:
    table[t("history.change")] = table.iloc[:, -1] - table.iloc[:, -2]
st.subheader(t("history.side_by_side"))
st.caption(t("history.table_note"))
st.dataframe(table.round(0), width="stretch", key="history-table")

if len(views) >= 2:
    change = table[t("history.change")].dropna()
    rising = change[change >= 10].index.tolist()
    falling = change[change <= -10].index.tolist()
    st.subheader(t("history.what_changed"))
    st.markdown(t("history.changed_up", themes=", ".join(rising) or t("history.nothing")))
    st.markdown(t("history.changed_down", themes=", ".join(falling) or t("history.nothing")))
    st.caption(t("history.change_note"))

for view in reversed(views):
    if st.button(t("history.open", name=plain(column_name(view))), key=f"open-result-{view.response_id}"):
        st.session_state["vm_result_id"] = view.response_id
        st.switch_page("app_pages/results.py", query_params={"lang": language})
