"""Results: the person's own value match, private to this browser session (or, when they chose it, to this
device for a day), with downloads and their way back (the resume code)."""

import streamlit as st

from app_pages import paths, prepared_files, shell, state_keys
from app_pages.respond import keep_way_back
from app_pages.results import organisation_actions
from app_pages.shell import plain, t
from assessment import alignment_reading, theme_readings, where_to_start
from questions import localise
from services import formatting
from services.errors import InvalidInput, NotFound
from services.respond import answer_files, questionnaire, workshop_join
from services.results import charts, report_pdf

runtime = shell.runtime_or_stop()
language = shell.current_language()
# A workshop participant's phone asks this often whether a new round has started: one read by the
# session's code (workshop_join.round_now), so 200 phones make 40 small reads a second.
NEW_ROUND_CHECK_SECONDS = 5


def no_result_yet() -> None:
    st.title(t("results.title"))
    if st.session_state.pop(state_keys.PASS_ENDED, False):
        st.warning(t("results.pass_ended"))
    st.info(t("results.none_yet"))
    st.page_link(paths.START, label=t("results.go_start"), query_params={"lang": language})


def headline(view, reading) -> None:
    st.title(t("results.title"))
    role = next((localise(r.name, language) for r in view.instrument.roles if r.id == view.role), None)
    st.markdown(
        t(
            "results.about",
            intervention=plain(view.intervention),
            date=formatting.format_date(view.created_at, language),
            role=role or t("results.role_none"),
        )
    )
    with st.container(border=True):
        if reading.index is None:
            st.metric(t("results.alignment_index"), t("results.not_enough"))
            st.markdown(t("results.alignment_not_enough"))
        else:
            st.metric(
                t("results.alignment_index"),
                formatting.format_signed(reading.index, language),
                help=t("results.alignment_help"),
            )
            st.markdown(f"**{reading.label}.** {reading.text}")
        st.caption(t("results.bands_note"))


def themes(view) -> None:
    readings = theme_readings(view.instrument, view.report, language)
    start_here = where_to_start(readings)
    if start_here:
        st.subheader(t("results.where_to_start"))
        for reading in start_here:
            st.markdown(f"- **{reading.name}**: {reading.question}")
    organisation_actions.results_pointer(runtime, view, language)
    st.subheader(t("results.per_theme"))
    for side in ("match", "mismatch", "value", "compassion"):
        st.markdown(f"#### {localise(view.instrument.sides[side], language)}")
        if side == "compassion":
            st.caption(t("results.compassion_note"))
        for reading in (r for r in readings if r.side == side):
            score = (
                t("results.not_enough")
                if reading.score is None
                else f"{formatting.format_score(reading.score, language)} / 100"
            )
            with st.expander(f"{reading.name}: {score}", expanded=side in ("match", "mismatch")):
                st.caption(reading.description)
                st.markdown(reading.text or t("results.theme_not_enough"))
                st.markdown(f"*{t('results.reflect')}* {reading.question}")


def downloads(view) -> None:
    st.subheader(t("results.downloads"))
    code = keep_way_back.known_code()
    in_pdf = code is not None and st.checkbox(
        t("results.code_in_pdf"), value=False, key="code-in-pdf", help=t("results.code_in_pdf_help")
    )
    stem = f"valuematch-{view.created_at:%Y%m%d}-{view.response_id}"
    role = next((localise(r.name, language) for r in view.instrument.roles if r.id == view.role), None)
    # The report is made at its own click and handed out from this session (app_pages/prepared_files.py); made
    # anew when the choice of the code in it changes. The answers are small: given as the page is drawn.
    row = st.container(horizontal=True)
    report = prepared_files.FileOffer(
        "download-pdf",
        lambda: (
            f"{stem}.pdf",
            report_pdf.build_pdf(
                view.instrument,
                view.report,
                language,
                intervention=view.intervention,
                role_name=role,
                created_at=view.created_at,
                resume_code=code if in_pdf else None,
            ),
        ),
        t("results.prepare_pdf"),
        t("results.download_pdf"),
        "application/pdf",
    )
    prepared_files.offer(row, [report], (view.response_id, language, code if in_pdf else None), again=False)
    row.download_button(
        t("results.download_csv"),
        key="download-csv",
        mime="text/csv",
        file_name=f"{stem}-answers.csv",
        on_click="ignore",
        icon=":material/download:",
        data=answer_files.answers_csv(
            view.instrument, view.answers, language, intervention=view.intervention, created_at=view.created_at
        ),
    )
    row.download_button(
        t("results.download_json"),
        key="download-json",
        mime="application/json",
        file_name=f"{stem}-answers.json",
        on_click="ignore",
        icon=":material/download:",
        data=answer_files.answers_json(
            view.instrument,
            view.answers,
            language,
            report=view.report,
            intervention=view.intervention,
            created_at=view.created_at,
        ),
    )


