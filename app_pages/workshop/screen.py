"""A workshop's page for the facilitator: join code and QR code, the counts, the group's picture
(refreshing by itself), where to start, the agreed actions, the export, and the controls in the sidebar.
With ?view=present it is the presenter view instead: the big screen for the room, without any control
(presenter_view.py); this page links to it, to open in a new tab while the facilitator steers from here.

Not a page of its own: app_pages/workshop/facilitator.py calls render() for ?session=ID.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st

from app_pages import staff, state_keys
from app_pages.actions import promote
from app_pages.chart_code import fetch_chart_code
from app_pages.shell import plain, t
from app_pages.workshop import group_picture, presenter_view
from services import formatting
from services.accounts import authorisation
from services.errors import InvalidInput, NotAuthorised, NotFound, Unavailable
from services.workshop import hosting, presenter

REFRESH_SECONDS = 3


def render(runtime, account, workshop_id: int, language: str) -> None:
    try:
        info = hosting.workshop_info(runtime, account, workshop_id)
    except (NotFound, NotAuthorised):
        st.title(t("nav.workshop"))
        st.error(t("ws.not_found"))
        back_link()
        return
    if st.query_params.get("view") == presenter_view.VIEW:
        presenter_view.render(runtime, workshop_id, language)
        return
    st.set_page_config(layout="wide")
    fetch_chart_code()
    with st.container(horizontal=True):
        back_link()
        # Relative: the same page and session, in a new tab, whatever address the app is reached by.
        st.link_button(
            t("ws.present_open"),
            f"?session={info.id}&view={presenter_view.VIEW}&lang={language}",
            icon=":material/present_to_all:",
            help=t("ws.present_help"),
        )
    can_edit = authorisation.can(account, hosting.PAGE, "edit")
    if can_edit:
        controls(runtime, account, info)
    header(runtime, info, language)
    live(runtime, workshop_id, language)
    if can_edit:
        actions(runtime, account, workshop_id, language)
    if authorisation.can(account, hosting.PAGE, "export"):
        exports(runtime, account, workshop_id, language)


def back_link() -> None:
    if st.button(t("ws.back"), key="ws-back", icon=":material/arrow_back:"):
        st.query_params.pop("session", None)
        st.rerun()


def header(runtime, info, language: str) -> None:
    left, right = st.columns([3, 1], vertical_alignment="center")
    with left:
        st.title(plain(info.title))
        st.markdown(
            t(
                "ws.screen_about",
                intervention=plain(info.intervention),
                form=plain(presenter.form_name(runtime, info, language)),
                k=info.k,
            )
        )
        if info.status == "closed":
            st.info(t("ws.screen_closed"))
        else:
            presenter_view.join_text(runtime, info)
            st.markdown(
                f"<div class='vm-join-code' aria-label='{t('ws.code_aria')}'>{info.code}</div>", unsafe_allow_html=True
            )
            if info.status == "locked":
                st.warning(t("ws.screen_locked"))
        if info.tied_to:
            st.caption(t("ws.tied_to", tie=plain(info.tied_to)))
    if info.status != "closed":
        right.image(
            presenter_view.qr_code(presenter_view.join_url(runtime, info)),
            caption=t("ws.qr_caption"),
            width="stretch",
            alt=t("ws.qr_alt"),
        )
    st.html(
        "<style>.vm-join-code { font-size: 3.4rem; font-weight: 700; letter-spacing: 0.35rem; "
        "font-family: monospace; line-height: 1.1; }</style>"
    )


@st.fragment(run_every=REFRESH_SECONDS)
def live(runtime, workshop_id: int, language: str) -> None:
    """Counts and the group's picture, read anew every few seconds, each time for the account as it is
    now: signed out or deactivated elsewhere, the screen stops showing them at the next refresh."""
    account = staff.recheck_account(runtime, hosting.PAGE, "view")
    try:
        view = presenter.presenter(runtime, account, workshop_id, language=language)
    except (NotFound, NotAuthorised):
        st.error(t("ws.not_found"))
        return
    group_picture.counts(view)
    if not view.info.results_visible:
        st.info(t("ws.results_hidden"))
        return
    group_picture.pictures(view, language)


# --- the facilitator's controls -------------------------------------------------------------------


def controls(runtime, account, info) -> None:
    with st.sidebar:
        st.subheader(t("ws.controls"))
        if error := st.session_state.pop(state_keys.WORKSHOP_ERROR, None):
            st.error(t("error.unavailable" if error == "unavailable" else f"ws.error.{error}"))
        # One key per state, and a toggle's second click within the double-click window is ignored: it lands
        # on the other state's button, in the same place, and would undo the first click.
        toggle = "hide" if info.results_visible else "show"
        st.button(
            t(f"ws.{toggle}_results"),
            key=f"ws-results-{toggle}",
            type="primary",
            width="stretch",
            on_click=steer_once,
            args=("results", hosting.set_results_visible, runtime, account, info.id, toggle == "show"),
        )
        if info.status != "closed":
            lock = "unlock" if info.status == "locked" else "lock"
            st.button(
                t(f"ws.{lock}"),
                key=f"ws-{lock}",
                width="stretch",
                help=t("ws.lock_help"),
                on_click=steer_once,
                args=("lock", hosting.set_locked, runtime, account, info.id, lock == "lock"),
            )
            if info.current_round == 1:
                st.button(
                    t("ws.second_round"),
                    key="ws-round-2",
                    width="stretch",
                    help=t("ws.second_round_help"),
                    on_click=steer_on_click,
                    args=(hosting.start_second_round, runtime, account, info.id),
                )
            with st.popover(t("ws.close"), width="stretch"):
                st.markdown(t("ws.close_confirm"))
                st.button(
                    t("ws.close_yes"),
                    key="ws-close-yes",
                    type="primary",
                    on_click=steer_on_click,
                    args=(hosting.close_workshop, runtime, account, info.id),
                )


def steer_once(control: str, change, runtime, account, workshop_id: int, *args) -> None:
    """steer, unless this control of this session was used within the double-click window."""
    last = st.session_state.get(state_keys.WORKSHOP_TOGGLE)
    now = time.monotonic()
    if (
        last is not None
        and last[:2] == (workshop_id, control)
        and now - last[2] < runtime.settings.double_click_seconds
    ):
        return
    if steer(change, runtime, account, workshop_id, *args):  # a refused click may be tried again at once
        st.session_state[state_keys.WORKSHOP_TOGGLE] = (workshop_id, control, now)


def steer_on_click(change, runtime, account, workshop_id: int, *args) -> None:
    """steer, as a button's callback (which returns nothing)."""
    steer(change, runtime, account, workshop_id, *args)


