"""Survey rounds: start a round for some teams of an organisation, hand out the teams' invitation
links (shown once: only their hashes are stored), renew a link, close a round early.

Rounds run from the start of their first day to the end of their last day, in UTC.
"""
from datetime import UTC, datetime, timedelta

import streamlit as st

from app_pages import paths, shell, staff
from app_pages.shell import plain, t
from services.admin import organisations, rounds
from services.errors import NotAuthorised, NotFound

runtime = shell.runtime_or_stop()
language = shell.current_language()
account = staff.require_account(runtime, "admin_rounds", "view")

st.title(t("nav.admin_rounds"))
staff.show_notice()
st.markdown(t("admin.round_lead"))

LINKS_KEY = "round-links"   # (organisation id, round name, [(team, token), ...]) until hidden
REFUSALS = (organisations.Refused, NotFound, NotAuthorised)


def when(moment: datetime) -> str:
    return f"{moment:%d-%m-%Y %H:%M} UTC"


def show_new_links() -> None:
    """The links made just now, each once, with a CSV of them; gone when hidden or replaced."""
    _, round_name, invitations = st.session_state[LINKS_KEY]
    address = shell.app_address(runtime)
    with st.container(border=True):
        st.subheader(t("admin.links_heading", round=plain(round_name)))
        st.warning(t("admin.links_once"))
        if address is None:
            st.info(t("admin.links_address_unknown"))
        links = [(team, rounds.invitation_url(address or t("admin.links_placeholder_base"), token))
                 for team, token in invitations]
        for team, link in links:
            st.markdown(f"**{plain(team)}**")
            st.code(link, language=None)
        st.download_button(t("admin.links_download"), key="round-links-csv", on_click="ignore",
                           data=rounds.invitation_csv(links, header=(t("admin.col_team"), t("admin.col_link"))),
                           file_name="invitation-links.csv", mime="text/csv", icon=":material/download:")
        if st.button(t("admin.links_hide"), key="round-links-hide"):
            del st.session_state[LINKS_KEY]
            st.rerun()


def counting_notes(round_id: int) -> None:
    """What the round's links brought in that was not counted or looks misused, per team: numbers only."""
    notes = rounds.counting_notes(runtime, account, round_id)
    st.markdown(f"**{t('admin.counting_heading')}**")
    if not notes:
        st.caption(t("admin.counting_none"))
    settings = runtime.settings
    for note in notes:
        team = plain(note.team)
        if note.over_headcount:
            st.warning(t("admin.counting_over_headcount", team=team, n=note.over_headcount))
        if note.device_limit:
            st.warning(t("admin.counting_device_limit", team=team, n=note.device_limit,
                         limit=settings.link_device_limit))
        if note.repeat_device:
            st.info(t("admin.counting_repeat_device", team=team, n=note.repeat_device))
        if note.identical_burst:
            st.warning(t("admin.counting_identical_burst", team=team, n=note.identical_burst,
                         minutes=settings.identical_burst_minutes))


# --- which organisation ---------------------------------------------------------------------

organisation_rows = organisations.list_organisations(runtime, account, page="admin_rounds")
if not organisation_rows:
    st.info(t("admin.round_no_organisation"))
    st.page_link(paths.ADMIN_ORGANISATIONS, label=t("admin.go_organisations"), icon=":material/domain:",
                 query_params={"lang": language})
    st.stop()
names = {o.id: o.name for o in organisation_rows}
organisation_id = st.selectbox(t("admin.org_choose"), options=list(names), format_func=names.get, key="round-org")

if st.session_state.get(LINKS_KEY, (organisation_id,))[0] != organisation_id:
    del st.session_state[LINKS_KEY]   # another organisation's links are not shown again
if LINKS_KEY in st.session_state:
    show_new_links()

teams = organisations.list_teams(runtime, account, organisation_id, page="admin_rounds")
interventions = organisations.list_interventions(runtime, account, organisation_id, page="admin_rounds")
round_rows = rounds.list_rounds(runtime, account, organisation_id)

# --- a new round ----------------------------------------------------------------------------

st.subheader(t("admin.round_new_heading"))
if not teams or not interventions:
    st.info(t("admin.round_needs_teams_and_interventions"))
    st.page_link(paths.ADMIN_ORGANISATIONS, label=t("admin.go_organisations"), icon=":material/domain:",
                 query_params={"lang": language})
