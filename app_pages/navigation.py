"""The pages of the app, by section: the public pages always, the staff pages by who is signed in.

Hiding a page here is only tidiness: every staff page checks the account itself
(staff.require_account), because a hidden page is still reachable by its URL.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from app_pages import paths
from app_pages.shell import t
from services.accounts import auth, authorisation
from services.accounts.auth import AccountView
from services.errors import Unavailable
from services.runtime import Runtime

Visibility = Literal["visible", "hidden"]  # st.Page's visibility


def pages(runtime: Runtime, account: AccountView | None) -> list[st.Page]:
    """The menu for st.navigation: the public pages, then the staff pages, in one list.

    One list, not sections: Streamlit 1.67 puts a section's heading and items in a <div> inside the
    menu's <ul>, which screen readers cannot read as a list (axe: list, listitem). The staff entries
    name themselves (Sign in has a tooltip saying it is for staff).
    """
    return [*public_pages(), *staff_pages(runtime, account)]


def public_pages() -> list[st.Page]:
    return [
        st.Page(paths.START, title=t("nav.start"), icon=":material/home:", default=True),
        st.Page(paths.QUESTIONNAIRE, title=t("nav.assessment"), icon=":material/edit_note:", url_path="assessment"),
        st.Page(paths.RESULTS, title=t("nav.results"), icon=":material/insights:", url_path="results"),
        st.Page(paths.HISTORY, title=t("nav.history"), icon=":material/history:", url_path="history"),
        st.Page(paths.JOIN, title=t("nav.join"), icon=":material/groups:", url_path="join"),
        st.Page(paths.ABOUT, title=t("nav.about"), icon=":material/info:", url_path="about"),
    ]


def staff_pages(runtime: Runtime, account: AccountView | None) -> list[st.Page]:
    """Set up (only before the first admin exists), Sign in or the signed-in pages, and Account.

    Set up, Sign in and Account are always registered, hidden when they do not apply, so that a
    link or st.switch_page to them always works (a sign-out switches to the sign-in page before
    the navigation knows nobody is signed in).
    """
    try:
        first_admin_needed = auth.needs_first_admin(runtime)
    except Unavailable:  # the database is away: the page itself says so (the set-up page can wait)
        first_admin_needed = False
    signed_in = account is not None
    return [
        st.Page(
            paths.SETUP,
            title=t("staff.nav_setup"),
            icon=":material/key:",
            url_path="setup",
            visibility=_shown(first_admin_needed),
        ),
        st.Page(
            paths.LOGIN,
            title=t("staff.nav_sign_in"),
            icon=":material/login:",
            url_path="login",
            visibility=_shown(not signed_in and not first_admin_needed),
            help=t("staff.nav_sign_in_help"),
        ),
        *work_pages(account),
        st.Page(
            paths.ACCOUNT,
            title=t("staff.nav_account"),
            icon=":material/person:",
            url_path="account",
            visibility=_shown(signed_in),
        ),
    ]


def work_pages(account: AccountView | None) -> list[st.Page]:
    """The staff work pages, in menu order, shown only to roles that may view them.

    Always registered, so that a bookmarked or reloaded page asks to sign in and then opens; each
    page checks the account itself (staff.require_account), as a hidden page is still reachable.
    """

    def allowed(page: str) -> Visibility:
        return _shown(authorisation.can(account, page, "view"))

    return [
        st.Page(
            paths.DASHBOARD,
            title=t("nav.dashboard"),
            icon=":material/monitoring:",
            url_path="dashboard",
            visibility=allowed("dashboard"),
        ),
        st.Page(
            paths.WORKSHOP,
            title=t("nav.workshop"),
            icon=":material/co_present:",
            url_path="workshop",
            visibility=allowed("workshop_facilitator"),
        ),
        st.Page(
            paths.ACTION_PLAN,
            title=t("nav.action_plan"),
            icon=":material/checklist:",
            url_path="plan",
            visibility=allowed("action_plan"),
        ),
        st.Page(
            paths.ADMIN_ORGANISATIONS,
            title=t("nav.admin_organisations"),
            icon=":material/domain:",
            url_path="organisations",
            visibility=allowed("admin_organisations"),
        ),
        st.Page(
            paths.ADMIN_ROUNDS,
            title=t("nav.admin_rounds"),
            icon=":material/event:",
            url_path="rounds",
            visibility=allowed("admin_rounds"),
        ),
        st.Page(
            paths.ADMIN_ACCOUNTS,
            title=t("nav.admin_accounts"),
            icon=":material/group:",
            url_path="accounts",
            visibility=allowed("admin_accounts"),
        ),
    ]


def home_page(account: AccountView) -> str:
    """Where a fresh sign-in lands: the dashboard for those who may view it, the workshops for
    facilitators, else the account page."""
    if authorisation.can(account, "dashboard", "view"):
        return paths.DASHBOARD
    if authorisation.can(account, "workshop_facilitator", "create"):
        return paths.WORKSHOP
    return paths.ACCOUNT


def _shown(visible: bool) -> Visibility:
    return "visible" if visible else "hidden"