def steer(change, runtime, account, workshop_id: int, *args) -> bool:
    """Make the change; True when it was made, else the reason is kept for the next run to show."""
    account = staff.signed_in_account(runtime)  # as it is now: the click may come from a screen left open
    if account is None:
        return False  # the run after this click asks to sign in
    try:
        change(runtime, account, workshop_id, *args)
    except InvalidInput as exc:
        st.session_state[state_keys.WORKSHOP_ERROR] = str(exc)
    except (NotFound, NotAuthorised):
        st.session_state[state_keys.WORKSHOP_ERROR] = "workshop"
    except Unavailable:
        st.session_state[state_keys.WORKSHOP_ERROR] = "unavailable"
    else:
        return True
    return False


# --- agreed actions and export ------------------------------------------------------------------


def actions(runtime, account, workshop_id: int, language: str) -> None:
    noted, theme_names = presenter.notes(runtime, account, workshop_id, language=language)
    st.subheader(t("ws.actions_heading"))
    st.caption(t("ws.actions_lead"))
    themes = {None: t("ws.action_theme_none")} | dict(theme_names)
    with st.form("ws-action", clear_on_submit=True, enter_to_submit=False):
        kind_col, theme_col = st.columns(2)
        kind = kind_col.radio(
            t("ws.action_kind"),
            hosting.ACTION_KINDS,
            format_func=lambda k: t(f"ws.kind_{k}"),
            horizontal=True,
            key="ws-action-kind",
            help=t("ws.action_kind_help"),
        )
        theme = theme_col.selectbox(
            t("ws.action_theme"), list(themes), format_func=themes.__getitem__, key="ws-action-theme"
        )
        text = st.text_area(t("ws.action_text"), max_chars=hosting.MAX_ACTION_LENGTH, key="ws-action-text", height=80)
        if st.form_submit_button(t("ws.action_add")):
            try:
                hosting.add_action(runtime, account, workshop_id, kind=kind, theme=theme, text=text)
            except InvalidInput as exc:
                st.error(t(f"ws.error.{exc}"))
            else:
                st.rerun()
    in_plan = promote.promotion(runtime, account, workshop_id)
    for action in noted:
        left, right = st.columns([3, 2], vertical_alignment="center")
        about = f" · {plain(action.theme)}" if action.theme else ""
        left.markdown(f"**{t(f'ws.kind_{action.kind}')}**{about}: {plain(action.text)}")
        buttons = right.container(horizontal=True)  # each button as wide as its label, none cut short
        promote.button(runtime, account, in_plan, action, buttons)
        if buttons.button(t("ws.action_delete"), key=f"ws-action-del-{action.id}"):
            try:
                hosting.delete_action(runtime, account, workshop_id, action.id)
            except NotFound:  # removed meanwhile (a double click, another screen): nothing to do
                pass
            st.rerun()


