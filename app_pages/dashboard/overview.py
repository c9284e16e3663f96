"""Dashboard: an implementation manager's anonymous group results, with filters kept in the URL.

The filters in the link (?org=&team=&intervention=&round=&role=) are only questions: each is parsed
here and checked by the service, and a value that cannot be used is named and dropped, never shown.
"""

import streamlit as st

from app_pages import shell, staff
from app_pages.chart_code import fetch_chart_code
from app_pages.dashboard import sections
from app_pages.shell import t
from services.dashboard import view as dashboard
from services.errors import InvalidInput, NotAuthorised, NotFound

ALL = "all"
PARAMS = ("org", "team", "intervention", "round", "role")
KEYS = {param: f"dash-{param}" for param in PARAMS}
DEPENDENT = ("team", "intervention", "round", "role")

st.set_page_config(layout="wide")
runtime = shell.runtime_or_stop()
language = shell.current_language()
account = staff.require_account(runtime, "dashboard", "view")
st.title(t("nav.dashboard"))
fetch_chart_code()
staff.show_notice()


def asked(param: str):
    """What this run asks for: the widget's value once there is one, else the link's; None = nothing."""
    key = KEYS[param]
    value = st.session_state[key] if key in st.session_state else st.query_params.get(param)
    return None if value in (None, "", ALL) else value


def whole_number(value) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def read_filters(organisations, problems: list[str]) -> dashboard.Filters:
    """The filters asked for, each parsed on its own; a part that cannot be used is noted and dropped."""
    org_ids = [o.id for o in organisations]
    org_id = whole_number(asked("org")) if asked("org") is not None else org_ids[0]
    foreign = org_id not in org_ids  # also when the link's org is no whole number (None)
    if foreign or org_id is None:
        # Another organisation's team or round ids would only lead to more refusals: drop them too.
        problems.append(t("dashboard.link.organisation"))
        org_id = org_ids[0]
    values: dict[str, int | None] = {}
    for param in ("team", "intervention", "round"):
        raw = None if foreign else asked(param)
        values[param] = None if raw is None else whole_number(raw)
        if raw is not None and values[param] is None:
            problems.append(t("dashboard.link.unusable", what=t(f"dashboard.filter.{param}")))
    if values["team"] is None:
        values["team"] = dashboard.default_team(runtime, account, org_id)
    role = None if foreign else asked("role")
    if role is not None and role not in {r.id for r in runtime.instrument.roles}:
        problems.append(t("dashboard.link.unusable", what=t("dashboard.filter.role")))
        role = None
    return dashboard.Filters(
        org_id, team_id=values["team"], intervention_id=values["intervention"], role=role, round_id=values["round"]
    )


@st.cache_resource(show_spinner=False)
def context_reuse(database_url: str) -> dashboard.ContextReuse:
    """One per database and server process, shared by its sessions: it holds organisations' reads, never a
    view (see ContextReuse); a filter change reads and decides the organisation again only when it changed."""
    return dashboard.ContextReuse()


def load(filters: dashboard.Filters, problems: list[str]) -> dashboard.DashboardView:
    """The view for `filters`; a choice the service refuses is named, and the organisation shown instead."""
    reuse = context_reuse(runtime.settings.database_url)
    try:
        return dashboard.dashboard(runtime, account, filters, language=language, reuse=reuse)
    except NotAuthorised:
        problems.append(t("dashboard.link.no_access"))
    except (NotFound, InvalidInput):
        problems.append(t("dashboard.link.nothing"))
    fallback = dashboard.Filters(
        filters.organisation_id, team_id=dashboard.default_team(runtime, account, filters.organisation_id)
    )
    try:
        return dashboard.dashboard(runtime, account, fallback, language=language, reuse=reuse)
    except (NotAuthorised, NotFound, InvalidInput):
        st.error(t("staff.no_access"))
        st.stop()


def organisation_changed() -> None:
    # The teams and rounds of another organisation mean nothing here: start from its defaults.
    for param in DEPENDENT:
        st.session_state.pop(KEYS[param], None)
        st.query_params.pop(param, None)


def intervention_changed(round_interventions: dict[int, int]) -> None:
    chosen, round_id = st.session_state.get(KEYS["intervention"]), st.session_state.get(KEYS["round"])
    if chosen != ALL and round_id not in (None, ALL) and round_interventions.get(round_id) != chosen:
        st.session_state[KEYS["round"]] = ALL


def filter_row(view: dashboard.DashboardView, organisations) -> None:
    """The filters in one row, showing the filters of `view` (what is actually shown)."""
    options, filters = view.options, view.filters
    chosen = {
        "org": filters.organisation_id,
        "team": filters.team_id,
        "intervention": filters.intervention_id,
        "round": filters.round_id,
        "role": filters.role,
    }
    for param, value in chosen.items():
        st.session_state[KEYS[param]] = ALL if value is None else value
    rounds = [r for r in options.rounds if filters.intervention_id in (None, r.intervention_id)]
    round_names = {r.id: sections.round_label(r) for r in rounds}
    teams = {o.id: o.label for o in options.teams}
    team_ids = ([ALL] if options.all_teams_allowed else []) + list(teams)
    columns = st.columns(5 if len(organisations) > 1 else 4)
    if len(organisations) > 1:
        names = {o.id: o.label for o in organisations}
        columns[0].selectbox(
            t("dashboard.filter.org"),
            list(names),
            format_func=names.__getitem__,
            key=KEYS["org"],
            on_change=organisation_changed,
        )
    team_col, intervention_col, round_col, role_col = columns[-4:]
    team_col.selectbox(
        t("dashboard.filter.team"),
        team_ids,
        key=KEYS["team"],
        format_func=lambda v: t("dashboard.filter.all_teams") if v == ALL else teams[v],
    )
    interventions = {o.id: o.label for o in options.interventions}
    intervention_col.selectbox(
        t("dashboard.filter.intervention"),
        [ALL, *interventions],
        key=KEYS["intervention"],
        format_func=lambda v: t("dashboard.filter.all_interventions") if v == ALL else interventions[v],
        on_change=intervention_changed,
        args=({r.id: r.intervention_id for r in options.rounds},),
    )
    round_col.selectbox(
        t("dashboard.filter.round"),
        [ALL, *round_names],
        key=KEYS["round"],
        format_func=lambda v: t("dashboard.filter.all_rounds") if v == ALL else round_names[v],
    )
    roles = {o.id: o.label for o in options.roles}
    role_col.selectbox(
        t("dashboard.filter.role"),
        [ALL, *roles],
        key=KEYS["role"],
        format_func=lambda v: t("dashboard.filter.all_roles") if v == ALL else roles[v],
    )


def keep_in_link(filters: dashboard.Filters) -> None:
    """The filters shown, in the URL, so the view can be bookmarked or shared."""
    wanted = {
        "org": filters.organisation_id,
        "team": filters.team_id,
        "intervention": filters.intervention_id,
        "round": filters.round_id,
        "role": filters.role,
    }
    for param, value in wanted.items():
        if value is None:
            st.query_params.pop(param, None)
        elif st.query_params.get(param) != str(value):
            st.query_params[param] = str(value)


problems: list[str] = []
organisations = dashboard.organisations_for(runtime, account)
if not organisations:
    st.info(t("dashboard.no_organisations"))
    st.stop()
view = load(read_filters(organisations, problems), problems)
filter_row(view, organisations)
keep_in_link(view.filters)
for problem in dict.fromkeys(problems):
    st.warning(problem)
sections.render(runtime, account, view, language)
