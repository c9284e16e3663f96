"""Organisations and teams: the organisations, then one organisation's teams, interventions and k.

Only admins open it; every change goes through services.admin.organisations, which checks the
account again and logs the change. Each form does its work in its submit button's callback and is
empty again after a success (app_pages/admin/form_actions.py).
"""

import streamlit as st

from app_pages import shell, staff
from app_pages.admin import form_actions
from app_pages.shell import plain, t
from services.admin import organisations

runtime = shell.runtime_or_stop()
language = shell.current_language()
account = staff.require_account(runtime, "admin_organisations", "view")

st.title(t("nav.admin_organisations"))
staff.show_notice()
st.markdown(t("admin.org_lead"))


def typed(key: str):
    return st.session_state.get(key)


# --- every organisation ---------------------------------------------------------------------

organisation_rows = organisations.list_organisations(runtime, account)
if organisation_rows:
    st.dataframe(
        [
            {
                t("admin.col_organisation"): o.name,
                t("admin.col_k"): o.min_group_size,
                t("admin.col_teams"): o.team_count,
            }
            for o in organisation_rows
        ],
        hide_index=True,
        width="stretch",
        key="org-table",
    )
else:
    st.info(t("admin.org_none"))

with st.expander(t("admin.org_new_heading"), expanded=not organisation_rows):
    with st.form("org-new", enter_to_submit=False):
        st.text_input(t("admin.org_name"), key="org-new-name", max_chars=organisations.MAX_NAME_LENGTH)
        st.session_state.setdefault("org-new-k", runtime.settings.min_group_size)  # set anew after a success
        st.number_input(
            t("admin.k_label"),
            min_value=1,
            max_value=1000,
            step=1,
            key="org-new-k",
            help=t("admin.k_help", floor=organisations.MIN_GROUP_SIZE_FLOOR, default=runtime.settings.min_group_size),
        )
        st.caption(t("admin.k_explained"))
        st.form_submit_button(
            t("admin.org_new_button"),
            type="primary",
            key="org-new-submit",
            on_click=form_actions.submit,
            kwargs=dict(
                form="org-new",
                typed=("org-new-name", "org-new-k"),
                work=lambda actor: organisations.create_organisation(
                    runtime, actor, name=typed("org-new-name"), min_group_size=typed("org-new-k")
                ),
                success=lambda created: ("admin.org_created", {"name": plain(created.name)}),
                after=lambda created: {
                    "org-new-name": "",
                    "org-new-k": runtime.settings.min_group_size,
                    "org-choose": created.id,
                },
            ),
        )
    form_actions.refusal("org-new")

if not organisation_rows:
    st.stop()

# --- one organisation -----------------------------------------------------------------------

st.divider()
names = {o.id: o.name for o in organisation_rows}
if st.session_state.get("org-choose") not in names:
    st.session_state.pop("org-choose", None)
chosen_id = st.selectbox(t("admin.org_choose"), options=list(names), format_func=names.__getitem__, key="org-choose")
organisation = next(o for o in organisation_rows if o.id == chosen_id)
teams = organisations.list_teams(runtime, account, organisation.id)
interventions = organisations.list_interventions(runtime, account, organisation.id)

# Keyed, so the success message after an action does not send the admin back to the first tab.
teams_tab, interventions_tab, k_tab = st.tabs(
    [t("admin.teams_heading"), t("admin.interventions_heading"), t("admin.k_heading")],
    key="org-tabs",
    on_change="rerun",
)

