"""One scenario per way a professional's answers leaked before releases (docs/DASHBOARD.md, "Releases"), each
played on the real services and checked by the independent attacker. Each runs twice: as built (nothing
small revealed) and with the protection it needs switched off for its last event (the attacker finds
someone), which shows the scenario is a real attack and that this protection is what stops it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

import services.dashboard.release as release
from assessment.anonymity import publishable
from db.releases import list_releases, released_round_ids
from db.retention import purge_before
from services.dashboard import view as dashboard
from services.data_tools import response_import
from services.errors import InvalidInput
from tests.support.anonymity_machine import ADMIN, AnonymityOverTime


def ledger_off(monkeypatch):
    """Every release decided on its own moment, as before the ledger."""
    monkeypatch.setattr(
        release, "publishable_after", lambda population, k, groups, past, parts=None: publishable(population, k, groups)
    )


def contributors_off(monkeypatch):
    """Every figure decided on the view's response count, as before contributors per figure."""
    original = release.family_counts
    monkeypatch.setattr(
        release,
        "family_counts",
        lambda counts, scores, answers: {family: dict(counts) for family in original(counts, scores, answers)},
    )


def freezing_off(monkeypatch):
    """Released rounds read from the live tallies, which an erasure changes, as before freezing."""
    for name in ("count_cells", "read_score_cells", "read_answer_cells"):
        live = getattr(release, name)
        monkeypatch.setattr(
            release, name, lambda session, _live=live, **kw: _live(session, **{**kw, "released": False})
        )


@pytest.fixture
def world(migrated_database_template: Path, tmp_path: Path):
    AnonymityOverTime.template, AnonymityOverTime.folder = migrated_database_template, tmp_path
    machine = AnonymityOverTime()
    machine.start()
    yield machine
    machine.teardown()


def answer(world, team: int, many: int, role: str | None = "nurse", na_items: frozenset = frozenset()):
    world.respond(team=team, role=role, value=3 + team % 2, na_items=set(na_items), many=many)


def leaks(world) -> list:
    """Look at every filter of the dashboard; what the attacker finds new (the look asserts none)."""
    try:
        world.look_at_the_dashboard()
    except AssertionError as found:
        return [str(found)]
    return []


def figure_resting_on_one_person(world, last):
    answer(world, 0, 5, na_items=frozenset(range(30)))  # "not applicable" to the first 30 statements
    answer(world, 0, 1)  # the only one who answered them
    last()
    world.close_round()
    return leaks(world)


def all_rounds_when_a_round_with_a_small_cell_closes(world, last):
    answer(world, 0, 6)
    answer(world, 1, 6)
    world.close_round()
    assert leaks(world) == []
    answer(world, 0, 2)
    answer(world, 1, 6)
    last()
    world.close_round()
    return leaks(world)


def erasure_after_the_round_was_shown(world, last):
    answer(world, 0, 6)
    answer(world, 1, 5)
    world.close_round()
    assert leaks(world) == []
    last()
    world.erase(_Draw(max(world.people)))
    answer(world, 0, 5)
    answer(world, 1, 6)
    world.close_round()
    return leaks(world)


def purge_of_the_oldest_round(world, last):
    for per_team in ({0: 7, 1: 2, 2: 2}, {0: 6, 1: 7, 2: 7}, {0: 6, 1: 5, 2: 1}):  # responses per team and round
        for team, many in per_team.items():
            answer(world, team, many)
        world.close_round()
        assert leaks(world) == []
    last()
    world.purge_oldest_released_round()
    return leaks(world)


def k_raised(world, last):
    answer(world, 0, 3)
    answer(world, 0, 4, role=None)
    answer(world, 1, 2)
    answer(world, 2, 9, role=None)
    world.close_round()
    assert leaks(world) == []
    last()
    world.change_k(6)
    return leaks(world)


class _Draw:
    """Stands in for hypothesis' data.draw in a plain test: always the given value."""

    def __init__(self, value):
        self.value = value

    def draw(self, _strategy):
        return self.value


SCENARIOS = [
    (figure_resting_on_one_person, contributors_off),
    (all_rounds_when_a_round_with_a_small_cell_closes, ledger_off),
    (erasure_after_the_round_was_shown, freezing_off),
    (purge_of_the_oldest_round, ledger_off),
    (k_raised, ledger_off),
]


@pytest.mark.parametrize("scenario, _off", SCENARIOS, ids=[s.__name__ for s, _ in SCENARIOS])
def test_nothing_small_is_revealed(world, scenario, _off):
    assert scenario(world, lambda: None) == []


@pytest.mark.parametrize("scenario, switch_off", SCENARIOS, ids=[s.__name__ for s, _ in SCENARIOS])
def test_without_its_protection_the_scenario_reveals_someone(world, scenario, switch_off, monkeypatch):
    assert scenario(world, lambda: switch_off(monkeypatch)) != []  # switched off for the last event only


def test_a_released_round_stays_as_published_after_an_erasure(world):
    answer(world, 0, 6)
    world.close_round()
    world.look_at_the_dashboard()
    before = _selection_n(world)
    world.erase(_Draw(max(world.people)))
    assert _selection_n(world) == before == 6


def test_a_purge_whose_cut_off_falls_inside_a_released_round_keeps_it_whole(world):
    answer(world, 0, 6)
    world.close_round()
    world.look_at_the_dashboard()
    with world.rt.sessions.begin() as session:
        purge_before(session, cutoff=world.rounds[min(world.rounds)] - timedelta(seconds=1))
    assert _selection_n(world) == 6


def test_an_import_into_a_released_round_is_refused(world, tmp_path):
    answer(world, 0, 6)
    world.close_round()
    world.look_at_the_dashboard()
    paper = tmp_path / "paper.csv"
    paper.write_text("team,role\nNorth,nurse\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="results have been shown on the dashboard"):
        response_import.import_responses(world.rt, paper, organisation="Org", survey_round="R0")


def test_a_release_that_cannot_be_recorded_is_not_shown(world, monkeypatch):
    answer(world, 0, 6)
    world.close_round()

    def refuse(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(release, "add_release", refuse)
    with pytest.raises(RuntimeError):
        world.look_at_the_dashboard()
    monkeypatch.undo()
    with world.rt.sessions.begin() as session:
        assert list_releases(session, organisation_id=world.org) == []
        assert released_round_ids(session, organisation_id=world.org) == set()  # rolled back whole


def _selection_n(world) -> int | None:
    view = dashboard.dashboard(world.rt, ADMIN, dashboard.Filters(world.org), now=world.now)
    return view.selection.decision.n
