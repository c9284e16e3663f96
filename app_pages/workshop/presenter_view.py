"""The presenter view of a workshop: what the big screen shows the room (?session=ID&view=present).

The whole window, without the sidebar, Streamlit's header or any control: the join code and QR code large,
the counts and the group's picture. All of it is read anew every few seconds, so a lock, a second round,
results shown or a close, made on the facilitator's own page (screen.py, on their device or in another
tab), appear here by themselves. Also the join text and QR code that page shows.
"""

from __future__ import annotations

import streamlit as st

from app_pages import shell, staff
from app_pages.chart_code import fetch_chart_code
from app_pages.shell import plain, t
from app_pages.workshop import group_picture
from services.errors import NotAuthorised, NotFound
from services.workshop import hosting, presenter

VIEW = "present"  # ?view=present
REFRESH_SECONDS = 3

# Fixed CSS (no value from outside): no sidebar, header or toolbar (nor the full-screen buttons Streamlit puts on
# images and charts), the page as wide as the window.
_STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stElementToolbar"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.5rem 3rem 3rem !important; max-width: 100% !important; }
.vm-join-code { font-size: clamp(4rem, 9vw, 9rem); font-weight: 700; letter-spacing: 0.5rem;
  font-family: monospace; line-height: 1.05; }
.vm-join-code-small { font-size: 3.4rem; font-weight: 700; letter-spacing: 0.35rem; font-family: monospace;
  line-height: 1.1; margin-bottom: 1rem; }
html { font-size: clamp(16px, 1.1vw, 26px); }   /* everything larger on a large screen, read from afar */
[data-testid="stMarkdownContainer"] p code { font-size: 1em; white-space: nowrap; }  /* the link in one piece */
</style>"""


def join_url(runtime, info) -> str:
    """The link a phone opens (and the QR code holds): it carries the code, and the session's language
    when that is not the app's default."""
    url = hosting.join_url(shell.app_address(runtime) or "", info.code)
    return url if info.language == runtime.settings.default_language else f"{url}&lang={info.language}"


def join_page(runtime) -> str:
    """The page where the code is typed."""
    return f"{(shell.app_address(runtime) or '').rstrip('/')}/join"


@st.cache_data(max_entries=100, show_spinner=False)
def qr_code(url: str) -> bytes:
    return hosting.qr_png(url)


def join_text(runtime, info) -> None:
    """How to join: the QR code or the link (which holds the code), or the join page and the code typed."""
    st.markdown(t("ws.join_how", url=join_url(runtime, info)))
    st.markdown(t("ws.join_type", join_page=join_page(runtime)))


def render(runtime, workshop_id: int, language: str) -> None:
    st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
    st.html(_STYLE)
    fetch_chart_code()  # while the room joins: the picture then draws at once
    live(runtime, workshop_id, language)


@st.fragment(run_every=REFRESH_SECONDS)
def live(runtime, workshop_id: int, language: str) -> None:
    """Everything on the big screen, for the account as it is now (signed out elsewhere: it stops)."""
    account = staff.recheck_account(runtime, hosting.PAGE, "view")
    try:
        view = presenter.presenter(runtime, account, workshop_id, language=language)
    except (NotFound, NotAuthorised):
        st.error(t("ws.not_found"))
        return
    info = view.info
    join_panel(runtime, info, language, compact=any(picture.shown for picture in view.pictures))
    group_picture.counts(view, explained=False)  # no help icon to point at on a projector
    if not info.results_visible:
        st.info(t("ws.present_results_hidden"))
        return
    group_picture.pictures(view, language, tables=False)


def join_panel(runtime, info, language: str, *, compact: bool) -> None:
    """Title, how to join and the code, with the QR code beside: large while the room joins (also while the
    picture waits for k answers), smaller once a group's picture is shown (it needs the room on the screen)."""
    if info.status == "closed":
        st.title(plain(info.title))
        st.info(t("ws.present_closed"))
        return
    left, right = st.columns([5, 1] if compact else [3, 2], vertical_alignment="center", gap="large")
    with left:
        st.title(plain(info.title))
        if not compact:
            st.markdown(
                t(
                    "ws.screen_about",
                    intervention=plain(info.intervention),
                    form=plain(presenter.form_name(runtime, info, language)),
                    k=info.k,
                )
            )
        join_text(runtime, info)
        if compact:
            st.markdown(
                f"<div class='vm-join-code-small' aria-label='{t('ws.code_aria')}'>{info.code}</div>",
                unsafe_allow_html=True,
            )
        else:
            st.markdown(
                f"<div class='vm-join-code' aria-label='{t('ws.code_aria')}'>{info.code}</div>", unsafe_allow_html=True
            )
        if info.status == "locked":
            st.warning(t("ws.screen_locked"))
    right.image(qr_code(join_url(runtime, info)), caption=t("ws.qr_caption"), width="stretch", alt=t("ws.qr_alt"))