with teams_tab:
    st.caption(t("admin.teams_lead"))
    if teams:
        st.dataframe(
            [
                {
                    t("admin.col_team"): team.name,
                    t("admin.col_headcount"): team.size if team.size is not None else t("admin.headcount_none"),
                }
                for team in teams
            ],
            hide_index=True,
            width="stretch",
            key="org-team-table",
        )
    else:
        st.info(t("admin.teams_none"))

    with st.form("org-team", enter_to_submit=False):
        st.markdown(f"**{t('admin.team_new_heading')}**")
        st.text_input(t("admin.team_name"), key="org-team-name", max_chars=organisations.MAX_NAME_LENGTH)
        st.number_input(
            t("admin.headcount_label"),
            min_value=1,
            step=1,
            value=None,
            key="org-team-size",
            help=t("admin.headcount_help"),
        )
        st.form_submit_button(
            t("admin.team_new_button"),
            key="org-team-submit",
            on_click=form_actions.submit,
            kwargs=dict(
                form="org-team",
                typed=("org-team-name", "org-team-size"),
                work=lambda actor, organisation_id=organisation.id: organisations.create_team(
                    runtime, actor, organisation_id, name=typed("org-team-name"), size=typed("org-team-size")
                ),
                success=lambda team, name=organisation.name: (
                    "admin.team_created",
                    {"name": plain(team.name), "organisation": plain(name)},
                ),
                after=lambda _team: {"org-team-name": "", "org-team-size": None},
            ),
        )
    form_actions.refusal("org-team")

    if teams:
        team_names = {team.id: team.name for team in teams}
        with st.form("org-size", enter_to_submit=False):
            st.markdown(f"**{t('admin.headcount_change_heading')}**")
            st.selectbox(
                t("admin.col_team"), options=list(team_names), format_func=team_names.__getitem__, key="org-size-team"
            )
            st.number_input(
                t("admin.headcount_new_label"),
                min_value=1,
                step=1,
                value=None,
                key="org-size-value",
                help=t("admin.headcount_new_help"),
            )
            st.form_submit_button(
                t("admin.headcount_change_button"),
                key="org-size-submit",
                on_click=form_actions.submit,
                kwargs=dict(
                    form="org-size",
                    typed=("org-size-team", "org-size-value"),
                    work=lambda actor: organisations.set_team_size(
                        runtime, actor, typed("org-size-team"), typed("org-size-value")
                    ),
                    success=lambda team: (
                        "admin.headcount_changed" if team.size is not None else "admin.headcount_cleared",
                        {"name": plain(team.name), "size": team.size or 0},
                    ),
                    after=lambda _team: {"org-size-value": None},
                ),
            )
        form_actions.refusal("org-size")

with interventions_tab:
    st.caption(t("admin.interventions_lead"))
    if interventions:
        st.markdown("\n".join(f"- {plain(row.name)}" for row in interventions))
    else:
        st.info(t("admin.interventions_none"))
    with st.form("org-intervention", enter_to_submit=False):
        st.text_input(
            t("admin.intervention_name"),
            key="org-intervention-name",
            max_chars=200,
            placeholder=t("admin.intervention_placeholder"),
        )
        st.form_submit_button(
            t("admin.intervention_new_button"),
            key="org-intervention-submit",
            on_click=form_actions.submit,
            kwargs=dict(
                form="org-intervention",
                typed=("org-intervention-name",),
                work=lambda actor, organisation_id=organisation.id: organisations.add_intervention(
                    runtime, actor, organisation_id, name=typed("org-intervention-name")
                ),
                success=lambda added: ("admin.intervention_added", {"name": plain(added.name)}),
                after=lambda _added: {"org-intervention-name": ""},
            ),
        )
    form_actions.refusal("org-intervention")

with k_tab:
    # Only the k of results: ValueMatch asks for no written comments, so their own minimum is not offered.
    st.markdown(t("admin.k_current", name=plain(organisation.name), k=organisation.min_group_size))
    st.caption(t("admin.k_explained"))
    k_key = f"org-k-value-{organisation.id}"
    with st.form("org-k", enter_to_submit=False):
        st.number_input(
            t("admin.k_label"),
            min_value=1,
            max_value=1000,
            step=1,
            value=organisation.min_group_size,
            key=k_key,
            help=t("admin.k_help", floor=organisations.MIN_GROUP_SIZE_FLOOR, default=runtime.settings.min_group_size),
        )
        st.form_submit_button(
            t("admin.k_change_button"),
            key="org-k-submit",
            on_click=form_actions.submit,
            kwargs=dict(
                form="org-k",
                typed=(k_key,),
                work=lambda actor, organisation_id=organisation.id, k_key=k_key: organisations.set_min_group_size(
                    runtime, actor, organisation_id, typed(k_key)
                ),
                success=lambda changed: ("admin.k_changed", {"name": plain(changed.name), "k": changed.min_group_size}),
            ),
        )
    form_actions.refusal("org-k")
