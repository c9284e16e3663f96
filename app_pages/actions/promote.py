"""On a workshop's screen, beside each agreed action: "Add to the organisation's plan", one click, keeping where
the action came from (services/actions/promotion.py promote_workshop_action). An action already in the plan says so
instead. A session tied to a survey round adds to that round's organisation (and team); any other session to
the organisation chosen once above the list, when the facilitator has more than one."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from app_pages.actions import forms
from app_pages.shell import t
from services.accounts import authorisation
from services.actions import plan
from services.actions import promotion as adding
from services.workshop import hosting


@dataclass(frozen=True)
class Promotion:
    promoted: dict[int, int]  # plan action id by agreed action id
    organisation_id: int | None  # for a session not tied to a round
    ready: bool  # an organisation to add to is known


def promotion(runtime, account, workshop_id: int) -> Promotion | None:
    """What the buttons need, read once per screen; None when the account cannot add to a plan."""
    if not authorisation.can(account, plan.PAGE, "create"):
        return None
    promoted = adding.promoted_in_workshop(runtime, account, workshop_id)
    if hosting.workshop_info(runtime, account, workshop_id).tied_to is not None:
        return Promotion(promoted, None, True)
    choices = dict(adding.promotion_organisations(runtime, account))
    if not choices:
        return Promotion(promoted, None, False)
    if len(choices) == 1:
        return Promotion(promoted, next(iter(choices)), True)
    chosen = st.selectbox(
        t("actions.promote_organisation"),
        options=list(choices),
        format_func=choices.__getitem__,
        key=f"ws-plan-org-{workshop_id}",
    )
    return Promotion(promoted, chosen, True)


def button(runtime, account, chosen: Promotion | None, action, column) -> None:
    """The button for one agreed action (drawn in `column`), or the note that it is in the plan."""
    if chosen is None:
        return
    if action.id in chosen.promoted:
        column.caption(t("actions.promote_done"))
        return
    if not chosen.ready:
        return
    if column.button(
        t("actions.promote"),
        key=f"ws-plan-add-{action.id}",
        help=t("actions.promote_help"),
        icon=":material/playlist_add:",
    ):
        try:
            adding.promote_workshop_action(runtime, account, action.id, organisation_id=chosen.organisation_id)
        except forms.REFUSALS as exc:
            forms.refused(exc)
        else:
            st.rerun()
