"""The dashboard and the action plan through AppTest: each "where to start" theme links to a new action on it,
the Over time tab marks the plan's actions beside the theme's rounds (days and words, no new number, no causal
claim) in English and Dutch, and the PDF is made with the plan. World: test_dashboard_page.py."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest

from app_pages import state_keys
from services.accounts import auth
from services.actions import plan
from services.dashboard import files as dashboard_files
from tests.app_pages.test_dashboard_page import (
    LABEL_COLUMNS,
    PASSWORD,
    dashboard_as,
    everything,
    no_exceptions,
    plotted_numbers,
    world,
)

__all__ = ["dashboard_as", "world"]  # fixtures used by name

HOSTILE = "<img src=x onerror=alert(1)> **loud** [link](javascript:alert(1))"


def act(runtime, world, description: str, target: str, when: tuple[int, int], **fields):
    maya = auth.login(runtime, "maya", PASSWORD, "test-client").account
    return plan.create_action(
        runtime,
        maya,
        world["north"].id,
        target=target,
        kind="act",
        description=description,
        now=datetime(2026, *when, 12, 0, tzinfo=UTC),
        **fields,
    )


def over_time(app, runtime, language: str = "en", theme: str | None = None, **query):
    """The dashboard opened on its Over time tab (and "what changed" on `theme`), as Maya. Chosen before the
    first run: AppTest cannot rerun a Dutch page whose select boxes word their options (it words them in English)."""
    token = auth.login(runtime, "maya", PASSWORD, "test-client").token
    state = {state_keys.AUTH_TOKEN: token, "dash-tab": "Over time" if language == "en" else "In de tijd"}
    if theme is not None:
        state["dash-changed-theme"] = theme
    return app("dashboard", query={"lang": language, **query}, state=state)


def test_each_starting_point_links_to_a_new_action_on_its_theme(dashboard_as, runtime, world):
    at = dashboard_as("maya")
    no_exceptions(at)
    links = [link.proto for link in at.get("page_link")]
    subjects = [m.value for m in at.markdown if m.value.startswith("**") and " · " in m.value]
    assert len(links) == len(subjects) >= 2, (links, subjects)
    assert all(link.label == "Plan an action on this theme" for link in links)
    assert {link.page for link in links} == {"plan"}  # the action plan page (paths.ACTION_PLAN)
    targets = []
    for link in links:
        query = parse_qs(link.query_string)
        assert query.keys() - {"theme", "element"} == {"org", "lang"}
        assert query["org"] == [str(world["north"].id)] and query["lang"] == ["en"]
        targets.append(("theme", query["theme"][0]) if "theme" in query else ("element", query["element"][0]))
    # A theme as itself; a compassion theme as its element, as the plan keeps it.
    domains = {domain.name["en"]: domain for domain in runtime.instrument.domains}
    expected = []
    for subject in subjects:
        domain = domains[subject.split("**")[1]]
        expected.append(("element", str(domain.element)) if domain.side == "compassion" else ("theme", domain.id))
    assert targets == expected and ("element", "3") in targets


def test_a_manager_without_the_right_to_plan_sees_no_link(dashboard_as, monkeypatch):
    from services.accounts import authorisation

    real = authorisation.can
    monkeypatch.setattr(
        authorisation,
        "can",
        lambda account, page, action, *a: False if page == "action_plan" else real(account, page, action, *a),
    )
    at = dashboard_as("maya")
    no_exceptions(at)
    assert at.get("page_link") == []


@pytest.mark.parametrize("language", ["en", "nl"])
def test_over_time_marks_the_actions_beside_the_theme_and_claims_no_effect(app, runtime, world, texts, language):
    act(runtime, world, "Ask clients how they want to use it", "theme:client_autonomy", (4, 1))
    act(runtime, world, HOSTILE, "theme:client_autonomy", (6, 1))
    at = over_time(app, runtime, language, "client_autonomy")
    no_exceptions(at)
    assert "chart-dash_what_changed" in {chart.key for chart in at.get("plotly_chart")}
    assert at.session_state["dash-changed-theme"] == "client_autonomy"
    page = everything(at, texts)
    heading = {"en": "What changed", "nl": "Wat er veranderde"}[language]
    assert heading in [s.value for s in at.subheader]
    no_effect = {"en": "not the effect of an action", "nl": "niet het effect van een actie"}[language]
    assert no_effect in page
    started = {"en": "1 Apr 2026", "nl": "1 apr 2026"}[language]
    assert started in page and "Ask clients how they want to use it" in page
    table = next(f.value for f in at.dataframe if HOSTILE in f.value.to_csv())
    assert started in table.to_csv()
    # The summary names the typed text, inert: no HTML or link reaches the page's markdown.
    summary = next(c.value for c in at.caption if no_effect in c.value and "Ask clients" in c.value)
    assert "\\<img src=x" in summary and not re.search(r"(?<!\\)[<>\[\]*]", summary), summary


def test_the_what_changed_chart_draws_only_the_trends_numbers(app, runtime, world):
    at = over_time(app, runtime, "en", "client_autonomy")
    numbers_before = plotted_numbers(next(c for c in at.get("plotly_chart") if c.key == "chart-dash_what_changed"))
    assert numbers_before  # the rounds' values
    for month in range(1, 11):
        act(runtime, world, f"Action number {month}", "theme:client_autonomy", (month, 2))
    at = over_time(app, runtime, "en", "client_autonomy")
    after = next(c for c in at.get("plotly_chart") if c.key == "chart-dash_what_changed")
    # The marks are notes on the chart, not data: what it plots is the rounds' values, as before.
    assert plotted_numbers(after) == numbers_before
    assert len([a for a in json.loads(after.proto.spec)["layout"]["annotations"] if a.get("name") == "action"]) == 10


def test_a_withheld_team_has_no_number_in_what_changed_either(app, runtime, world, texts):
    act(runtime, world, "Something for everyone", None, (4, 1))
    at = over_time(app, runtime, "en", team=str(world["north"].teams["Tiny"]))
    no_exceptions(at)
    [chart] = [c for c in at.get("plotly_chart") if c.key == "chart-dash_what_changed"]
    assert plotted_numbers(chart) == []
    assert "Something for everyone" in everything(at, texts)
    for frame in at.dataframe:  # the rounds say why they have no value; an action has none ("–")
        data = frame.value.drop(columns=[c for c in frame.value.columns if c in LABEL_COLUMNS])
        assert data.astype(str).isin(["withheld", "no data", "–"]).all().all(), frame.value


def test_the_pdf_is_made_with_the_plan_on_a_click(dashboard_as, runtime, world, monkeypatch):
    act(runtime, world, "Ask clients how they want to use it", "theme:client_autonomy", (4, 1))
    given = {}
    real = dashboard_files.export_dashboard

    def export(*args, **kwargs):
        given[args[3]] = kwargs.get("plan")
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_files, "export_dashboard", export)
    at = dashboard_as("maya")
    no_exceptions(at)
    assert given == {}  # made only when its button is clicked
    for file_format in ("pdf", "csv"):
        at.button(key=f"dash-export-{file_format}-make").click().run()
        no_exceptions(at)
    assert [line.description for line in given["pdf"]] == ["Ask clients how they want to use it"]
    assert given["csv"] is None  # the plan is in the PDF only
