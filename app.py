"""ValueMatch: frame and router. Everything else lives in app_pages/ and services/."""
import streamlit as st

from app_pages import shell

st.set_page_config(page_title="ValueMatch", page_icon="🧭", layout="centered")
runtime = shell.runtime_or_stop()
language = shell.current_language()

navigation = st.navigation([
    st.Page("app_pages/start.py", title=shell.t("nav.start"), icon="🏠", default=True),
    st.Page("app_pages/assessment.py", title=shell.t("nav.assessment"), icon="📝", url_path="assessment"),
    st.Page("app_pages/results.py", title=shell.t("nav.results"), icon="📊", url_path="results"),
    st.Page("app_pages/history.py", title=shell.t("nav.history"), icon="🕘", url_path="history"),
    st.Page("app_pages/about.py", title=shell.t("nav.about"), icon="ℹ️", url_path="about"),
])
shell.language_switch()
navigation.run()
