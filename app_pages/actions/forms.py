"""What the action plan's forms share.

Each form's key and its widgets' keys carry a number (state_keys.PLAN_FORMS). A success counts it on: the next
run draws a new, empty form, and a second click on the old submit button (a double click) submits a form that
no longer exists, so nothing is done twice. A refusal keeps the number: what was typed stays in the form.
"""

from __future__ import annotations

import streamlit as st

from app_pages import staff, state_keys
from app_pages.shell import plain, t
from services.actions.rules import PlanRefused
from services.admin.organisations import Refused
from services.errors import NotAuthorised, NotFound, Unavailable


def number(form: str) -> int:
    """The number the form `form` is drawn with now."""
    return st.session_state.setdefault(state_keys.PLAN_FORMS, {}).get(form, 0)


def succeeded(form: str, message_key: str, **values: object) -> None:
    """The form did its work: draw it empty next time, say so once, and run the page again."""
    forms = st.session_state.setdefault(state_keys.PLAN_FORMS, {})
    forms[form] = forms.get(form, 0) + 1
    staff.notify("success", message_key, **values)
    st.rerun()


def refused(exc: Exception) -> None:
    """Why a plan action was refused, in plain words (what was typed stays in the form)."""
    if isinstance(exc, PlanRefused):
        st.error(t(f"actions.error.{exc.reason}", **_plain(exc.values)))
    elif isinstance(exc, Refused):  # a follow-up round refused as the rounds page refuses a round
        st.error(t(f"admin.error.{exc.reason}", **_plain(exc.values)))
    elif isinstance(exc, NotFound):
        st.error(t("actions.error.not_found"))
    elif isinstance(exc, Unavailable):
        st.error(t("error.unavailable"))
    elif isinstance(exc, NotAuthorised):
        st.error(t("actions.error.no_access"))
    else:
        raise exc


def _plain(values: dict) -> dict:
    return {key: plain(value) if isinstance(value, str) else value for key, value in values.items()}


REFUSALS = (PlanRefused, Refused, NotFound, NotAuthorised, Unavailable)
