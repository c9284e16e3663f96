"""One action of the plan, chosen from the list: what it is, a form to change it, its notes, its follow-up rounds.

Not a page of its own: app_pages/actions/plan.py draws it below the list. Two people changing one action at
once: the change form remembers the version it started from (state_keys.PLAN_SEEN); when someone else changed
the action meanwhile, nothing is stored, the page says what the action holds now and keeps what was typed, and
saving again stores it over the other change, now seen.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from app_pages import state_keys
from app_pages.actions import forms
from app_pages.shell import plain, t
from services.accounts import authorisation
from services.actions import follow_up, plan
from services.actions.rows import target_label
from services.actions.rules import (
    ACTION_STATUSES,
    DESCRIPTION_LENGTH,
    FOLLOW_UP_DAYS,
    NOTE_LENGTH,
    OWNER_LENGTH,
)
from services.formatting import format_date, format_datetime

NEXT_STATUS = {"planned": "doing", "doing": "done"}  # the one-click move offered beside the form


def target_text(runtime, row: plan.ActionRow, language: str) -> str:
    return target_label(runtime, row.target, language, row.instrument_hash)


def render(runtime, account, language: str, context: plan.PlanContext, listed: list[plan.ActionRow]) -> None:
    st.subheader(t("actions.work_heading"))
    ids = [row.id for row in listed]
    if st.session_state.get("plan-pick") not in ids:
        st.session_state["plan-pick"] = ids[0]
    by_id = {row.id: row for row in listed}
    action_id = st.selectbox(
        t("actions.pick"),
        ids,
        key="plan-pick",
        format_func=lambda i: _short(by_id[i].description, target_text(runtime, by_id[i], language)),
    )
    try:
        row, notes = plan.get_action(runtime, account, action_id)
    except forms.REFUSALS as exc:
        forms.refused(exc)
        return
    describe(runtime, row, context, language)
    editable = authorisation.can(account, plan.PAGE, "edit")
    if editable:
        change_form(runtime, account, row)
    notes_part(runtime, account, row, notes, language, editable)
    follow_up_part(runtime, account, row, context, language, editable)


def describe(runtime, row: plan.ActionRow, context: plan.PlanContext, language: str) -> None:
    teams = dict(context.teams)
    interventions = dict(context.interventions)
    with st.container(border=True):
        st.markdown(
            f"**{plain(target_text(runtime, row, language))}** · {t(f'actions.kind_{row.kind}')} · "
            f"{t(f'actions.status_{row.status}')}"
        )
        st.markdown(plain(row.description))
        parts = [
            t("actions.owner_is", owner=plain(row.owner)) if row.owner else t("actions.owner_none"),
            t("actions.due_is", date=format_date(row.due_on, language)) if row.due_on else t("actions.due_none"),
            ", ".join(plain(teams.get(i, "…")) for i in row.team_ids) or t("actions.whole_organisation"),
        ]
        if row.intervention_id in interventions:
            parts.append(plain(interventions[row.intervention_id]))
        st.markdown(" · ".join(parts))
        if row.origin_workshop_id or row.origin_workshop_action_id:
            st.caption(
                t("actions.origin_title", title=plain(row.origin_title))
                if row.origin_title
                else t("actions.origin_workshop")
            )
        st.caption(
            t(
                "actions.made_and_changed",
                made_by=plain(row.created_by or "–"),
                made=format_date(row.created_at, language),
                changed_by=plain(row.updated_by or "–"),
                changed=format_datetime(row.updated_at, language, say_utc=True),
            )
        )


def change_form(runtime, account, row: plan.ActionRow) -> None:
    seen = st.session_state.setdefault(state_keys.PLAN_SEEN, {})
    seen.setdefault(row.id, row.version)
    name = f"edit-{row.id}"
    n = forms.number(name)
    next_status = NEXT_STATUS.get(row.status)
    if next_status and st.button(
        t(f"actions.move_{next_status}"), key=f"plan-move-{row.id}-{n}", icon=":material/arrow_forward:"
    ):
        try:
            plan.change_status(runtime, account, row.id, seen_version=row.version, status=next_status)
        except plan.ChangedMeanwhile as exc:
            changed_meanwhile(exc.current)
        except forms.REFUSALS as exc:
            forms.refused(exc)
        else:
            seen.pop(row.id, None)
            forms.succeeded(name, "actions.status_changed", status=t(f"actions.status_{next_status}"))
    with st.expander(t("actions.change_heading")), st.form(f"plan-edit-{row.id}-{n}", enter_to_submit=False):
        description = st.text_area(
            t("actions.description_label"),
            value=row.description,
            height=90,
            max_chars=DESCRIPTION_LENGTH,
            key=f"plan-edit-desc-{row.id}-{n}",
        )
        left, middle, right = st.columns(3)
        owner = left.text_input(
            t("actions.owner_label"), value=row.owner or "", max_chars=OWNER_LENGTH, key=f"plan-edit-owner-{row.id}-{n}"
        )
        due_on = middle.date_input(
            t("actions.due_label"),
            value=row.due_on,
            format="DD-MM-YYYY",
            key=f"plan-edit-due-{row.id}-{n}",
            help=t("actions.due_help"),
        )
        status = right.selectbox(
            t("actions.status_label"),
            ACTION_STATUSES,
            index=ACTION_STATUSES.index(row.status),
            format_func=lambda s: t(f"actions.status_{s}"),
            key=f"plan-edit-status-{row.id}-{n}",
        )
        save = st.form_submit_button(t("actions.save"), type="primary")
    if save:
        try:
            plan.update_action(
                runtime,
                account,
                row.id,
                seen_version=seen.get(row.id, row.version),
                description=description,
                owner=owner,
                due_on=due_on,
                status=status,
            )
        except plan.ChangedMeanwhile as exc:
            seen[row.id] = exc.current.version  # saving again stores what was typed over what is now seen
            changed_meanwhile(exc.current)
        except forms.REFUSALS as exc:
            forms.refused(exc)
        else:
            seen.pop(row.id, None)
            forms.succeeded(name, "actions.saved")


def changed_meanwhile(current: plan.ActionRow) -> None:
    st.error(t("actions.error.changed_meanwhile", who=plain(current.updated_by or "–")))
    st.markdown(
        t(
            "actions.now_holds",
            status=t(f"actions.status_{current.status}"),
            owner=plain(current.owner or "–"),
            description=plain(current.description),
        )
    )


def notes_part(runtime, account, row: plan.ActionRow, notes, language: str, editable: bool) -> None:
    st.markdown(f"**{t('actions.notes_heading')}**")
    if not notes:
        st.caption(t("actions.notes_none"))
    for note in notes:
        st.markdown(
            f"*{format_datetime(note.created_at, language, say_utc=True)} · "
            f"{plain(note.created_by or '–')}:* {plain(note.text)}"
        )
    if not editable:
        return
    name = f"note-{row.id}"
    n = forms.number(name)
    with st.form(f"plan-note-{row.id}-{n}", enter_to_submit=False):
        text = st.text_area(
            t("actions.note_label"), max_chars=NOTE_LENGTH, height=70, key=f"plan-note-text-{row.id}-{n}"
        )
        add = st.form_submit_button(t("actions.note_add"))
    if add:
        try:
            plan.add_note(runtime, account, row.id, text=text)
        except forms.REFUSALS as exc:
            forms.refused(exc)
        else:
            forms.succeeded(name, "actions.note_added")


def follow_up_part(
    runtime, account, row: plan.ActionRow, context: plan.PlanContext, language: str, editable: bool
) -> None:
    st.markdown(f"**{t('actions.follow_up_heading')}**")
    st.caption(t("actions.follow_up_lead"))
    for planned in follow_up.list_follow_ups(runtime, account, row.id):
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(follow_up_line(planned, language))
        if (
            editable
            and planned.status == "scheduled"
            and right.button(t("actions.follow_up_cancel"), key=f"plan-fu-cancel-{planned.id}")
        ):
            try:
                follow_up.cancel_follow_up(runtime, account, planned.id)
            except forms.REFUSALS as exc:
                forms.refused(exc)
            else:
                forms.succeeded(f"fu-{row.id}", "actions.follow_up_cancelled")
    if editable and row.status != "dropped":
        schedule_form(runtime, account, row, context)


def follow_up_line(planned: follow_up.FollowUpRow, language: str) -> str:
    status = "started_gone" if planned.status == "started" and planned.round_name is None else planned.status
    state = t(f"actions.follow_up_state_{status}", round=plain(planned.round_name or ""))
    form = t("actions.follow_up_short_form") if planned.form_id else t("actions.follow_up_full_form")
    return t(
        "actions.follow_up_line",
        opens=format_date(planned.opens_on, language),
        closes=format_date(planned.closes_on, language),
        teams=plain(", ".join(planned.teams)),
        form=form,
        state=state,
    )


def schedule_form(runtime, account, row: plan.ActionRow, context: plan.PlanContext) -> None:
    name = f"fu-{row.id}"
    n = forms.number(name)
    teams = dict(context.teams)
    interventions = dict(context.interventions)
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    short = follow_up.follow_up_form(runtime, row.target) is not None
    with st.expander(t("actions.follow_up_new")), st.form(f"plan-fu-{row.id}-{n}", enter_to_submit=False):
        st.caption(t("actions.follow_up_uses_short" if short else "actions.follow_up_uses_full"))
        left, right = st.columns(2)
        opens_on = left.date_input(
            t("actions.follow_up_opens"),
            value=tomorrow + timedelta(days=27),
            min_value=tomorrow,
            format="DD-MM-YYYY",
            key=f"plan-fu-opens-{row.id}-{n}",
        )
        closes_on = right.date_input(
            t("actions.follow_up_closes"),
            value=tomorrow + timedelta(days=27 + FOLLOW_UP_DAYS - 1),
            min_value=tomorrow,
            format="DD-MM-YYYY",
            key=f"plan-fu-closes-{row.id}-{n}",
        )
        chosen_teams = st.multiselect(
            t("actions.follow_up_teams"),
            options=list(teams),
            format_func=teams.__getitem__,
            default=[i for i in row.team_ids if i in teams] or list(teams),
            key=f"plan-fu-teams-{row.id}-{n}",
        )
        default = row.intervention_id if row.intervention_id in interventions else None
        options = list(interventions)
        intervention = (
            st.selectbox(
                t("actions.follow_up_intervention"),
                options=options,
                format_func=interventions.__getitem__,
                index=options.index(default) if default in options else 0,
                key=f"plan-fu-intervention-{row.id}-{n}",
            )
            if options
            else None
        )
        schedule = st.form_submit_button(t("actions.follow_up_schedule"))
    if schedule:
        try:
            follow_up.schedule_follow_up(
                runtime,
                account,
                row.id,
                opens_on=opens_on,
                closes_on=closes_on,
                team_ids=chosen_teams,
                intervention_id=intervention,
            )
        except forms.REFUSALS as exc:
            forms.refused(exc)
        else:
            forms.succeeded(name, "actions.follow_up_scheduled")


def _short(description: str, target: str) -> str:
    text = description if len(description) <= 70 else description[:69] + "…"
    return f"{target}: {text}"
