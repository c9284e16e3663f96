"""Placeholder until the page is built: signed-in accounts allowed to view 'dashboard' only."""
import streamlit as st

from app_pages import shell, staff
from app_pages.shell import t

runtime = shell.runtime_or_stop()
account = staff.require_account(runtime, "dashboard", "view")
st.title(t("nav.dashboard"))
