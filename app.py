"""ValueMatch: frame and router. Everything else lives in app_pages/ and services/."""
import streamlit as st

from app_pages import navigation, shell, staff

st.set_page_config(page_title="ValueMatch", page_icon=":material/explore:", layout="centered")
runtime = shell.runtime_or_stop()
language = shell.current_language()
with shell.database_away_message():
    account = staff.signed_in_account(runtime)
    page = st.navigation(navigation.pages(runtime, account))
    shell.page_style()
    shell.language_switch()
    page.run()