def exports(runtime, account, workshop_id: int, language: str) -> None:
    """The files are made on a click (and audited), then handed out from this session's memory. Not made at
    the download's click (Streamlit's deferred download): such a file is dropped after two script runs of any
    session, and the screens' and phones' refreshes make those so often that the download could fail."""
    st.subheader(t("ws.export_heading"))
    st.caption(t("ws.export_lead"))
    st.button(
        t("ws.export_make"),
        key="ws-export-make",
        icon=":material/description:",
        on_click=make_files,
        args=(runtime, workshop_id, language),
    )
    made = st.session_state.get(state_keys.WORKSHOP_FILES)
    if isinstance(made, str):  # why the files could not be made, said once
        del st.session_state[state_keys.WORKSHOP_FILES]
        st.error(t("error.unavailable" if made == "unavailable" else f"ws.error.{made}"))
        return
    if made is None or made.workshop_id != workshop_id or made.language != language:
        return
    st.caption(t("ws.export_made", time=formatting.format_time(made.at, language)))
    left, right = st.columns(2)
    for column, fmt in ((left, "pdf"), (right, "csv")):
        name, data = made.files[fmt]
        column.download_button(
            t(f"ws.export_{fmt}"),
            data,
            file_name=name,
            mime=EXPORT_TYPES[fmt],
            key=f"ws-export-{fmt}",
            on_click="ignore",
            icon=":material/download:",
        )


EXPORT_TYPES = {"pdf": "application/pdf", "csv": "text/csv"}


@dataclass(frozen=True)
class MadeFiles:
    workshop_id: int
    language: str
    at: datetime
    files: dict[str, tuple[str, bytes]]  # format -> (file name, bytes)


def make_files(runtime, workshop_id: int, language: str) -> None:
    """Both files, for the account as it is now; what went wrong is said by the next run."""
    account = staff.signed_in_account(runtime)
    if account is None:
        return  # the run after this click asks to sign in
    try:
        files = {fmt: presenter.export(runtime, account, workshop_id, fmt, language=language) for fmt in EXPORT_TYPES}
    except (NotFound, NotAuthorised):
        st.session_state[state_keys.WORKSHOP_FILES] = "workshop"
    except Unavailable:
        st.session_state[state_keys.WORKSHOP_FILES] = "unavailable"
    else:
        st.session_state[state_keys.WORKSHOP_FILES] = MadeFiles(workshop_id, language, datetime.now(UTC), files)
