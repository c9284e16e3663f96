"""Placeholder until the page is built: signed-in accounts allowed to view 'admin_accounts' only."""
import streamlit as st

from app_pages import shell, staff
from app_pages.shell import t

runtime = shell.runtime_or_stop()
account = staff.require_account(runtime, "admin_accounts", "view")
st.title(t("nav.admin_accounts"))
