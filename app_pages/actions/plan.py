"""Action plan (managers and admins): what the organisation agreed to do about its results, who does it and
by when, notes over time, and follow-up rounds to see what changed.

A link can open it on a theme (?org=&theme=<theme id> or &element=<1..5>, as "where to start" does): the new
action's form then starts on that theme, with suggestions for it. The link's values are only questions: the
service checks each one.
"""

from datetime import UTC, datetime
from functools import partial

import streamlit as st

from app_pages import prepared_files, shell, staff
from app_pages.actions import action_detail, follow_ups, forms
from app_pages.shell import plain, t
from services.accounts import authorisation
from services.actions import files, plan, suggestions
from services.actions.rules import (
    ACTION_KINDS,
    ACTION_STATUSES,
    DESCRIPTION_LENGTH,
    OWNER_LENGTH,
    PlanRefused,
    Target,
)
from services.errors import NotFound
from services.formatting import format_date

runtime = shell.runtime_or_stop()
language = shell.current_language()
account = staff.require_account(runtime, plan.PAGE, "view")
st.title(t("nav.action_plan"))
staff.show_notice()
st.markdown(t("actions.lead"))


def whole_number(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def asked_target() -> str | None:
    """The target a link asks for (?theme= or ?element=), as a key; None when it asks for none."""
    theme, element = st.query_params.get("theme"), st.query_params.get("element")
    try:
        if theme:
            return Target.parse(f"theme:{theme}").key
        if element:
            return Target.parse(f"element:{element}").key
    except PlanRefused:
        st.warning(t("actions.link_unusable"))
    return None


def new_action(context: plan.PlanContext, targets: dict[str, plan.TargetChoice]) -> None:
    """Choose what the action addresses (with ideas for it), then describe it."""
    st.subheader(t("actions.new_heading"))
    key = asked_target()
    if key is not None and key not in targets:
        st.warning(t("actions.link_unusable"))
    if "plan-new-target" not in st.session_state and key in targets:
        st.session_state["plan-new-target"] = key
    chosen = st.selectbox(
        t("actions.target_label"),
        list(targets),
        format_func=lambda k: targets[k].label,
        key="plan-new-target",
        help=t("actions.target_help"),
    )
    n = forms.number("new")
    ideas(Target.parse(chosen), f"plan-new-desc-{n}")
    teams = dict(context.teams)
    interventions = {None: t("actions.intervention_any")} | dict(context.interventions)
    with st.form(f"plan-new-{n}", enter_to_submit=False):
        kind = st.radio(
            t("actions.kind_label"),
            ACTION_KINDS,
            format_func=lambda k: t(f"actions.kind_{k}"),
            horizontal=True,
            key=f"plan-new-kind-{n}",
            help=t("actions.kind_help"),
        )
        description = st.text_area(
            t("actions.description_label"),
            max_chars=DESCRIPTION_LENGTH,
            height=90,
            key=f"plan-new-desc-{n}",
            placeholder=t("actions.description_placeholder"),
        )
        left, right = st.columns(2)
        owner = left.text_input(
            t("actions.owner_label"), max_chars=OWNER_LENGTH, key=f"plan-new-owner-{n}", help=t("actions.owner_help")
        )
        due_on = right.date_input(
            t("actions.due_label"),
            value=None,
            min_value=datetime.now(UTC).date(),
            format="DD-MM-YYYY",
            key=f"plan-new-due-{n}",
        )
        team_ids = st.multiselect(
            t("actions.teams_label" if context.whole_organisation else "actions.teams_required"),
            options=list(teams),
            format_func=teams.__getitem__,
            key=f"plan-new-teams-{n}",
            help=t("actions.teams_help"),
        )
        intervention = st.selectbox(
            t("actions.intervention_label"),
            options=list(interventions),
            format_func=interventions.__getitem__,
            key=f"plan-new-intervention-{n}",
        )
        create = st.form_submit_button(t("actions.create"), type="primary")
    if create:
        try:
            made = plan.create_action(
                runtime,
                account,
                context.organisation_id,
                target=chosen,
                kind=kind,
                description=description,
                owner=owner,
                due_on=due_on,
                team_ids=team_ids,
                intervention_id=intervention,
            )
        except forms.REFUSALS as exc:
            forms.refused(exc)
        else:
            st.session_state["plan-pick"] = made.id
            forms.succeeded("new", "actions.created")


def ideas(target: Target, description_key: str) -> None:
    """Suggestions for the chosen theme: a start, not a prescription; one click copies it into the form."""
    found = suggestions.for_target(runtime, target, language)
    if not found:
        return
    with st.expander(t("actions.ideas_heading", count=len(found))):
        st.caption(t("actions.ideas_lead"))
        for suggestion in found:
            left, right = st.columns([5, 1], vertical_alignment="center")
            origin = t("actions.idea_our_design") if suggestion.our_design else t("actions.idea_from_source")
            left.markdown(
                f"{plain(suggestion.text)}  \n"
                f"*{plain(origin)} {t('actions.idea_based_on')} {plain('; '.join(suggestion.sources))}.*",
                help=plain(suggestion.basis),
            )
            right.button(
                t("actions.idea_use"),
                key=f"plan-idea-{suggestion.id}",
                on_click=use_idea,
                args=(description_key, suggestion.text),
            )


def use_idea(description_key: str, text: str) -> None:
    # A callback runs before the form is drawn again, so the text area can take the idea as its value.
    st.session_state[description_key] = text


def plan_list(context: plan.PlanContext, targets: dict[str, plan.TargetChoice]) -> list[plan.ActionRow]:
    """The plan as a table, narrowed by status and theme, with its files."""
    st.subheader(t("actions.plan_heading"))
    left, right = st.columns([3, 2])  # room for the four status chips side by side
    statuses = left.multiselect(
        t("actions.filter_status"),
        ACTION_STATUSES,
        default=list(ACTION_STATUSES),
        format_func=lambda s: t(f"actions.status_{s}"),
        key="plan-filter-status",
    )
    choices = {"": t("actions.filter_all")} | {key: choice.label for key, choice in targets.items()}
    target_key = right.selectbox(
        t("actions.filter_target"), options=list(choices), format_func=choices.__getitem__, key="plan-filter-target"
    )
    target = Target.parse(target_key) if target_key else None
    rows = plan.list_actions(runtime, account, context.organisation_id, statuses=statuses, target=target)
    if not rows:
        st.info(t("actions.none"))
        return rows
    counts = {status: sum(1 for r in rows if r.status == status) for status in ACTION_STATUSES}
    st.markdown(t("actions.summary", total=len(rows), **counts))
    teams = dict(context.teams)
    st.dataframe(
        [
            {
                t("actions.col_target"): action_detail.target_text(runtime, row, language),
                t("actions.col_kind"): t(f"actions.kind_{row.kind}"),
                t("actions.col_action"): row.description,
                t("actions.col_owner"): row.owner or "",
                t("actions.col_due"): format_date(row.due_on, language) if row.due_on else "",
                t("actions.col_status"): t(f"actions.status_{row.status}"),
                t("actions.col_teams"): ", ".join(teams.get(i, "…") for i in row.team_ids)
                or t("actions.whole_organisation"),
                t("actions.col_notes"): row.notes,
            }
            for row in rows
        ],
        hide_index=True,
        width="stretch",
        key="plan-table",
    )
    if authorisation.can(account, plan.PAGE, "export"):
        exports(context, statuses, target, rows)
    return rows


def exports(context: plan.PlanContext, statuses: list[str], target: Target | None, rows: list[plan.ActionRow]) -> None:
    """The plan as the table shows it, each file made (and audited) at its own click, then handed out from this
    session's memory (app_pages/prepared_files.py); a change to the filters or to an action drops it."""
    offers = [
        prepared_files.FileOffer(
            f"plan-export-{file_format}",
            partial(export, context.organisation_id, file_format, statuses, target),
            t(f"actions.prepare_{file_format}"),
            t(f"actions.export_{file_format}"),
            files.FORMATS[file_format],
        )
        for file_format in files.FORMATS
    ]
    shown = tuple((row.id, row.version, row.notes) for row in rows)
    signature = (account.id, context.organisation_id, tuple(sorted(statuses)), target, language, shown)
    # Side by side, each as wide as its label: in columns the labels were cut to "Download …" alike.
    prepared_files.offer(st.container(horizontal=True), offers, signature)


def export(organisation_id: int, file_format: str, statuses, target) -> tuple[str, bytes] | None:
    """The file for the account as it is now (signed out: nothing), audited."""
    signed_in = staff.signed_in_account(runtime)
    if signed_in is None:
        return None
    made = files.export_plan(
        runtime, signed_in, organisation_id, file_format, language=language, statuses=statuses, target=target
    )
    return made.filename, made.data


# --- the page ------------------------------------------------------------------------------------------------

if authorisation.can(account, "admin_rounds", "view"):
    follow_ups.due_section(runtime, account, language)
organisations = plan.organisations(runtime, account)
if not organisations:
    st.info(t("actions.no_organisation"))
    st.stop()
names = dict(organisations)
if "plan-org" not in st.session_state and whole_number(st.query_params.get("org")) in names:
    st.session_state["plan-org"] = whole_number(st.query_params.get("org"))
organisation_id: int = st.selectbox(
    t("actions.organisation"), options=list(names), format_func=names.__getitem__, key="plan-org"
)
try:
    context = plan.plan_context(runtime, account, organisation_id, language=language)
except NotFound:
    st.error(t("actions.error.not_found"))
    st.stop()
targets = {choice.target.key: choice for choice in context.targets}
if authorisation.can(account, plan.PAGE, "create"):
    new_action(context, targets)
listed = plan_list(context, targets)
if listed:
    action_detail.render(runtime, account, language, context, listed)
