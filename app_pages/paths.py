"""Every page's file, named once: st.Page, st.switch_page, st.page_link and the tests use these.

The keys of BY_NAME are the short names the tests open pages by (mostly the page's URL path).
"""

from __future__ import annotations

START = "app_pages/respond/start.py"
QUESTIONNAIRE = "app_pages/respond/questionnaire.py"
JOIN = "app_pages/respond/join.py"
ABOUT = "app_pages/respond/about.py"
RESULTS = "app_pages/results/your_results.py"
HISTORY = "app_pages/results/history.py"
DASHBOARD = "app_pages/dashboard/overview.py"
WORKSHOP = "app_pages/workshop/facilitator.py"
SETUP = "app_pages/accounts/setup.py"
LOGIN = "app_pages/accounts/login.py"
ACCOUNT = "app_pages/accounts/own_account.py"
ADMIN_ORGANISATIONS = "app_pages/admin/organisations.py"
ADMIN_ROUNDS = "app_pages/admin/rounds.py"
ADMIN_ACCOUNTS = "app_pages/admin/accounts.py"
ACTION_PLAN = "app_pages/actions/plan.py"

BY_NAME = {
    "start": START,
    "assessment": QUESTIONNAIRE,
    "join": JOIN,
    "about": ABOUT,
    "results": RESULTS,
    "history": HISTORY,
    "dashboard": DASHBOARD,
    "workshop": WORKSHOP,
    "setup": SETUP,
    "login": LOGIN,
    "account": ACCOUNT,
    "admin_organisations": ADMIN_ORGANISATIONS,
    "admin_rounds": ADMIN_ROUNDS,
    "admin_accounts": ADMIN_ACCOUNTS,
    "plan": ACTION_PLAN,
}


def your_results_or_history(result_count: int) -> str:
    """One result opens the result page; several open History, where the person picks one."""
    return RESULTS if result_count == 1 else HISTORY
