"""The manager's dashboard page through AppTest on the real app.py and real SQLite: who sees what,
withheld groups without numbers, filters kept in the URL, and links that ask for too much."""

import json
import re
from random import Random

import pytest

from app_pages import staff, state_keys
from services.accounts import auth, management
from tests.support.dashboard_data import make_org, make_round, random_answers, respond
from tests.support.downloads import download_button, record_media, served

PASSWORD = "correct horse battery"


@pytest.fixture
def world(runtime):
    """North: teams Alpha (12 answers), Beta (8), Tiny (4) in R1; Alpha (6) and Beta (5) in R2.
    South: one team of 6. An admin, a manager of North, a manager of Beta only, and a facilitator.

    To protect Tiny, the anonymity rule also withholds Alpha over both rounds and each round of Beta: of the
    teams over all rounds only Beta (13) is shown."""
    instrument, rng = runtime.instrument, Random(5)
    admin = auth.create_first_admin(runtime, "anna", PASSWORD)
    with runtime.sessions.begin() as session:
        north = make_org(session, "North", {"Alpha": 20, "Beta": 10, "Tiny": 6})
        make_round(session, north, "R1", instrument=instrument)
        make_round(session, north, "R2", instrument=instrument, teams=["Alpha", "Beta"], weeks=8)
        for team, round_name, n in (
            ("Alpha", "R1", 12),
            ("Beta", "R1", 8),
            ("Tiny", "R1", 4),
            ("Alpha", "R2", 6),
            ("Beta", "R2", 5),
        ):
            for _ in range(n):
                respond(
                    session,
                    instrument,
                    north,
                    team,
                    round_name,
                    random_answers(instrument, rng, lean=rng.choice((2, 3, 4))),
                    "nurse",
                )
        south = make_org(session, "South Secret", {"Hidden": 6})
        make_round(session, south, "S1", instrument=instrument)
        for _ in range(6):
            respond(session, instrument, south, "Hidden", "S1", random_answers(instrument, rng))
    management.create_account(
        runtime, admin, role="manager", username="maya", password=PASSWORD, scope={north.id: None}
    )
    management.create_account(
        runtime, admin, role="manager", username="bert", password=PASSWORD, scope={north.id: [north.teams["Beta"]]}
    )
    management.create_account(
        runtime, admin, role="facilitator", username="fien", password=PASSWORD, scope={north.id: None}
    )
    return {"north": north, "south": south}


@pytest.fixture
def dashboard_as(app, runtime, world):
    def open_as(username: str, query: dict | None = None):
        token = auth.login(runtime, username, PASSWORD, "test-client").token
        return app("dashboard", query=query, state={state_keys.AUTH_TOKEN: token})

    return open_as


LABEL_COLUMNS = {"Team", "Status", "Intervention", "Round", "Opened", "Team size", "Rounds invited to", "Note"}
# "What changed" (rounds and actions by day): the days, what each row is, its name and what it is about.
LABEL_COLUMNS |= {"When", "What", "Name", "About", "Rounds around it"}


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


def everything(at, texts) -> str:
    """Every text on the page, also the tables and the plotted figures."""
    parts = [texts(at)]
    parts += [str(m.value) for m in at.metric] + [str(m.label) for m in at.metric]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    parts += [str(chart.proto.spec) for chart in at.get("plotly_chart")]
    return "\n".join(parts)


def plotted_numbers(chart) -> list:
    """The data values a chart draws (the grey status cells of a heatmap are not data)."""
    found = []
    for trace in json.loads(chart.proto.spec)["data"]:
        if trace.get("name") == "status":
            assert not any(re.search(r"\d", str(cell)) for row in trace.get("text", []) for cell in row)
            continue
        axis = {"heatmap": "z", "bar": "x", "scatter": "y"}[trace["type"]]
        values = trace.get(axis) or []
        flat = [v for row in values for v in (row if isinstance(row, list) else [row])]
        found += [v for v in flat if v is not None]
        found += [text for text in _flatten(trace.get("text")) if re.search(r"\d", str(text))]
    return found


def _flatten(value) -> list:
    if value is None or isinstance(value, str):
        return [value] if value else []
    return [v for item in value for v in _flatten(item)]


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_manager_sees_the_organisation_with_its_number_of_responses(dashboard_as, texts):
    at = dashboard_as("maya")
    no_exceptions(at)
    assert at.title[0].value == "Dashboard"
    assert metric(at, "Responses in this selection") == "35"
    assert metric(at, "Minimum group size") == "5"
    headings = [s.value for s in at.subheader]
    assert headings[:3] == ["Where to start", "Theme averages", "Alignment index"]
    assert "Rounds still open" in headings
    keys = {chart.proto.id and chart.key for chart in at.get("plotly_chart")}
    assert {"chart-dash_theme_means", "chart-dash_alignment", "chart-dash_heatmap"} <= keys
    assert "South Secret" not in everything(at, texts)
    assert at.query_params["org"] == str(at.session_state["dash-org"])


