"""A workshop session's screen (the big screen): join code and QR code, the counts, the group's picture
(refreshing by itself), where to start, the agreed actions, and the facilitator's controls in the sidebar.

Not a page of its own: app_pages/workshop/facilitator.py calls render() for ?session=ID.
"""
from __future__ import annotations

import time
from dataclasses import replace

import streamlit as st

from app_pages import shell, staff
from app_pages.shell import plain, t
from services.accounts import authorisation
from services.errors import InvalidInput, NotAuthorised, NotFound, Unavailable
from services.formatting import format_score
from services.workshop import charts, hosting, presenter

REFRESH_SECONDS = 3
# (session id, control, time.monotonic()) of the last show/hide or lock/unlock click.
LAST_TOGGLE_KEY = "ws-last-toggle"


def render(runtime, account, session_id: int, language: str) -> None:
    try:
        info = hosting.session_info(runtime, account, session_id)
    except (NotFound, NotAuthorised):
        st.title(t("nav.workshop"))
        st.error(t("ws.not_found"))
        back_link()
        return
    st.set_page_config(layout="wide")
    back_link()
    can_edit = authorisation.can(account, hosting.PAGE, "edit")
    if can_edit:
        controls(runtime, account, info)
    header(runtime, info)
    live(runtime, session_id, language)
    if can_edit:
        actions(runtime, account, session_id, language)
    if authorisation.can(account, hosting.PAGE, "export"):
        exports(runtime, account, session_id, language)


def back_link() -> None:
    if st.button(t("ws.back"), key="ws-back", icon=":material/arrow_back:"):
        st.query_params.pop("session", None)
        st.rerun()


def header(runtime, info) -> None:
    url = hosting.join_url(shell.app_address(runtime) or "", info.code)
    left, right = st.columns([3, 1], vertical_alignment="center")
    with left:
        st.title(plain(info.title))
        st.markdown(t("ws.screen_about", intervention=plain(info.intervention), form=plain(info.instrument_label),
                      k=info.k))
        if info.status == "closed":
            st.info(t("ws.screen_closed"))
        else:
            st.markdown(t("ws.join_how", url=url))
            st.markdown(f"<div class='vm-join-code' aria-label='{t('ws.code_aria')}'>{info.code}</div>",
                        unsafe_allow_html=True)
            if info.status == "locked":
                st.warning(t("ws.screen_locked"))
        if info.tied_to:
            st.caption(t("ws.tied_to", tie=plain(info.tied_to)))
    if info.status != "closed":
        right.image(qr_code(url), caption=t("ws.qr_caption"), width="stretch", alt=t("ws.qr_alt"))
    st.html("<style>.vm-join-code { font-size: 3.4rem; font-weight: 700; letter-spacing: 0.35rem; "
            "font-family: monospace; line-height: 1.1; }</style>")


@st.cache_data(max_entries=100, show_spinner=False)
def qr_code(url: str) -> bytes:
    return hosting.qr_png(url)


@st.fragment(run_every=REFRESH_SECONDS)
def live(runtime, session_id: int, language: str) -> None:
    """Counts and the group's picture, read anew every few seconds, each time for the account as it is
    now: signed out or deactivated elsewhere, the screen stops showing them at the next refresh."""
    account = staff.recheck_account(runtime, hosting.PAGE, "view")
    try:
        view = presenter.presenter(runtime, account, session_id, language=language)
    except (NotFound, NotAuthorised):
        st.error(t("ws.not_found"))
        return
    info = view.info
    joined, answered, shown = st.columns(3)
    joined.metric(t("ws.joined"), info.joined)
    answered.metric(t("ws.answered", round=info.current_round), info.submitted_now)
    shown.metric(t("ws.in_picture"), view.shown.get(info.current_round, 0) if info.results_visible else "–",
                 help=t("ws.in_picture_help", k=info.k))
    if not info.results_visible:
        st.info(t("ws.results_hidden"))
        return
    if view.comparison is not None:
        show(charts.ws_comparison(view.comparison, language, k=info.k))
    for picture in reversed(view.pictures):
        round_picture(info, picture, view.shown.get(picture.round_no, 0), language)


def round_picture(info, picture, shown: int, language: str) -> None:
    if info.current_round > 1:
        st.header(t("ws.round_heading", round=picture.round_no))
    submitted = info.submitted.get(picture.round_no, 0)
    if not picture.shown:
        st.progress(min(1.0, submitted / info.k), text=t("ws.waiting_for_k", n=submitted, k=info.k))
        st.markdown(t("ws.below_k", k=info.k))
        return
    if submitted > shown:
        st.caption(t("ws.snapshot", shown=shown, n=submitted, more=max(1, info.k - (submitted - shown)), k=info.k))
    where_to_start(picture, language)
    bands, means, spread, agreement, compassion = charts.picture_charts(picture, language)
    show(bands)
    left, right = st.columns(2)
    with left:
        show(spread)
    with right:
        show(agreement)
    left, right = st.columns(2)
    with left:
        show(means)
    with right:
        show(compassion)


def where_to_start(picture, language: str) -> None:
    if not picture.where_to_start:
        return
    st.subheader(t("ws.where_to_start"))
    columns = st.columns(len(picture.where_to_start))
    prompts = {}
    for prompt in picture.prompts:
        prompts.setdefault(prompt.theme.id, []).append(prompt)
    for column, point in zip(columns, picture.where_to_start):
        with column.container(border=True):
            st.markdown(f"**{plain(point.theme.name)}** · {format_score(point.estimate.mean, language)}")
            st.markdown(t(f"ws.reason_{point.reasons[0].replace(' ', '_')}") if point.reasons else "")
            st.markdown(f"*{plain(point.question)}*")
            for prompt in prompts.get(point.theme.id, []):
                st.markdown(f"- {plain(prompt.text)}")


