"""What changed (each backend): the trend of a theme with the organisation's actions on the time axis. The actions
add days and words, never a figure: the trend's numbers and the release ledger are the same with and without
them; the text says it shows a change over time, not an effect; typed text never becomes markup."""

from __future__ import annotations

import html
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.org_models import SurveyRound
from db.release_models import Release, ReleasedRound
from services.actions import follow_up, plan, reading
from services.dashboard import trend_charts
from services.dashboard import what_changed as changed
from services.dashboard.view import Filters, dashboard
from services.i18n import t
from services.respond import questionnaire
from tests.support.accounts import staff_account
from tests.support.dashboard_actions import HOSTILE, build, look, plan_actions


@pytest.fixture
def world(runtime):
    return build(runtime)


def marks(runtime, world, language="en", **scope):
    return reading.dashboard_actions(runtime, world.mia, world.org.id, language=language, **scope)


def ledger(runtime) -> tuple[int, int]:
    with runtime.sessions.begin() as session:
        return session.scalar(select(func.count(Release.id))), session.scalar(
            select(func.count(ReleasedRound.round_id))
        )


def lines(chart) -> list[tuple]:
    """The figure's data: its lines (the rounds' values); the actions are notes and shapes, not data."""
    return [(trace.name, list(trace.x), list(trace.y)) for trace in chart.figure.data]


def action_notes(chart) -> list:
    return [note for note in chart.figure.layout.annotations if note.name == changed.ACTION_MARK]


def round_rows(chart, language="en") -> list[list[str]]:
    return [row for row in chart.table.values.tolist() if row[1] == t("dashboard.changed.row_round", language)]


def test_the_trend_and_the_ledger_are_the_same_with_and_without_actions(runtime, world):
    before = look(runtime, world)
    released = ledger(runtime)
    assert released[0] > 0  # the first look released the closed rounds
    empty = {choice: changed.what_changed(before, (), choice, "en") for choice in changed.choices(before, (), "en")}

    plan_actions(runtime, world)
    after = look(runtime, world)
    actions = marks(runtime, world)
    reading.dashboard_plan(runtime, world.mia, world.org.id, language="en")
    assert after.trends == before.trends
    assert ledger(runtime) == released  # the actions made no new release, and reading them none either
    for name in ("trend_alignment", "trend_themes"):
        drawn = [getattr(trend_charts, name)(view, "en") for view in (before, after)]
        assert drawn[0].figure.to_json() == drawn[1].figure.to_json(), name
        assert drawn[0].table.equals(drawn[1].table) and drawn[0].summary == drawn[1].summary
    assert len(actions) == 6
    for choice, without in empty.items():
        with_actions = changed.what_changed(after, actions, choice, "en")
        assert lines(with_actions) == lines(without), choice
        assert round_rows(with_actions) == round_rows(without), choice
        # and a value drawn is the trend's own: the theme's mean (or the alignment index) of that round
        for _name, _x, values in lines(with_actions):
            expected = [
                p.alignment.mean
                if choice == changed.WHOLE
                else next(m.estimate.mean for m in p.means if m.theme.id == choice)
                for p in after.trends
            ]
            assert values == expected


@pytest.mark.parametrize("language", ["en", "nl"])
def test_actions_are_marked_at_their_start_between_the_rounds_around_them(runtime, world, language):
    ids = plan_actions(runtime, world)
    view = look(runtime, world, language)
    actions = marks(runtime, world, language)
    assert {a.action_id for a in actions} == set(ids.values()) - {ids["dropped"]}
    chart = changed.what_changed(view, actions, "client_autonomy", language)
    notes = action_notes(chart)
    assert [note.x for note in notes] == [date(2026, 4, 15), date(2026, 7, 1), date(2026, 10, 5)]
    assert [note.text for note in notes] == [  # started; planned; planned (written leftwards in the right half)
        "▼ 1 · Ask clients how they want…",
        "2 · Team B&#x27;s own pilot ▽",
        "3 · Check in at every team… ▽",
    ]
    assert [note.xanchor for note in notes] == ["left", "right", "right"]
    lines_at = sorted(shape.x0 for shape in chart.figure.layout.shapes if shape.type == "line")
    assert lines_at == [note.x for note in notes]
    # The time axis in the reader's words (plotly's own month names are English).
    assert chart.figure.layout.xaxis.ticktext[0] == {"en": "1 Mar 2026", "nl": "1 mrt 2026"}[language]
    table = chart.table.values.tolist()
    what = [row[1] for row in table]
    assert what == [
        t(f"dashboard.changed.{key}", language)
        for key in ("row_round", "row_started", "row_planned", "row_round", "row_planned")
    ]
    started = table[1]
    assert started[2] == "Ask clients how they want to use it"
    assert started[6] == "; ".join(
        [
            t("dashboard.changed.round_before", language, round="Spring"),
            t("dashboard.changed.round_after", language, round="Autumn"),
        ]
    )
    assert table[4][6].endswith(t("dashboard.changed.no_round_after", language))
    # No causal claim, and every marked action named with its day.
    assert chart.summary.endswith(t("dashboard.changed.not_an_effect", language))
    assert "“Ask clients how they want to use it”" in chart.summary and "15" in chart.summary
    assert ("change over time" if language == "en" else "verandering in de tijd") in chart.summary
    assert chart.title == t("dashboard.changed.title", language, measure=view.themes[0].name)


