"""Survey rounds: start a round for some teams of an organisation, hand out the teams' invitation
links (shown once: only their hashes are stored), renew a link, close a round early.

Rounds run from the start of their first day to the end of their last day, in UTC.
"""

from datetime import UTC, datetime, timedelta

import streamlit as st

from app_pages import paths, shell, staff, state_keys
from app_pages.admin import form_actions
from app_pages.shell import plain, t
from services.admin import organisations, rounds
from services.errors import NotFound
from services.formatting import format_datetime

runtime = shell.runtime_or_stop()
language = shell.current_language()
account = staff.require_account(runtime, "admin_rounds", "view")

st.title(t("nav.admin_rounds"))
staff.show_notice()
st.markdown(t("admin.round_lead"))


def show_new_links() -> None:
    """The links made just now, each once, with a CSV of them; gone when hidden or replaced."""
    _, round_name, invitations = st.session_state[state_keys.ROUND_LINKS]
    staff.invitation_links(
        runtime,
        round_name,
        invitations,
        once_key="admin.links_once",
        state_key=state_keys.ROUND_LINKS,
        key="round-links",
    )


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
            st.warning(
                t("admin.counting_device_limit", team=team, n=note.device_limit, limit=settings.link_device_limit)
            )
        if note.repeat_device:
            st.info(t("admin.counting_repeat_device", team=team, n=note.repeat_device))
        if note.identical_burst:
            st.warning(
                t(
                    "admin.counting_identical_burst",
                    team=team,
                    n=note.identical_burst,
                    minutes=settings.identical_burst_minutes,
                )
            )


# --- the buttons' work (in their callbacks, app_pages/admin/form_actions.py) -----------------


def create_round(
    actor, organisation_id: int, name_key: str, intervention_key: str, opens_key: str, closes_key: str, teams_key: str
):
    opens_at, closes_at = rounds.round_period(st.session_state.get(opens_key), st.session_state.get(closes_key))
    return rounds.create_round(
        runtime,
        actor,
        organisation_id,
        name=st.session_state.get(name_key) or "",
        intervention_id=selected_id(intervention_key),
        opens_at=opens_at,
        closes_at=closes_at,
        team_ids=st.session_state.get(teams_key) or [],
    )


def selected_id(key: str) -> int:
    """The id a select box holds; NotFound when it holds none (its options went meanwhile)."""
    value = st.session_state.get(key)
    if not isinstance(value, int):
        raise NotFound(key)
    return value


def close_round(actor, round_id: int, confirm_key: str):
    if not st.session_state.get(confirm_key):
        raise organisations.Refused("close_confirm_first", "tick the box first")
    return rounds.close_round_now(runtime, actor, round_id)


# --- which organisation ---------------------------------------------------------------------

organisation_rows = organisations.list_organisations(runtime, account, page="admin_rounds")
if not organisation_rows:
    st.info(t("admin.round_no_organisation"))
    st.page_link(
        paths.ADMIN_ORGANISATIONS,
        label=t("admin.go_organisations"),
        icon=":material/domain:",
        query_params={"lang": language},
    )
    st.stop()
names = {o.id: o.name for o in organisation_rows}
organisation_id = st.selectbox(
    t("admin.org_choose"), options=list(names), format_func=names.__getitem__, key="round-org"
)

new_links = st.session_state.get(state_keys.ROUND_LINKS)  # None: hidden, or the round closed
if new_links is not None and new_links[0] != organisation_id:
    del st.session_state[state_keys.ROUND_LINKS]  # another organisation's links are not shown again
elif new_links is not None:
    show_new_links()

teams = organisations.list_teams(runtime, account, organisation_id, page="admin_rounds")
interventions = organisations.list_interventions(runtime, account, organisation_id, page="admin_rounds")
round_rows = rounds.list_rounds(runtime, account, organisation_id)

# --- a new round ----------------------------------------------------------------------------

st.subheader(t("admin.round_new_heading"))
if not teams or not interventions:
    st.info(t("admin.round_needs_teams_and_interventions"))
    st.page_link(
        paths.ADMIN_ORGANISATIONS,
        label=t("admin.go_organisations"),
        icon=":material/domain:",
        query_params={"lang": language},
    )
