"""Sign in: username and password (slowed down after failures), or an organisation account."""

import streamlit as st

from app_pages import navigation, shell, staff
from app_pages.chart_code import fetch_chart_code
from app_pages.shell import t

runtime = shell.runtime_or_stop()
language = shell.current_language()

account = staff.signed_in_account(runtime)
if account is not None:
    st.switch_page(navigation.home_page(account), query_params={"lang": language})

st.title(t("staff.login_title"))
fetch_chart_code()  # while the password is typed: the dashboard's charts then draw at once
st.markdown(t("staff.login_lead"))
staff.show_notice()
staff.login_form(runtime)

if staff.sso_available(runtime):
    st.divider()
    staff.sso_section(runtime)
