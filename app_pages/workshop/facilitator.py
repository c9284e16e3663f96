"""Workshops (facilitators): start a live group session, see one's sessions, open a session's screen.

The screen itself (join code, QR code, the group's picture, controls, actions, export) is drawn by
app_pages/workshop/screen.py when the URL names a session (?session=ID).
"""

import streamlit as st

from app_pages import shell, staff
from app_pages.shell import plain, t
from app_pages.workshop import screen as workshop_screen
from services.accounts import authorisation
from services.errors import InvalidInput, NotAuthorised, NotFound
from services.formatting import format_date
from services.workshop import hosting

runtime = shell.runtime_or_stop()
language = shell.current_language()
account = staff.require_account(runtime, "workshop_facilitator", "view")
FORM_KEYS = ("ws-title", "ws-intervention", "ws-form", "ws-language", "ws-k", "ws-cap", "ws-tie")


def create_form() -> None:
    st.subheader(t("ws.new_heading"))
    forms = dict(hosting.form_choices(runtime, language))
    ties = {None: t("ws.tie_none")} | {(c.team_id, c.round_id): c.label for c in hosting.tie_choices(runtime, account)}
    floor = max(3, runtime.settings.min_group_size)
    with st.form("ws-new", enter_to_submit=False):
        title = st.text_input(
            t("ws.title_label"),
            max_chars=hosting.MAX_TITLE_LENGTH,
            key="ws-title",
            placeholder=t("ws.title_placeholder"),
        )
        intervention = st.text_input(
            t("ws.intervention_label"),
            max_chars=200,
            key="ws-intervention",
            placeholder=t("ws.intervention_placeholder"),
        )
        form_id = st.radio(
            t("ws.form_label"),
            list(forms),
            format_func=forms.get,
            key="ws-form",
            index=len(forms) - 1,
            help=t("ws.form_help"),
        )
        left, middle, right = st.columns(3)
        workshop_language = left.selectbox(
            t("ws.language_label"),
            list(runtime.instrument.languages),
            format_func=lambda code: t(f"ws.language_{code}"),
            key="ws-language",
            index=list(runtime.instrument.languages).index(language),
        )
        k = middle.number_input(
            t("ws.k_label"),
            min_value=floor,
            max_value=hosting.MAX_MIN_GROUP_SIZE,
            value=max(5, floor),
            step=1,
            key="ws-k",
            help=t("ws.k_help", floor=floor),
        )
        cap = right.number_input(
            t("ws.cap_label"),
            min_value=floor,
            max_value=runtime.settings.workshop_participant_cap,
            value=runtime.settings.workshop_participant_cap,
            step=1,
            key="ws-cap",
        )
        tie = st.selectbox(
            t("ws.tie_label"), list(ties), format_func=ties.__getitem__, key="ws-tie", help=t("ws.tie_help")
        )
        created = st.form_submit_button(t("ws.create"), type="primary")
    if created:
        try:
            info = hosting.create_workshop(
                runtime,
                account,
                title=title,
                intervention=intervention,
                form_id=form_id,
                language=workshop_language,
                min_group_size=int(k),
                participant_cap=int(cap),
                tie=tie,
            )
        except hosting.GroupSizeBelowOrganisation as exc:
            st.error(t("ws.error.workshop_k_below_organisation", k=exc.k))
        except InvalidInput as exc:
            st.error(t(f"ws.error.{exc}"))
        except (NotFound, NotAuthorised):
            st.error(t("ws.error.workshop_tie"))
        else:
            for key in FORM_KEYS:
                st.session_state.pop(key, None)
            st.query_params["session"] = str(info.id)
            st.rerun()


def workshop_list() -> None:
    sessions = hosting.list_workshops(runtime, account)
    st.subheader(t("ws.list_heading"))
    if not sessions:
        st.info(t("ws.list_empty"))
        return
    for info in sessions:
        with st.container(border=True):
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.markdown(
                t(
                    "ws.list_line",
                    title=plain(info.title),
                    intervention=plain(info.intervention),
                    date=format_date(info.created_at, language),
                    status=t(f"ws.status_{info.status}"),
                    joined=info.joined,
                    answered=info.submitted_now,
                    code=info.code,
                )
            )
            if right.button(t("ws.open"), key=f"ws-open-{info.id}", width="stretch"):
                st.query_params["session"] = str(info.id)
                st.rerun()


def chosen_workshop() -> int | None:
    raw = st.query_params.get("session")
    if raw is None:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else -1


workshop_id = chosen_workshop()
if workshop_id is None:
    st.title(t("nav.workshop"))
    staff.show_notice()
    st.markdown(t("ws.lead"))
    if authorisation.can(account, hosting.PAGE, "create"):
        create_form()
    workshop_list()
else:
    workshop_screen.render(runtime, account, workshop_id, language)