def not_counted(reason: str | None) -> None:
    """Why answers given through a team's link do not count for the team, when they do not."""
    if reason == "over_headcount":
        st.warning(t("invite.over_headcount"))
    elif reason == "device_limit":
        st.warning(t("invite.device_limit", limit=runtime.settings.link_device_limit))
    elif reason:
        st.warning(t("invite.late"))


def workshop_link() -> None:
    """Participants of a workshop go back to it from here (a second round may start)."""
    code = st.session_state.get(state_keys.WORKSHOP_CODE)
    if not code:
        return
    if st.session_state.get(state_keys.WORKSHOP_LATE):
        st.warning(t("join.late"))
    try:
        participation = workshop_join.state(runtime, code, shell.device_key())
    except (NotFound, InvalidInput):
        participation = None
    if participation is not None and participation.status != "closed":
        if participation.current_round in participation.results:
            watch_for_new_round(code, participation.current_round)
        else:
            new_round(code, participation.current_round)
    st.page_link(
        paths.JOIN, label=t("join.back"), icon=":material/groups:", query_params={"lang": language, "join": code}
    )


@st.fragment(run_every=NEW_ROUND_CHECK_SECONDS)
def watch_for_new_round(code: str, answered_round: int) -> None:
    """Asks every few seconds whether the facilitator started a new round (or closed the session): then
    the page is drawn again and says so (or stops asking)."""
    now = workshop_join.round_now(runtime, code)
    if now is None or now[0] == "closed" or now[1] != answered_round:
        st.rerun(scope="app")
    st.caption(t("join.watching"))


def new_round(code: str, current_round: int) -> None:
    """A round this phone has not answered is open: said on the page, and once as a toast (the person may
    be far down the page), with the way to answer it."""
    st.info(t("join.new_round", round=current_round), icon=":material/notifications_active:")
    if st.button(
        t("join.new_round_link", round=current_round),
        key="join-new-round",
        type="primary",
        icon=":material/edit_note:",
        width="stretch",
    ):
        st.switch_page(paths.JOIN, query_params={"lang": language, "join": code})
    if st.session_state.get(state_keys.WORKSHOP_ROUND_TOLD) != (code, current_round):
        st.session_state[state_keys.WORKSHOP_ROUND_TOLD] = (code, current_round)
        st.toast(t("join.new_round", round=current_round), icon=":material/notifications_active:", duration="long")


keep_way_back.recall(runtime)
result_id = st.session_state.get(state_keys.RESULT_ID)
if result_id is None or result_id not in shell.owned_results():
    keep_way_back.write_cookie()
    no_result_yet()
else:
    try:
        view = questionnaire.result(runtime, result_id)
    except NotFound:
        no_result_yet()
    else:
        headline(view, alignment_reading(view.instrument, view.report, language))
        not_counted(st.session_state.get(state_keys.LATE))
        workshop_link()
        keep_way_back.panel(runtime, view)
        for chart in charts.build_all(view.instrument, view.report, language):
            shell.show_chart(chart)
        themes(view)
        downloads(view)
