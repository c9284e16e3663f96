"""ValueMatch: frame and router. Everything else lives in app_pages/ and services/."""
import streamlit as st

from app_pages import shell

st.set_page_config(page_title="ValueMatch", page_icon=":material/explore:", layout="centered")
runtime = shell.runtime_or_stop()
language = shell.current_language()

navigation = st.navigation([
    st.Page("app_pages/start.py", title=shell.t("nav.start"), icon=":material/home:", default=True),
    st.Page("app_pages/assessment.py", title=shell.t("nav.assessment"), icon=":material/edit_note:", url_path="assessment"),
    st.Page("app_pages/results.py", title=shell.t("nav.results"), icon=":material/insights:", url_path="results"),
    st.Page("app_pages/history.py", title=shell.t("nav.history"), icon=":material/history:", url_path="history"),
    st.Page("app_pages/about.py", title=shell.t("nav.about"), icon=":material/info:", url_path="about"),
])
shell.page_style()
shell.language_switch()
navigation.run()
