"""Account: who is signed in, for how long a sign-in lasts, and signing out."""

import streamlit as st

from app_pages import paths, shell, staff
from app_pages.shell import plain, t

runtime = shell.runtime_or_stop()
language = shell.current_language()

account = staff.require_account(runtime)

st.title(t("staff.account_title"))
staff.show_notice()
st.markdown(t("staff.signed_in_as", username=plain(account.username), role=t(f"staff.role_{account.role}")))
st.caption(t("staff.session_note", hours=runtime.settings.session_hours))

if st.button(t("staff.sign_out"), key="staff-sign-out", icon=":material/logout:"):
    staff.sign_out(runtime)
    st.switch_page(paths.LOGIN, query_params={"lang": language})
