"""Organisations and teams: the organisations, then one organisation's teams, interventions and k.

Only admins open it; every change goes through services.admin.organisations, which checks the
account again and logs the change.
"""
import streamlit as st

from app_pages import shell, staff
from app_pages.shell import plain, t
from services.admin import organisations
from services.errors import NotAuthorised, NotFound

runtime = shell.runtime_or_stop()
language = shell.current_language()
account = staff.require_account(runtime, "admin_organisations", "view")

st.title(t("nav.admin_organisations"))
staff.show_notice()
st.markdown(t("admin.org_lead"))


REFUSALS = (organisations.Refused, NotFound, NotAuthorised)

# --- every organisation ---------------------------------------------------------------------

organisation_rows = organisations.list_organisations(runtime, account)
if organisation_rows:
    st.dataframe([{t("admin.col_organisation"): o.name, t("admin.col_k"): o.min_group_size,
                   t("admin.col_comment_k"): o.comment_min_group_size, t("admin.col_teams"): o.team_count}
                  for o in organisation_rows], hide_index=True, width="stretch", key="org-table")
else:
    st.info(t("admin.org_none"))

with st.expander(t("admin.org_new_heading"), expanded=not organisation_rows):
    with st.form("org-new", enter_to_submit=False):
        st.text_input(t("admin.org_name"), key="org-new-name", max_chars=organisations.MAX_NAME_LENGTH)
        st.number_input(t("admin.k_label"), min_value=1, max_value=1000, step=1,
                        value=runtime.settings.min_group_size, key="org-new-k",
                        help=t("admin.k_help", floor=organisations.MIN_GROUP_SIZE_FLOOR,
                                  default=runtime.settings.min_group_size))
        st.caption(t("admin.k_explained"))
        create = st.form_submit_button(t("admin.org_new_button"), type="primary", key="org-new-submit")
    if create:
        try:
            created = organisations.create_organisation(runtime, account, name=st.session_state["org-new-name"],
                                                min_group_size=st.session_state["org-new-k"])
        except REFUSALS as exc:
            staff.refused(exc)
        else:
            st.session_state["org-choose"] = created.id
            staff.done("admin.org_created", "org-new-name", "org-new-k", name=plain(created.name))

if not organisation_rows:
    st.stop()

# --- one organisation -----------------------------------------------------------------------

st.divider()
names = {o.id: o.name for o in organisation_rows}
if st.session_state.get("org-choose") not in names:
    st.session_state.pop("org-choose", None)
chosen_id = st.selectbox(t("admin.org_choose"), options=list(names), format_func=names.get, key="org-choose")
organisation = next(o for o in organisation_rows if o.id == chosen_id)
teams = organisations.list_teams(runtime, account, organisation.id)
interventions = organisations.list_interventions(runtime, account, organisation.id)

# Keyed, so the success message after an action does not send the admin back to the first tab.
teams_tab, interventions_tab, k_tab = st.tabs([t("admin.teams_heading"), t("admin.interventions_heading"),
                                               t("admin.k_heading")], key="org-tabs", on_change="rerun")

with teams_tab:
    st.caption(t("admin.teams_lead"))
    if teams:
        st.dataframe([{t("admin.col_team"): team.name,
                       t("admin.col_headcount"): team.size if team.size is not None else t("admin.headcount_none")}
                      for team in teams], hide_index=True, width="stretch", key="org-team-table")
    else:
        st.info(t("admin.teams_none"))

    with st.form("org-team", enter_to_submit=False):
        st.markdown(f"**{t('admin.team_new_heading')}**")
        st.text_input(t("admin.team_name"), key="org-team-name", max_chars=organisations.MAX_NAME_LENGTH)
        st.number_input(t("admin.headcount_label"), min_value=1, step=1, value=None, key="org-team-size",
                        help=t("admin.headcount_help"))
        add_team = st.form_submit_button(t("admin.team_new_button"), key="org-team-submit")
    if add_team:
        try:
            team = organisations.create_team(runtime, account, organisation.id, name=st.session_state["org-team-name"],
                                     size=st.session_state["org-team-size"])
        except REFUSALS as exc:
            staff.refused(exc)
        else:
            staff.done("admin.team_created", "org-team-name", "org-team-size", name=plain(team.name),
                 organisation=plain(organisation.name))

    if teams:
        team_names = {team.id: team.name for team in teams}
        with st.form("org-size", enter_to_submit=False):
            st.markdown(f"**{t('admin.headcount_change_heading')}**")
            st.selectbox(t("admin.col_team"), options=list(team_names), format_func=team_names.get,
                         key="org-size-team")
            st.number_input(t("admin.headcount_new_label"), min_value=1, step=1, value=None, key="org-size-value",
                            help=t("admin.headcount_new_help"))
            change_size = st.form_submit_button(t("admin.headcount_change_button"), key="org-size-submit")
        if change_size:
            try:
                team = organisations.set_team_size(runtime, account, st.session_state["org-size-team"],
                                           st.session_state["org-size-value"])
            except REFUSALS as exc:
                staff.refused(exc)
            else:
                staff.done("admin.headcount_changed" if team.size is not None else "admin.headcount_cleared",
                     "org-size-value", name=plain(team.name), size=team.size or 0)

with interventions_tab:
    st.caption(t("admin.interventions_lead"))
    if interventions:
        st.markdown("\n".join(f"- {plain(row.name)}" for row in interventions))
    else:
        st.info(t("admin.interventions_none"))
    with st.form("org-intervention", enter_to_submit=False):
        st.text_input(t("admin.intervention_name"), key="org-intervention-name", max_chars=200,
                      placeholder=t("admin.intervention_placeholder"))
        add_intervention = st.form_submit_button(t("admin.intervention_new_button"), key="org-intervention-submit")
    if add_intervention:
        try:
            added = organisations.add_intervention(runtime, account, organisation.id,
                                           name=st.session_state["org-intervention-name"])
        except REFUSALS as exc:
            staff.refused(exc)
        else:
            staff.done("admin.intervention_added", "org-intervention-name", name=plain(added.name))

with k_tab:
    st.markdown(t("admin.k_current", name=plain(organisation.name), k=organisation.min_group_size,
                  comment_k=organisation.comment_min_group_size))
    st.caption(t("admin.k_explained"))
    with st.form("org-k", enter_to_submit=False):
        st.number_input(t("admin.k_label"), min_value=1, max_value=1000, step=1, value=organisation.min_group_size,
                        key=f"org-k-value-{organisation.id}",
                        help=t("admin.k_help", floor=organisations.MIN_GROUP_SIZE_FLOOR,
                               default=runtime.settings.min_group_size))
        change_k = st.form_submit_button(t("admin.k_change_button"), key="org-k-submit")
    if change_k:
        try:
            changed = organisations.set_min_group_size(runtime, account, organisation.id,
                                               st.session_state[f"org-k-value-{organisation.id}"])
        except REFUSALS as exc:
            staff.refused(exc)
        else:
            staff.done("admin.k_changed", name=plain(changed.name), k=changed.min_group_size)