def test_a_team_of_four_is_withheld_without_any_number(dashboard_as, world, texts):
    at = dashboard_as("maya", {"team": str(world["north"].teams["Tiny"])})
    no_exceptions(at)
    assert at.session_state["dash-team"] == world["north"].teams["Tiny"]
    assert metric(at, "Responses in this selection") == "Withheld"
    page = everything(at, texts)
    assert "withheld: fewer than 5 responses" in page
    assert not re.search(r"\b4 responses\b", page)
    for chart in at.get("plotly_chart"):
        assert plotted_numbers(chart) == [], chart.key
    for frame in at.dataframe:
        # Names, the status in words, and what the manager entered (team size, rounds invited to) only.
        data = frame.value.drop(columns=[c for c in frame.value.columns if c in LABEL_COLUMNS])
        assert data.astype(str).isin(["withheld", "no data", "–"]).all().all(), frame.value
        if "Status" in frame.value:
            assert set(frame.value["Status"]) <= {"withheld: fewer than 5 responses", "no responses yet"}


@pytest.mark.parametrize(
    "query, message",
    [
        ({"org": "south"}, "You do not have access to the organisation in this link"),
        ({"org": "SOUTH_ID"}, "You do not have access to the organisation in this link"),
        ({"org": "99999"}, "You do not have access to the organisation in this link"),
        ({"team": "HIDDEN_ID"}, "There is nothing to show for this choice"),
        ({"team": "x1"}, "The choice for “Team” in this link is not valid"),
        ({"round": "-3"}, "The choice for “Round” in this link is not valid"),
        ({"round": "S1_ID"}, "There is nothing to show for this choice"),
        ({"role": "<script>"}, "The choice for “Role” in this link is not valid"),
    ],
)
def test_link_asking_for_another_organisation_or_garbage_shows_none_of_it(dashboard_as, world, texts, query, message):
    south = world["south"]
    ids = {"SOUTH_ID": str(south.id), "HIDDEN_ID": str(south.teams["Hidden"]), "S1_ID": str(south.rounds["S1"])}
    at = dashboard_as("maya", {key: ids.get(value, value) for key, value in query.items()})
    no_exceptions(at)
    page = everything(at, texts)
    assert message in page
    assert "South Secret" not in page and "Hidden" not in page
    assert at.query_params["org"] == str(world["north"].id)
    assert metric(at, "Responses in this selection") == "35"


def test_facilitator_has_no_access(dashboard_as, texts):
    at = dashboard_as("fien")
    no_exceptions(at)
    assert "You do not have access to this page." in texts(at)
    assert at.metric == [] and at.selectbox == []


def test_team_limited_manager_lands_on_their_team(dashboard_as, world, texts):
    at = dashboard_as("bert")
    no_exceptions(at)
    beta = world["north"].teams["Beta"]
    assert at.session_state["dash-team"] == beta
    assert at.query_params["team"] == str(beta)
    assert at.selectbox(key="dash-team").options == ["Beta"]  # no "All teams", no other team
    assert metric(at, "Responses in this selection") == "13"
    assert "Alpha" not in everything(at, texts) and "Tiny" not in everything(at, texts)


def test_team_limited_manager_asking_for_another_team_gets_their_own(dashboard_as, world, texts):
    at = dashboard_as("bert", {"team": str(world["north"].teams["Alpha"])})
    no_exceptions(at)
    assert "You do not have access to this choice." in texts(at)
    assert at.session_state["dash-team"] == world["north"].teams["Beta"]
    assert "Alpha" not in everything(at, texts)


def test_changing_filters_updates_the_link(dashboard_as, world):
    north = world["north"]
    at = dashboard_as("maya")
    at.selectbox(key="dash-team").select(north.teams["Beta"]).run()
    no_exceptions(at)
    assert at.query_params["team"] == str(north.teams["Beta"])
    assert metric(at, "Responses in this selection") == "13"
    at.selectbox(key="dash-round").select(north.rounds["R2"]).run()
    assert at.query_params["round"] == str(north.rounds["R2"])
    assert metric(at, "Responses in this selection") == "Withheld"  # it would reveal Tiny
    assert "withheld to protect a smaller group" in [c.value for c in at.caption]
    at.selectbox(key="dash-role").select("nurse").run()
    assert at.query_params["role"] == "nurse"
    at.selectbox(key="dash-team").select("all").run()
    assert "team" not in at.query_params
    assert at.query_params["lang"] == "en"


def test_choosing_another_intervention_resets_a_round_of_the_old_one(dashboard_as, runtime, world):
    north = world["north"]
    with runtime.sessions.begin() as session:
        video = make_round(session, north, "V1", instrument=runtime.instrument, intervention="Video")
    at = dashboard_as("maya", {"round": str(north.rounds["R1"])})
    at.selectbox(key="dash-intervention").select(north.interventions["Video"]).run()
    no_exceptions(at)
    assert at.session_state["dash-round"] == "all"
    assert "round" not in at.query_params
    assert at.query_params["intervention"] == str(north.interventions["Video"])
    assert video in at.selectbox(key="dash-round").options or "V1" in at.selectbox(key="dash-round").options


