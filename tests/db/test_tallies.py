"""Tallies per atomic cell: kept up to date by add_response, rebuilt from the raw tables,
never touched by unattributed responses, right under concurrent writers; on a real database.
The tallies-equal-the-raw-tables property test: test_tallies_match_raw_tables.py. Shared
helpers (`attribution`, `tally_snapshot`, ...) are conftest fixtures of those names."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from db import (
    AnswerCell,
    AnswerTally,
    DraftNotFound,
    InvalidRecord,
    Response,
    ResponseTally,
    ScoreCell,
    ScoreTally,
    count_cells,
    get_response,
    read_answer_cells,
    read_score_cells,
    rebuild_tallies,
)
from db.tallies import alignment_bin_key
from tests.support.tallies import (
    answer_cells,
    assert_same_snapshot,
    attribution_of,
    organisation_with_rounds,
    score_cells,
    tally_snapshot,
    with_alignment_bin,
)

TALLIES = (ResponseTally, ScoreTally, AnswerTally)


@pytest.fixture
def org(session_factory) -> dict[str, int]:
    """Overrides conftest's `org`: teams A and B, round 1 inviting both, round 2 inviting A."""
    with session_factory.begin() as session:
        return organisation_with_rounds(session, "Zorggroep Noord")


def _tally_rows(session) -> int:
    return sum(session.scalar(select(func.count()).select_from(t)) for t in TALLIES)


# --- one response -------------------------------------------------------------------------


def test_attributed_response_fills_its_cell(session_factory, submit, org, sample_scores):
    with session_factory.begin() as session:
        submit(session, **attribution_of(org))
    team, round_id = org["a"], org["round1"]
    with session_factory() as session:
        assert count_cells(session, organisation_id=org["id"]) == {(team, round_id, "psychologist"): 1}
        values = with_alignment_bin({key: value for key, (value, _status) in sample_scores.items()})
        assert score_cells(session, org["id"]) == [
            ScoreCell(team, round_id, "psychologist", key, 1, value, value * value)
            for key, value in sorted(values.items())
            if value is not None  # domain:financial_benefit was "not_enough"
        ]
        assert answer_cells(session, org["id"]) == [
            AnswerCell(team, round_id, "psychologist", item, value, 1)
            for item, value in sorted(
                {"ca1": 4, "ca2": 0, "tn1": 2, "imp_helping_people": 5, "sup_helping_people": 3}.items()
            )
        ]


def test_unattributed_responses_never_touch_the_tallies(session_factory, submit, org):
    with session_factory.begin() as session:
        submit(session, submission_token="plain-1")
        submit(session, submission_token="plain-2", role=None)
    with session_factory() as session:
        assert _tally_rows(session) == 0
        assert count_cells(session, organisation_id=org["id"]) == {}


@pytest.mark.parametrize(
    "given",
    [
        {"organisation_id"},
        {"organisation_id", "team_id"},
        {"organisation_id", "round_id"},
        {"team_id", "round_id"},
        {"round_id"},
    ],
)
def test_partial_attribution_is_refused(session_factory, submit, org, given):
    attribution = {key: value for key, value in attribution_of(org).items() if key in given}
    with pytest.raises(InvalidRecord), session_factory.begin() as session:
        submit(session, **attribution)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 0
        assert _tally_rows(session) == 0


@pytest.mark.parametrize("given", [{"organisation_id"}, {"team_id", "round_id"}])
def test_database_refuses_partial_attribution_even_past_the_repository(session, org, given):
    row = {
        "submission_token": "imported",
        "instrument_id": "valuematch",
        "instrument_version": "1.0",
        "instrument_hash": "f" * 64,
        "language": "nl",
        "intervention": "Mood app",
        "created_at": datetime.now(UTC),
        **{key: value for key, value in attribution_of(org).items() if key in given},
    }
    with pytest.raises(IntegrityError), session.begin():
        session.execute(insert(Response), [row])


def test_failed_submission_leaves_the_tallies_alone(session_factory, submit, org):
    """The tally update is part of add_response's transaction."""
    with pytest.raises(DraftNotFound), session_factory.begin() as session:
        submit(session, draft_token="no-such-draft", **attribution_of(org))
    with session_factory() as session:
        assert _tally_rows(session) == 0


