"""Results: the person's own value match, private to this browser session, with downloads."""
import streamlit as st

from app_pages import shell
from app_pages.shell import plain, t
from assessment import alignment_reading, theme_readings, where_to_start
from questions import localise
from services import assessments, charts, exports, formatting, report_pdf
from services.errors import NotFound

runtime = shell.runtime_or_stop()
language = shell.current_language()


def no_result_yet() -> None:
    st.title(t("results.title"))
    st.info(t("results.none_yet"))
    st.page_link("app_pages/start.py", label=t("results.go_start"), query_params={"lang": language})


def headline(view, reading) -> None:
    st.title(t("results.title"))
    role = next((localise(r.name, language) for r in view.instrument.roles if r.id == view.role), None)
    st.markdown(t("results.about", intervention=plain(view.intervention),
                  date=view.created_at.strftime("%d-%m-%Y"), role=role or t("results.role_none")))
    with st.container(border=True):
        if reading.index is None:
            st.metric(t("results.alignment_index"), t("results.not_enough"))
            st.markdown(t("results.alignment_not_enough"))
        else:
            st.metric(t("results.alignment_index"), formatting.format_signed(reading.index, language),
                      help=t("results.alignment_help"))
            st.markdown(f"**{reading.label}.** {reading.text}")
        st.caption(t("results.bands_note"))


def themes(view) -> None:
    readings = theme_readings(view.instrument, view.report, language)
    start_here = where_to_start(readings)
    if start_here:
        st.subheader(t("results.where_to_start"))
        for reading in start_here:
            st.markdown(f"- **{reading.name}**: {reading.question}")
    st.subheader(t("results.per_theme"))
    for side in ("match", "mismatch", "value", "compassion"):
        st.markdown(f"#### {localise(view.instrument.sides[side], language)}")
        for reading in (r for r in readings if r.side == side):
            score = t("results.not_enough") if reading.score is None else f"{reading.score:.0f} / 100"
            with st.expander(f"{reading.name}: {score}", expanded=side in ("match", "mismatch")):
                st.caption(reading.description)
                st.markdown(reading.text or t("results.theme_not_enough"))
                st.markdown(f"*{t('results.reflect')}* {reading.question}")


def downloads(view) -> None:
    st.subheader(t("results.downloads"))
    stem = f"valuematch-{view.created_at:%Y%m%d}-{view.response_id}"
    role = next((localise(r.name, language) for r in view.instrument.roles if r.id == view.role), None)
    pdf, csv, json = st.columns(3)
    pdf.download_button(t("results.download_pdf"), key="download-pdf", mime="application/pdf",
                        file_name=f"{stem}.pdf", on_click="ignore",
                        data=lambda: report_pdf.build_pdf(view.instrument, view.report, language,
                                                          intervention=view.intervention, role_name=role,
                                                          created_at=view.created_at))
    csv.download_button(t("results.download_csv"), key="download-csv", mime="text/csv",
                        file_name=f"{stem}-answers.csv", on_click="ignore",
                        data=exports.answers_csv(view.instrument, view.answers, language,
                                                 intervention=view.intervention, created_at=view.created_at))
    json.download_button(t("results.download_json"), key="download-json", mime="application/json",
                         file_name=f"{stem}-answers.json", on_click="ignore",
                         data=exports.answers_json(view.instrument, view.answers, language, report=view.report,
                                                   intervention=view.intervention, created_at=view.created_at))


def resume_reminder() -> None:
    code = st.session_state.get("vm_new_code") or st.session_state.get("vm_resume_code")
    if code:
        with st.container(border=True):
            st.markdown(t("results.code_reminder"))
            st.code(code, language=None)


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
    code = st.session_state.get("vm_workshop_code")
    if not code:
        return
    if st.session_state.get("vm_workshop_late"):
        st.warning(t("join.late"))
    st.page_link("app_pages/join.py", label=t("join.back"), icon=":material/groups:",
                 query_params={"lang": language, "join": code})


result_id = st.session_state.get("vm_result_id")
if result_id is None or result_id not in shell.owned_results():
    no_result_yet()
else:
    try:
        view = assessments.result(runtime, result_id)
    except NotFound:
        no_result_yet()
    else:
        headline(view, alignment_reading(view.instrument, view.report, language))
        not_counted(st.session_state.get("vm_late"))
        workshop_link()
        resume_reminder()
        for chart in charts.build_all(view.instrument, view.report, language):
            shell.show_chart(chart)
        themes(view)
        downloads(view)