def test_each_action_is_on_its_themes_chart_an_element_on_its_compassion_theme(runtime, world):
    ids = plan_actions(runtime, world)
    view = look(runtime, world)
    actions = marks(runtime, world)
    on = {a.action_id: changed.choice_of(a, view.themes) for a in actions}
    assert on[ids["suffering"]] == "recognising_suffering" and on[ids["whole"]] == changed.WHOLE
    options = changed.choices(view, actions, "en")
    assert next(iter(options)) == changed.WHOLE
    assert options["client_autonomy"] == "Client autonomy · 3 actions"
    assert options["recognising_suffering"] == "Recognising suffering · 1 action"
    assert options["treatment_needs"] == "Meeting treatment needs"  # no action: no count
    starts = [point.theme.id for point in view.where_to_start]
    chosen = changed.first_choice(view, actions)
    assert chosen in options and (chosen in starts or not {*starts} & {*on.values()})
    assert changed.first_choice(view, ()) == (starts[0] if starts else changed.WHOLE)


def test_the_timeline_follows_the_views_team_and_intervention(runtime, world):
    ids = plan_actions(runtime, world)
    b, a = world.org.teams["B"], world.org.teams["A"]
    assert ids["team_b"] in {m.action_id for m in marks(runtime, world, team_id=b)}
    assert ids["team_b"] not in {m.action_id for m in marks(runtime, world, team_id=a)}
    mood = world.org.interventions["Mood app"]
    assert len(marks(runtime, world, intervention_id=mood)) == 6  # none is about another intervention
    bert = staff_account(runtime, "bert", "manager", {world.org.id: [a]})
    assert reading.dashboard_actions(runtime, bert, world.org.id, language="en") == ()  # none is about team A only


def test_a_withheld_round_is_a_gap_and_the_actions_add_no_number(runtime, world):
    plan_actions(runtime, world)
    view = look(runtime, world, team_id=world.org.teams["Tiny"])
    assert not any(point.group.shown for point in view.trends)
    chart = changed.what_changed(view, marks(runtime, world), "client_autonomy", "en")
    assert all(value is None for _n, _x, values in lines(chart) for value in values)
    assert {row[5] for row in round_rows(chart)} <= {"withheld", "no data"}
    assert {row[4] for row in round_rows(chart)} <= {"withheld: fewer than 5 responses", "no responses yet"}
    assert {row[5] for row in chart.table.values.tolist()} <= {"withheld", "no data", "–"}
    assert t("dashboard.changed.summary_none", "en") in chart.summary


def test_typed_text_is_escaped_on_the_chart_and_kept_as_typed_in_the_table(runtime, world):
    plan_actions(runtime, world)
    view = look(runtime, world)
    chart = changed.what_changed(view, marks(runtime, world), "technology_push", "en")
    drawn = json.dumps(json.loads(chart.figure.to_json()))
    assert "<script>" not in drawn and html.escape("<script>") in drawn
    assert HOSTILE in chart.table.values.tolist()[-1]
    assert f"“{HOSTILE}”" in chart.summary  # the page makes the summary inert (shell.plain) before showing it