EXPORT_FORMATS = ("csv", "xlsx", "pdf")


def exported_formats(runtime) -> list[str]:
    from db.account_models import AuditLog

    with runtime.sessions.begin() as session:
        return [row.detail["format"] for row in session.query(AuditLog).filter_by(action="dashboard_exported")]


def test_exports_are_made_only_on_a_click(dashboard_as, runtime):
    at = dashboard_as("maya")
    no_exceptions(at)
    assert at.get("download_button") == []
    makes = [b for b in at.button if re.fullmatch(r"dash-export-\w+-make", b.key or "")]
    assert [(b.key, b.label) for b in makes] == [
        ("dash-export-csv-make", "Prepare CSV"),
        ("dash-export-xlsx-make", "Prepare Excel"),
        ("dash-export-pdf-make", "Prepare PDF"),
    ]
    assert exported_formats(runtime) == []


@pytest.mark.parametrize(
    "file_format, label, starts",
    [("csv", "Download CSV", "\ufeff".encode()), ("xlsx", "Download Excel", b"PK"), ("pdf", "Download PDF", b"%PDF-")],
)
def test_an_export_is_made_and_audited_at_its_click_and_only_for_its_view(
    dashboard_as, runtime, world, monkeypatch, file_format, label, starts
):
    media = record_media(monkeypatch)
    at = dashboard_as("maya")
    at.button(key=f"dash-export-{file_format}-make").click().run()
    no_exceptions(at)
    button = download_button(at, f"dash-export-{file_format}")
    assert button is not None and button.proto.label == label
    assert served(media, button).startswith(starts)  # held by the session: still there after two sweeps
    assert exported_formats(runtime) == [file_format]  # only the file asked for is made and audited
    still_to_make = {f for f in EXPORT_FORMATS if f"dash-export-{f}-make" in {b.key for b in at.button}}
    assert still_to_make == set(EXPORT_FORMATS) - {file_format}
    at.run()
    assert download_button(at, f"dash-export-{file_format}") is not None and exported_formats(runtime) == [file_format]

    at.selectbox(key="dash-team").select(world["north"].teams["Beta"]).run()  # another view: the file is not offered
    no_exceptions(at)
    assert download_button(at, f"dash-export-{file_format}") is None
    assert f"dash-export-{file_format}-make" in {b.key for b in at.button}
    assert exported_formats(runtime) == [file_format]


def test_dutch_dashboard(dashboard_as, world, texts):
    at = dashboard_as("maya", {"lang": "nl", "team": str(world["north"].teams["Tiny"])})
    no_exceptions(at)
    assert metric(at, "Reacties in deze selectie") == "Niet getoond"
    assert "niet getoond: minder dan 5 reacties" in texts(at)
    at = dashboard_as("maya", {"lang": "nl"})
    no_exceptions(at)
    assert [s.value for s in at.subheader][:3] == ["Waar te beginnen", "Gemiddelden per thema", "Afstemmingsindex"]


def test_an_open_round_shows_only_whether_enough_answered(dashboard_as, runtime, world, texts):
    from datetime import UTC, datetime, timedelta

    from db import create_round

    north, instrument = world["north"], runtime.instrument
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        live, _tokens = create_round(
            session,
            organisation_id=north.id,
            intervention_id=north.interventions["Mood app"],
            name="Live",
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(days=10),
            instrument_hash=instrument.content_hash,
            team_ids=[north.teams["Alpha"], north.teams["Beta"]],
        )
        north.rounds["Live"] = live.id
        for _ in range(6):
            respond(session, instrument, north, "Alpha", "Live", random_answers(instrument, Random(1)))
    at = dashboard_as("maya", {"round": str(live.id)})
    no_exceptions(at)
    page = texts(at)
    closes = now + timedelta(days=10)
    month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][closes.month - 1]
    assert f"Its results appear here when it closes on {closes.day} {month} {closes.year}" in page  # 7 Dec 2026
    assert "Alpha: enough responses so far" in page and "Beta: fewer than 5 responses so far" in page
    assert metric(at, "Responses in this selection") == "Round still open"
    assert at.get("plotly_chart") == []


def test_admin_switches_organisation_and_the_old_filters_are_dropped(dashboard_as, world, texts):
    north, south = world["north"], world["south"]
    at = dashboard_as("anna", {"org": str(north.id), "team": str(north.teams["Alpha"])})
    no_exceptions(at)
    assert at.selectbox(key="dash-org").options == ["North", "South Secret"]
    at.selectbox(key="dash-org").select(south.id).run()
    no_exceptions(at)
    assert at.query_params["org"] == str(south.id) and "team" not in at.query_params
    assert at.session_state["dash-team"] == "all"
    assert metric(at, "Responses in this selection") == "6"
    assert "Alpha" not in everything(at, texts)
