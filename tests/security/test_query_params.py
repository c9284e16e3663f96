"""Crafted links (corpus/query_params.yaml): ids of another organisation's records or of another
facilitator's workshop, ids that are not ids, and payloads in ?lang= ?join= ?draft= ?invite=.
The page shows nothing of what was asked for, no traceback, and any echo of the link stays inert."""

from __future__ import annotations

import pytest

from app_pages import navigation, paths
from services.workshop import hosting
from tests.security.inert import assert_inert, surfaces
from tests.security.payloads import load
from tests.security.world import closed_round_with_answers, named_world

IDS = [(entry["label"], entry["value"]) for entry in load("query_params")["ids"]]
TEXTS = [(entry["label"], entry["value"]) for entry in load("query_params")["text"]]
SECRET = "Hidden Team South"


def everything(at) -> str:
    found = surfaces(at)
    return "\n".join(found.markdown + found.plain + found.cells + found.figures)


@pytest.fixture
def south(runtime, people):
    """South's team, round and a workshop of gert (South's facilitator): the ids to ask for."""
    world = named_world(runtime, people["anna"][0], people["south"], [SECRET])
    closed = closed_round_with_answers(runtime, world, name="South closed round")
    session = hosting.create_workshop(
        runtime,
        people["gert"][0],
        title="South workshop secret",
        intervention="South app",
        form_id=None,
        language="en",
        min_group_size=5,
    )
    return {
        "org": people["south"],
        "team": world.teams[SECRET],
        "round": closed,
        "session": session.id,
        "intervention": world.rounds[SECRET],
    }


def test_dashboard_links_with_foreign_or_broken_ids_show_nothing_of_them(app, people, south):
    # The filters are read from the link only on a page's first run (then from the widgets): a fresh
    # page per value, once with the organisation and once with every other filter.
    for label, value in IDS:
        for params in (("org",), ("team", "round", "intervention", "role")):
            query = {
                param: value.replace("{other}", str(south[param] if param in south else "nurse")) for param in params
            }
            at = app("dashboard", token=people["maya"][1], query=query)
            assert_inert(at, [value] if "<" in value else [])
            page = everything(at)
            assert "South" not in page and SECRET not in page, (label, params)
            assert at.session_state["dash-org"] == people["north"], (label, params)


def test_workshop_links_to_another_facilitators_session_or_garbage_show_nothing(app, people, south):
    at = app(None, token=people["fien"][1])
    at.switch_page(paths.WORKSHOP).run()
    for label, value in IDS:
        at.query_params["session"] = value.replace("{other}", str(south["session"]))
        at.run()
        assert_inert(at, [value] if "<" in value else [])
        assert "South" not in everything(at), label
        if value:
            assert "This session" in everything(at) or at.error, label


@pytest.mark.parametrize(
    "param, page",
    [("lang", "start"), ("join", "join"), ("draft", "assessment"), ("invite", "start"), ("invite", "assessment")],
)
def test_text_parameters_are_refused_or_ignored_and_never_rendered(app, param, page):
    at = app(page)
    for label, value in TEXTS:
        at.query_params[param] = value
        at.run()
        assert_inert(at, [value[:20]] if param == "lang" else [value])
        found = surfaces(at)
        assert found.exceptions == [], label


def test_an_unknown_language_is_named_inert_in_the_warning(app):
    at = app(None, query={"lang": "[Sign in again](https://evil.example)"})  # said on the first run
    assert_inert(at, ["[Sign in again](https://evil.example)"[:20]])
    assert any("Sign in again" in w.value for w in at.warning)
    assert at.query_params["lang"] == "en" or at.query_params["lang"] == ["en"]
