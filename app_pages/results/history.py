"""History: earlier assessments of the same person side by side, and what changed for the same intervention."""

import pandas as pd
import streamlit as st

from app_pages import paths, shell, state_keys
from app_pages.respond import keep_way_back
from app_pages.results import organisation_actions
from app_pages.shell import plain, t
from assessment import display_round
from questions import localise
from services import formatting
from services.errors import NotFound
from services.respond import questionnaire

runtime = shell.runtime_or_stop()
language = shell.current_language()

st.title(t("history.title"))
st.markdown(t("history.lead"))

shell.resume_form(runtime, "history-code")
keep_way_back.recall(runtime)  # after a reload, when this device was asked to remember the results
keep_way_back.write_cookie()

views = []
for response_id in sorted(shell.owned_results()):
    try:
        views.append(questionnaire.result(runtime, response_id))
    except NotFound:
        continue

if not views:
    st.info(t("history.none"))
    st.stop()


def column_names(views) -> list[str]:
    """One distinct name per assessment: its date and time, and a number where those are the same
    (two assessments in the same minute). The intervention is the table's first row."""
    names = [formatting.format_datetime(v.created_at, language) for v in views]
    return [
        f"{name} ({t('history.number', number=index + 1)})" if names.count(name) > 1 else name
        for index, name in enumerate(names)
    ]


def score_rows(view) -> dict[str, int | None]:
    """The whole numbers shown for one assessment (the same rounding as on Results and in the PDF)."""

    def shown(value):
        return None if value is None else display_round(value)

    rows = {t("results.alignment_index"): shown(view.report.alignment_index)}
    for score in view.report.domains:
        rows[localise(view.instrument.domain(score.domain).name, language)] = shown(score.score)
    return rows


def same_intervention(a, b) -> bool:
    return " ".join(a.intervention.split()).casefold() == " ".join(b.intervention.split()).casefold()


def shown_text(row: str, value) -> str:
    """A cell as text: the index and changes with their sign ("+50"), scores without; empty when missing."""
    if value is None or pd.isna(value):
        return ""
    signed = row == t("results.alignment_index")
    return formatting.format_signed(int(value), language) if signed else str(int(value))


names = column_names(views)
numbers = pd.DataFrame({name: score_rows(v) for name, v in zip(names, views)})
latest = views[-1]
earlier = next((v for v in reversed(views[:-1]) if same_intervention(v, latest)), None)
change = None
if earlier is not None:
    # The change of the numbers shown: 63 then 50 reads as −13, whatever the decimals behind them.
    change = numbers[names[-1]] - numbers[names[views.index(earlier)]]

intervention_row = t("history.intervention")
table = pd.DataFrame(
    {
        name: [view.intervention, *(shown_text(row, value) for row, value in numbers[name].items())]
        for name, view in zip(names, views)
    },
    index=[intervention_row, *numbers.index],
)
if change is not None:
    table[t("history.change")] = [
        "",
        *("" if pd.isna(v) else formatting.format_signed(int(v), language) for v in change),
    ]
st.subheader(t("history.side_by_side"))
st.caption(t("history.table_note"))
# Every row at once (no inner scrolling); the assessments' columns narrow enough for the change to show.
st.dataframe(
    table,
    width="stretch",
    key="history-table",
    height=35 * (len(table) + 1) + 3,
    column_config={name: st.column_config.TextColumn(name, width="small") for name in table.columns},
)

if len(views) >= 2:
    st.subheader(t("history.what_changed"))
    if change is None or earlier is None:
        st.info(t("history.different_interventions", intervention=plain(latest.intervention)))
    else:
        moved = change.dropna()
        rising = moved[moved >= 10].index.tolist()
        falling = moved[moved <= -10].index.tolist()
        st.caption(
            t(
                "history.compared",
                intervention=plain(latest.intervention),
                earlier=names[views.index(earlier)],
                later=names[-1],
            )
        )
        st.markdown(t("history.changed_up", themes=", ".join(rising) or t("history.nothing")))
        st.markdown(t("history.changed_down", themes=", ".join(falling) or t("history.nothing")))
        st.caption(t("history.change_note"))

for name, view in reversed(list(zip(names, views))):
    if st.button(
        t("history.open", name=plain(f"{name} · {view.intervention[:40]}")), key=f"open-result-{view.response_id}"
    ):
        st.session_state[state_keys.RESULT_ID] = view.response_id
        st.switch_page(paths.RESULTS, query_params={"lang": language})

organisation_actions.history_section(runtime, views, language)