def test_submitting_twice_counts_once(session_factory, submit, org):
    for _ in range(2):
        with session_factory.begin() as session:
            submit(session, submission_token="double-click", **attribution_of(org))
    with session_factory() as session:
        assert count_cells(session, organisation_id=org["id"]) == {(org["a"], org["round1"], "psychologist"): 1}
        assert {c.n for c in read_score_cells(session, organisation_id=org["id"])} == {1}


@pytest.mark.parametrize("role", [None, ""])
def test_no_role_is_a_cell_of_its_own(session_factory, submit, org, role):
    with session_factory.begin() as session:
        submit(session, submission_token="1", role=role, **attribution_of(org))
        submit(session, submission_token="2", role=None, **attribution_of(org))
        submit(session, submission_token="3", role="nurse", **attribution_of(org))
    with session_factory() as session:
        cell = (org["a"], org["round1"])
        assert count_cells(session, organisation_id=org["id"]) == {
            (*cell, None): 2,
            (*cell, "nurse"): 1,
        }
        stored_roles = set(session.scalars(select(ResponseTally.role)))
        assert stored_roles == {"", "nurse"}  # '' in the key, None for the callers


def test_cells_add_up_per_team_round_and_role(session_factory, submit, org):
    placements = [("a", "round1", "nurse"), ("a", "round1", "nurse"), ("b", "round1", "nurse")]
    placements += [("a", "round2", "nurse"), ("a", "round2", None)]
    with session_factory.begin() as session:
        for n, (team, round_key, role) in enumerate(placements):
            submit(
                session,
                submission_token=f"t{n}",
                role=role,
                scores={"alignment_index": (10.0 * n, "ok")},
                **attribution_of(org, team, round_key),
            )
    with session_factory() as session:
        counts = count_cells(session, organisation_id=org["id"])
        assert counts == {
            (org["a"], org["round1"], "nurse"): 2,
            (org["b"], org["round1"], "nurse"): 1,
            (org["a"], org["round2"], "nurse"): 1,
            (org["a"], org["round2"], None): 1,
        }
        first_cell = [c for c in score_cells(session, org["id"]) if c[:3] == (org["a"], org["round1"], "nurse")]
        # scores 0 and 10 (placements 0 and 1): n 2, total 10, total of squares 100, both in the 0..25 bin
        assert first_cell == [
            ScoreCell(org["a"], org["round1"], "nurse", "alignment_bin:0", 2, 10.0, 100.0),
            ScoreCell(org["a"], org["round1"], "nurse", "alignment_index", 2, 10.0, 100.0),
        ]


@pytest.mark.parametrize(
    "value, key",
    [
        (-100.0, "alignment_bin:-100"),
        (-75.01, "alignment_bin:-100"),
        (-75.0, "alignment_bin:-75"),
        (-0.01, "alignment_bin:-25"),
        (0.0, "alignment_bin:0"),
        (24.99, "alignment_bin:0"),
        (74.99, "alignment_bin:50"),
        (75.0, "alignment_bin:75"),
        (100.0, "alignment_bin:75"),
    ],
)
def test_alignment_bins_have_closed_lower_edges_and_the_top_bin_holds_100(value, key):
    assert alignment_bin_key(value) == key


def test_score_cells_can_be_limited_to_keys(session_factory, submit, org):
    with session_factory.begin() as session:
        submit(session, **attribution_of(org))
    with session_factory() as session:
        wanted = ["alignment_index", "element:1", "domain:financial_benefit", "no-such-key"]
        cells = score_cells(session, org["id"], keys=wanted)
        assert [c.key for c in cells] == ["alignment_index", "element:1"]


def test_organisations_do_not_see_each_others_cells(session_factory, submit, org):
    with session_factory.begin() as session:
        other = organisation_with_rounds(session, "Other")
        submit(session, submission_token="mine", **attribution_of(org))
        submit(session, submission_token="theirs", **attribution_of(other, "b"))
    with session_factory() as session:
        assert list(count_cells(session, organisation_id=org["id"])) == [(org["a"], org["round1"], "psychologist")]
        assert {c.team_id for c in read_answer_cells(session, organisation_id=other["id"])} == {other["b"]}