def test_dashboard_plan_lists_the_views_actions_without_dropped_ones(runtime, world):
    ids = plan_actions(runtime, world)
    lines_for = {
        scope: reading.dashboard_plan(runtime, world.mia, world.org.id, language="nl", team_id=team)
        for scope, team in (("all", None), ("A", world.org.teams["A"]))
    }
    assert {line.description for line in lines_for["all"]} >= {HOSTILE, "Team B's own pilot"}
    assert "An idea we let go" not in {line.description for line in lines_for["all"]}
    assert "Team B's own pilot" not in {line.description for line in lines_for["A"]}
    first = lines_for["all"][0]
    assert (first.status, first.kind, first.about) == ("In uitvoering", "Doen", "Autonomie van de cliënt")
    assert len(lines_for["all"]) == len(ids) - 1
    plan.change_status(runtime, world.mia, ids["whole"], seen_version=1, status="done")
    assert "Afgerond" in {
        line.status for line in reading.dashboard_plan(runtime, world.mia, world.org.id, language="nl")
    }


def test_a_follow_up_round_answered_through_its_links_shows_after_its_action(runtime, world):
    """The whole loop on the services: an action, its follow-up round scheduled and started, answered on the short
    form through the teams' invitation links, closed; the dashboard's "what changed" has that round after the
    action, with the value the trend has for it."""
    now = datetime.now(UTC)
    root = staff_account(runtime, "root", "admin")
    action = plan.create_action(
        runtime,
        world.mia,
        world.org.id,
        target="theme:client_autonomy",
        kind="act",
        description="Ask clients at intake",
        now=now - timedelta(days=2),
    )
    plan.change_status(runtime, world.mia, action.id, seen_version=1, status="doing", now=now - timedelta(days=1))
    planned = follow_up.schedule_follow_up(
        runtime, world.mia, action.id, opens_on=now.date() + timedelta(days=1), closes_on=now.date() + timedelta(days=8)
    )
    started = follow_up.start_follow_up(runtime, root, planned.id, name="Intake check")
    short = runtime.form("workshop")
    with runtime.sessions.begin() as session:  # it opens tomorrow: answer as if it were then
        survey_round = session.get(SurveyRound, started.created.round.id)
        assert survey_round.instrument_hash == short.content_hash
        survey_round.opens_at = now - timedelta(hours=1)
    tokens = {invitation.team_id: invitation.token for invitation in started.created.invitations}
    answered = 0
    for team, n in (("A", 6), ("B", 5), ("Tiny", 2)):
        for person in range(n):
            draft = questionnaire.start_assessment(
                runtime, language="en", intervention="", role=None, invite_token=tokens[world.org.teams[team]]
            )
            given = {item: 2 + (person % 3) for item in short.required_ids}
            questionnaire.save_answers(runtime, token=draft.draft_token, answers=given, step=0)
            questionnaire.submit(runtime, token=draft.draft_token)
            answered += 1

    after_closing = now + timedelta(days=30)
    view = dashboard(runtime, world.mia, Filters(world.org.id), language="en", now=after_closing)
    assert [p.round_name for p in view.trends] == ["Spring", "Autumn", "Intake check"]
    follow_up_point = view.trends[-1]
    # Everyone who answered through a link, Tiny's two too: the organisation's figure holds them (Tiny alone is
    # never shown).
    assert follow_up_point.group.shown and follow_up_point.group.n == answered
    actions = reading.dashboard_actions(runtime, world.mia, world.org.id, language="en")
    chart = changed.what_changed(view, actions, "client_autonomy", "en")
    rows = chart.table.values.tolist()
    [action_row] = [row for row in rows if row[2] == "Ask clients at intake"]
    assert action_row[1] == t("dashboard.changed.row_started", "en")
    assert action_row[6] == "; ".join(
        [
            t("dashboard.changed.round_before", "en", round="Autumn"),
            t("dashboard.changed.round_after", "en", round="Intake check"),
        ]
    )
    assert rows.index(action_row) < [row[2] for row in rows].index("Intake check")  # in date order
    [line] = lines(chart)
    expected = next(m.estimate.mean for m in follow_up_point.means if m.theme.id == "client_autonomy")
    assert line[2][-1] == expected and line[1][-1] > action_row_day(chart, "Ask clients at intake")


def action_row_day(chart, title: str):
    """The day an action is marked on the chart (its note's x)."""
    [note] = [n for n in action_notes(chart) if title[:10] in n.text]
    return note.x
