"""ValueMatch: frame and router. Everything else lives in app_pages/ and services/."""

import streamlit as st

from app_pages import navigation, shell, staff

st.set_page_config(page_title="ValueMatch", page_icon=":material/explore:", layout="centered")
runtime = shell.runtime_or_stop()
language = shell.current_language()
with shell.database_away_message():
    staff.announce_setup_token(runtime)
    account = staff.signed_in_account(runtime)
    page = st.navigation(navigation.pages(runtime, account), expanded=True)  # every page listed, no "View more"
    shell.page_style()
    shell.language_switch()
    staff.write_cookie(runtime)
    page.run()
    staff.cookie_written()  # not reached when the page switched or stopped: the next run writes it again