def show(chart) -> None:
    shell.show_chart(replace(chart, title=plain(chart.title), summary=plain(chart.summary)))


# --- the facilitator's controls -------------------------------------------------------------------


def controls(runtime, account, info) -> None:
    with st.sidebar:
        st.subheader(t("ws.controls"))
        if error := st.session_state.pop("ws-error", None):
            st.error(t("error.unavailable" if error == "unavailable" else f"ws.error.{error}"))
        # One key per state, and a toggle's second click within the double-click window is ignored: it lands
        # on the other state's button, in the same place, and would undo the first click.
        toggle = "hide" if info.results_visible else "show"
        st.button(t(f"ws.{toggle}_results"), key=f"ws-results-{toggle}", type="primary", width="stretch",
                  on_click=steer_once, args=("results", hosting.set_results_visible, runtime, account, info.id,
                                             toggle == "show"))
        if info.status != "closed":
            lock = "unlock" if info.status == "locked" else "lock"
            st.button(t(f"ws.{lock}"), key=f"ws-{lock}", width="stretch", help=t("ws.lock_help"),
                      on_click=steer_once, args=("lock", hosting.set_locked, runtime, account, info.id,
                                                 lock == "lock"))
            if info.current_round == 1:
                st.button(t("ws.second_round"), key="ws-round-2", width="stretch", help=t("ws.second_round_help"),
                          on_click=steer, args=(hosting.start_second_round, runtime, account, info.id))
            with st.popover(t("ws.close"), width="stretch"):
                st.markdown(t("ws.close_confirm"))
                st.button(t("ws.close_yes"), key="ws-close-yes", type="primary", on_click=steer,
                          args=(hosting.close_session, runtime, account, info.id))


def steer_once(control: str, change, runtime, account, session_id: int, *args) -> None:
    """steer, unless this control of this session was used within the double-click window."""
    last = st.session_state.get(LAST_TOGGLE_KEY)
    now = time.monotonic()
    if last is not None and last[:2] == (session_id, control) and now - last[2] < runtime.settings.double_click_seconds:
        return
    if steer(change, runtime, account, session_id, *args):   # a refused click may be tried again at once
        st.session_state[LAST_TOGGLE_KEY] = (session_id, control, now)


def steer(change, runtime, account, session_id: int, *args) -> bool:
    """Make the change; True when it was made, else the reason is kept for the next run to show."""
    account = staff.signed_in_account(runtime)   # as it is now: the click may come from a screen left open
    if account is None:
        return False   # the run after this click asks to sign in
    try:
        change(runtime, account, session_id, *args)
    except InvalidInput as exc:
        st.session_state["ws-error"] = str(exc)
    except (NotFound, NotAuthorised):
        st.session_state["ws-error"] = "workshop"
    except Unavailable:
        st.session_state["ws-error"] = "unavailable"
    else:
        return True
    return False


# --- agreed actions and export ------------------------------------------------------------------


def actions(runtime, account, session_id: int, language: str) -> None:
    noted, theme_names = presenter.notes(runtime, account, session_id, language=language)
    st.subheader(t("ws.actions_heading"))
    st.caption(t("ws.actions_lead"))
    themes = {None: t("ws.action_theme_none")} | dict(theme_names)
    with st.form("ws-action", clear_on_submit=True, enter_to_submit=False):
        kind_col, theme_col = st.columns(2)
        kind = kind_col.radio(t("ws.action_kind"), hosting.ACTION_KINDS, format_func=lambda k: t(f"ws.kind_{k}"),
                              horizontal=True, key="ws-action-kind", help=t("ws.action_kind_help"))
        theme = theme_col.selectbox(t("ws.action_theme"), list(themes), format_func=themes.get,
                                    key="ws-action-theme")
        text = st.text_area(t("ws.action_text"), max_chars=hosting.MAX_ACTION_LENGTH, key="ws-action-text",
                            height=80)
        if st.form_submit_button(t("ws.action_add")):
            try:
                hosting.add_action(runtime, account, session_id, kind=kind, theme=theme, text=text)
            except InvalidInput as exc:
                st.error(t(f"ws.error.{exc}"))
            else:
                st.rerun()
    for action in noted:
        left, right = st.columns([6, 1], vertical_alignment="center")
        about = f" · {plain(action.theme)}" if action.theme else ""
        left.markdown(f"**{t(f'ws.kind_{action.kind}')}**{about}: {plain(action.text)}")
        if right.button(t("ws.action_delete"), key=f"ws-action-del-{action.id}"):
            try:
                hosting.delete_action(runtime, account, session_id, action.id)
            except NotFound:   # removed meanwhile (a double click, another screen): nothing to do
                pass
            st.rerun()


def exports(runtime, account, session_id: int, language: str) -> None:
    st.subheader(t("ws.export_heading"))
    st.caption(t("ws.export_lead"))
    left, right = st.columns(2)
    for column, fmt, mime in ((left, "pdf", "application/pdf"), (right, "csv", "text/csv")):
        column.download_button(
            t(f"ws.export_{fmt}"), key=f"ws-export-{fmt}", mime=mime, on_click="ignore", icon=":material/download:",
            file_name=f"valuematch-workshop.{fmt}",
            data=lambda fmt=fmt: presenter.export(runtime, account, session_id, fmt, language=language)[1])
