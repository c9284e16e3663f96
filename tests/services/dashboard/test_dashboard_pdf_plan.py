"""The dashboard PDF's action plan (each backend): the actions of the view's scope with what they are about,
their kind, owner, due date and status, in the reader's language; typed text as typed (never markup, and a
formula made inert as in the spreadsheets); a withheld selection keeps its plan and still shows no number."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from services.actions import plan, reading
from services.dashboard.files import export_dashboard
from services.i18n import t
from services.output.cells import neutralise_cell
from tests.support.dashboard_actions import HOSTILE, NOW, build, look, plan_actions


@pytest.fixture
def world(runtime):
    made = build(runtime)
    ids = plan_actions(runtime, made)
    plan.update_action(
        runtime,
        made.mia,
        ids["check"],
        seen_version=1,
        description="Check in at every team meeting",
        owner="<b>Team lead</b> West",
        due_on=date(2027, 1, 15),
        status="planned",
        now=NOW,
    )
    return made


def pdf_text(runtime, world, language: str, **filters) -> str:
    view = look(runtime, world, language, **filters)
    lines = reading.dashboard_plan(runtime, world.mia, world.org.id, team_id=view.filters.team_id, language=language)
    data = export_dashboard(runtime, world.mia, view, "pdf", now=NOW, plan=lines).data
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_pdf_lists_the_plan_in_the_readers_words(runtime, world, language):
    text = pdf_text(runtime, world, language)
    heading = t("dashboard_export.pdf.plan", language)
    assert heading in text and text.index(heading) > text.index(t("dashboard_export.pdf.reliability", language))
    plan_part = text[text.index(heading) :]
    for key in ("about", "action", "kind", "owner", "due", "status"):
        assert t(f"dashboard_export.pdf.col.{key}", language) in plan_part
    assert t("actions.status_doing", language) in plan_part and t("actions.kind_act", language) in plan_part
    assert ("15 Jan 2027" if language == "en" else "15 jan 2027") in plan_part
    assert "<b>Team lead</b> West" in plan_part  # as typed: the PDF draws characters, never markup
    assert " ".join(neutralise_cell(HOSTILE).split()) in plan_part
    assert "An idea we let go" not in text  # dropped


def test_a_teams_pdf_lists_that_teams_and_the_organisations_actions(runtime, world):
    assert "Team B's own pilot" in pdf_text(runtime, world, "en", team_id=world.org.teams["B"])
    assert "Team B's own pilot" not in pdf_text(runtime, world, "en", team_id=world.org.teams["A"])


def test_a_withheld_selection_keeps_its_plan_and_shows_no_number(runtime, world):
    text = pdf_text(runtime, world, "en", team_id=world.org.teams["Tiny"])
    assert t("dashboard_export.pdf.themes", "en") not in text
    plan_part = text[text.index(t("dashboard_export.pdf.plan", "en")) :]
    assert "Adapt the workflow before scaling" in plan_part
    assert "Team B's own pilot" not in plan_part
    # Digits only in days (and the page number): the plan adds no figure.
    without_days = re.sub(r"\d{1,2} [A-Z][a-z]{2} \d{4}", "", plan_part)
    assert set(re.findall(r"\d+", without_days)) <= {"1", "2"}, re.findall(r"\d+", without_days)


def test_without_a_plan_the_pdf_has_no_plan_section(runtime, world):
    view = look(runtime, world)
    data = export_dashboard(runtime, world.mia, view, "pdf", now=NOW).data
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert t("dashboard_export.pdf.plan", "en") not in text