else:
    team_names = {team.id: team.name for team in teams}
    intervention_names = {row.id: row.name for row in interventions}
    today = datetime.now(UTC).date()
    with st.form(f"round-new-{organisation_id}", enter_to_submit=False):
        st.text_input(t("admin.round_name"), key="round-new-name", max_chars=organisations.MAX_NAME_LENGTH,
                      placeholder=t("admin.round_name_placeholder"))
        st.selectbox(t("admin.round_intervention"), options=list(intervention_names),
                     format_func=intervention_names.get, key=f"round-new-intervention-{organisation_id}")
        first, last = st.columns(2)
        first.date_input(t("admin.round_opens"), value=today, format="DD-MM-YYYY", key="round-new-opens")
        last.date_input(t("admin.round_closes"), value=today + timedelta(weeks=3), format="DD-MM-YYYY",
                        key="round-new-closes")
        st.caption(t("admin.round_times_explained"))
        st.multiselect(t("admin.round_teams"), options=list(team_names), default=list(team_names),
                       format_func=team_names.get, key=f"round-new-teams-{organisation_id}")
        create = st.form_submit_button(t("admin.round_new_button"), type="primary", key="round-new-submit")
    if create:
        try:
            opens_at, closes_at = rounds.round_period(st.session_state["round-new-opens"],
                                                     st.session_state["round-new-closes"])
            created = rounds.create_round(
                runtime, account, organisation_id, name=st.session_state["round-new-name"],
                intervention_id=st.session_state[f"round-new-intervention-{organisation_id}"],
                opens_at=opens_at, closes_at=closes_at,
                team_ids=st.session_state[f"round-new-teams-{organisation_id}"])
        except REFUSALS as exc:
            staff.refused(exc)
        else:
            st.session_state[LINKS_KEY] = (organisation_id, created.round.name,
                                           [(i.team, i.token) for i in created.invitations])
            staff.done("admin.round_created", "round-new-name", name=plain(created.round.name))

# --- the organisation's rounds --------------------------------------------------------------

st.subheader(t("admin.rounds_heading"))
if not round_rows:
    st.info(t("admin.rounds_none"))
    st.stop()
st.dataframe([{t("admin.col_round"): r.name, t("admin.col_intervention"): r.intervention,
               t("admin.col_opens"): when(r.opens_at), t("admin.col_closes"): when(r.closes_at),
               t("admin.col_status"): t(f"admin.status_{r.status}"),
               t("admin.col_teams"): ", ".join(team.name for team in r.teams)}
              for r in reversed(round_rows)], hide_index=True, width="stretch", key="round-table")

st.markdown(f"**{t('admin.round_change_heading')}**")
round_names = {r.id: f"{r.name} ({t(f'admin.status_{r.status}')})" for r in reversed(round_rows)}
chosen_id = st.selectbox(t("admin.col_round"), options=list(round_names), format_func=round_names.get,
                         key="round-pick")
chosen = next(r for r in round_rows if r.id == chosen_id)

renew_column, close_column = st.columns(2)
with renew_column:
    invited = {team.id: team.name for team in chosen.teams}
    renew_team = st.selectbox(t("admin.renew_team"), options=list(invited), format_func=invited.get,
                              key=f"round-renew-team-{chosen.id}", help=t("admin.renew_help"))
    if st.button(t("admin.renew_button"), key="round-renew-submit", icon=":material/link:"):
        try:
            renewed = rounds.regenerate_invitation(runtime, account, chosen.id, renew_team)
        except REFUSALS as exc:
            staff.refused(exc)
        else:
            st.session_state[LINKS_KEY] = (organisation_id, chosen.name, [(renewed.team, renewed.token)])
            staff.done("admin.link_renewed", team=plain(renewed.team))

with close_column:
    if chosen.status == "closed":
        st.caption(t("admin.round_is_closed", closes=when(chosen.closes_at)))
    else:
        confirmed = st.checkbox(t("admin.close_confirm", name=plain(chosen.name)),
                                key=f"round-close-confirm-{chosen.id}")
        if st.button(t("admin.close_button"), key="round-close-submit", icon=":material/event_busy:"):
            if not confirmed:
                st.warning(t("admin.close_confirm_first"))
            else:
                try:
                    closed = rounds.close_round_now(runtime, account, chosen.id)
                except REFUSALS as exc:
                    staff.refused(exc)
                else:
                    staff.done("admin.round_closed", f"round-close-confirm-{chosen.id}", LINKS_KEY, name=plain(closed.name))

counting_notes(chosen.id)