else:
    team_names = {team.id: team.name for team in teams}
    intervention_names = {row.id: row.name for row in interventions}
    today = datetime.now(UTC).date()
    with st.form(f"round-new-{organisation_id}", enter_to_submit=False):
        st.text_input(
            t("admin.round_name"),
            key="round-new-name",
            max_chars=organisations.MAX_NAME_LENGTH,
            placeholder=t("admin.round_name_placeholder"),
        )
        st.selectbox(
            t("admin.round_intervention"),
            options=list(intervention_names),
            format_func=intervention_names.__getitem__,
            key=f"round-new-intervention-{organisation_id}",
        )
        first, last = st.columns(2)
        first.date_input(t("admin.round_opens"), value=today, format="DD-MM-YYYY", key="round-new-opens")
        last.date_input(
            t("admin.round_closes"), value=today + timedelta(weeks=3), format="DD-MM-YYYY", key="round-new-closes"
        )
        st.caption(t("admin.round_times_explained"))
        st.multiselect(
            t("admin.round_teams"),
            options=list(team_names),
            default=list(team_names),
            format_func=team_names.__getitem__,
            key=f"round-new-teams-{organisation_id}",
        )
        typed_keys = (
            "round-new-name",
            f"round-new-intervention-{organisation_id}",
            "round-new-opens",
            "round-new-closes",
            f"round-new-teams-{organisation_id}",
        )
        st.form_submit_button(
            t("admin.round_new_button"),
            type="primary",
            key="round-new-submit",
            on_click=form_actions.submit,
            kwargs=dict(
                form="round-new",
                typed=typed_keys,
                work=lambda actor, keys=typed_keys, organisation_id=organisation_id: create_round(
                    actor, organisation_id, *keys
                ),
                success=lambda created: ("admin.round_created", {"name": plain(created.round.name)}),
                # Its links, shown once; and the new round is the one "Change a round" shows next.
                after=lambda created, organisation_id=organisation_id: {
                    state_keys.ROUND_LINKS: (
                        organisation_id,
                        created.round.name,
                        [(i.team, i.token) for i in created.invitations],
                    ),
                    "round-new-name": "",
                    "round-pick": created.round.id,
                },
            ),
        )
    form_actions.refusal("round-new")

# --- the organisation's rounds --------------------------------------------------------------

st.subheader(t("admin.rounds_heading"))
if not round_rows:
    st.info(t("admin.rounds_none"))
    st.stop()
st.dataframe(
    [
        {
            t("admin.col_round"): r.name,
            t("admin.col_intervention"): r.intervention,
            t("admin.col_opens"): format_datetime(r.opens_at, language, say_utc=True),
            t("admin.col_closes"): format_datetime(r.closes_at, language, say_utc=True),
            t("admin.col_status"): t(f"admin.status_{r.status}"),
            t("admin.col_teams"): ", ".join(team.name for team in r.teams),
        }
        for r in reversed(round_rows)
    ],
    hide_index=True,
    width="stretch",
    key="round-table",
)

st.markdown(f"**{t('admin.round_change_heading')}**")
round_names = {r.id: f"{r.name} ({t(f'admin.status_{r.status}')})" for r in reversed(round_rows)}
chosen_id = st.selectbox(
    t("admin.col_round"), options=list(round_names), format_func=round_names.__getitem__, key="round-pick"
)
chosen = next(r for r in round_rows if r.id == chosen_id)

renew_column, close_column = st.columns(2)
with renew_column:
    invited = {team.id: team.name for team in chosen.teams}
    renew_key = f"round-renew-team-{chosen.id}"  # per round: the choices follow the round chosen above
    st.selectbox(
        t("admin.renew_team"),
        options=list(invited),
        format_func=invited.__getitem__,
        key=renew_key,
        help=t("admin.renew_help"),
    )
    st.button(
        t("admin.renew_button"),
        key="round-renew-submit",
        icon=":material/link:",
        on_click=form_actions.submit,
        kwargs=dict(
            form="round-renew",
            typed=("round-pick", renew_key),
            work=lambda actor, round_id=chosen.id, renew_key=renew_key: rounds.regenerate_invitation(
                runtime, actor, round_id, selected_id(renew_key)
            ),
            success=lambda renewed: ("admin.link_renewed", {"team": plain(renewed.team)}),
            after=lambda renewed, chosen=chosen: {
                state_keys.ROUND_LINKS: (chosen.organisation_id, chosen.name, [(renewed.team, renewed.token)])
            },
        ),
    )
    form_actions.refusal("round-renew")

with close_column:
    if chosen.status == "closed":
        st.caption(t("admin.round_is_closed", closes=format_datetime(chosen.closes_at, language, say_utc=True)))
    else:
        confirm_key = f"round-close-confirm-{chosen.id}"
        st.checkbox(t("admin.close_confirm", name=plain(chosen.name)), key=confirm_key)
        st.button(
            t("admin.close_button"),
            key="round-close-submit",
            icon=":material/event_busy:",
            on_click=form_actions.submit,
            kwargs=dict(
                form="round-close",
                typed=("round-pick", confirm_key),
                work=lambda actor, round_id=chosen.id, confirm_key=confirm_key: close_round(
                    actor, round_id, confirm_key
                ),
                success=lambda closed: ("admin.round_closed", {"name": plain(closed.name)}),
                after=lambda _closed, confirm_key=confirm_key: {confirm_key: False, state_keys.ROUND_LINKS: None},
            ),
        )
        form_actions.refusal("round-close")

counting_notes(chosen.id)