# --- rebuilding ---------------------------------------------------------------------------


def test_rebuild_after_a_purge_forgets_the_purged(session_factory, submit, org):
    with session_factory.begin() as session:
        ids = [submit(session, submission_token=f"t{n}", **attribution_of(org))[0].id for n in range(3)]
        submit(session, submission_token="plain")
    with session_factory.begin() as session:
        session.delete(get_response(session, response_id=ids[0]))
    with session_factory.begin() as session:
        assert rebuild_tallies(session, organisation_id=org["id"]) == 2
    with session_factory() as session:
        cell = (org["a"], org["round1"], "psychologist")
        assert count_cells(session, organisation_id=org["id"]) == {cell: 2}
        assert {c.n for c in read_score_cells(session, organisation_id=org["id"])} == {2}
        assert {c.n for c in read_answer_cells(session, organisation_id=org["id"])} == {2}


def test_rebuilding_one_organisation_leaves_the_others_alone(session_factory, submit, org):
    with session_factory.begin() as session:
        other = organisation_with_rounds(session, "Other")
        submit(session, submission_token="mine", **attribution_of(org))
        submit(session, submission_token="theirs", **attribution_of(other))
    with session_factory.begin() as session:  # corrupt both on purpose
        session.execute(update(ResponseTally).values(n=99))
    with session_factory.begin() as session:
        assert rebuild_tallies(session, organisation_id=org["id"]) == 1
    with session_factory() as session:
        assert set(count_cells(session, organisation_id=org["id"]).values()) == {1}
        assert set(count_cells(session, organisation_id=other["id"]).values()) == {99}
    with session_factory.begin() as session:
        assert rebuild_tallies(session) == 2
    with session_factory() as session:
        assert set(count_cells(session, organisation_id=other["id"]).values()) == {1}


def test_rebuild_of_an_empty_database(session_factory, org):
    with session_factory.begin() as session:
        assert rebuild_tallies(session) == 0
        assert rebuild_tallies(session, organisation_id=org["id"]) == 0
    with session_factory() as session:
        assert _tally_rows(session) == 0


# --- concurrent writers -------------------------------------------------------------------


def test_concurrent_submissions_to_one_cell_all_count(session_factory, submit, org):
    """Many first-ever inserts of the same tally rows at once: ON CONFLICT must merge them."""
    writers, each = 6, 5
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            with session_factory() as session:
                start.wait()
                for n in range(each):
                    with session.begin():
                        submit(
                            session,
                            submission_token=f"w{writer}-{n}",
                            role=["nurse", None][n % 2],
                            scores={"alignment_index": (float(writer), "ok")},
                            **attribution_of(org),
                        )
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with session_factory() as session:
        counted = tally_snapshot(session, org["id"])
    assert sum(counted[0].values()) == writers * each
    assert counted[0] == {
        (org["a"], org["round1"], "nurse"): writers * 3,
        (org["a"], org["round1"], None): writers * 2,
    }
    with session_factory.begin() as session:
        rebuild_tallies(session, organisation_id=org["id"])
    with session_factory() as session:
        assert_same_snapshot(tally_snapshot(session, org["id"]), counted)


def test_rebuilding_while_responses_come_in_counts_each_once(session_factory, submit, org):
    """rebuild_tallies and add_response may run at the same time (an import during a round)."""
    writers, each, rebuilds = 3, 8, 4
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            with session_factory() as session:
                for n in range(each):
                    with session.begin():
                        submit(session, submission_token=f"w{writer}-{n}", **attribution_of(org))
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    def rebuild() -> None:
        try:
            with session_factory() as session:
                for _ in range(rebuilds):
                    with session.begin():
                        rebuild_tallies(session, organisation_id=org["id"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    threads.append(threading.Thread(target=rebuild))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with session_factory() as session:
        counted = tally_snapshot(session, org["id"])
    assert counted[0] == {(org["a"], org["round1"], "psychologist"): writers * each}
    with session_factory.begin() as session:
        rebuild_tallies(session, organisation_id=org["id"])
    with session_factory() as session:
        assert_same_snapshot(tally_snapshot(session, org["id"]), counted)
