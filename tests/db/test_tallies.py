"""Tallies per atomic cell: kept up to date by add_response, equal to a rebuild from the raw
tables, never touched by unattributed responses; on a real database."""

from __future__ import annotations

import threading
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
    add_intervention,
    count_cells,
    create_organisation,
    create_round,
    create_team,
    get_response,
    read_answer_cells,
    read_score_cells,
    rebuild_tallies,
)

OPENS = datetime(2026, 3, 1, tzinfo=UTC)
TALLIES = (ResponseTally, ScoreTally, AnswerTally)


def _organisation(session, name: str) -> dict[str, int]:
    """An organisation with teams A and B, round 1 inviting both and round 2 inviting A."""
    organisation = create_organisation(session, name=name)
    a = create_team(session, organisation_id=organisation.id, name="A").id
    b = create_team(session, organisation_id=organisation.id, name="B").id
    app = add_intervention(session, name="Mood app", organisation_id=organisation.id).id
    rounds = [
        create_round(
            session,
            organisation_id=organisation.id,
            intervention_id=app,
            name=f"Round {n}",
            opens_at=OPENS + timedelta(weeks=26 * n),
            closes_at=OPENS + timedelta(weeks=26 * n + 3),
            instrument_hash="f" * 64,
            team_ids=teams,
        )[0].id
        for n, teams in enumerate(([a, b], [a]), start=1)
    ]
    return {"id": organisation.id, "a": a, "b": b, "round1": rounds[0], "round2": rounds[1]}


@pytest.fixture
def org(session_factory) -> dict[str, int]:
    with session_factory.begin() as session:
        return _organisation(session, "Zorggroep Noord")


def _attribution(org: dict[str, int], team: str = "a", round_key: str = "round1") -> dict:
    return {"organisation_id": org["id"], "team_id": org[team], "round_id": org[round_key]}


def _tally_rows(session) -> int:
    return sum(session.scalar(select(func.count()).select_from(t)) for t in TALLIES)


def _in_order(cells):
    """The readers promise no order; compare sorted (role None as '', how it is stored)."""
    return sorted(cells, key=lambda cell: (cell[0], cell[1], cell[2] or "", *cell[3:]))


def _scores(session, organisation_id: int, **keys) -> list[ScoreCell]:
    return _in_order(read_score_cells(session, organisation_id=organisation_id, **keys))


def _answers(session, organisation_id: int) -> list[AnswerCell]:
    return _in_order(read_answer_cells(session, organisation_id=organisation_id))


def _snapshot(session, organisation_id: int):
    return (
        count_cells(session, organisation_id=organisation_id),
        _scores(session, organisation_id),
        _answers(session, organisation_id),
    )


def _assert_same_snapshot(actual, expected) -> None:
    """Counts exactly; sums of floats up to rounding (the order of adding differs)."""
    (counts, scores, answers), (want_counts, want_scores, want_answers) = actual, expected
    assert counts == want_counts
    assert answers == want_answers
    assert [cell[:5] for cell in scores] == [cell[:5] for cell in want_scores]
    for got, want in zip(scores, want_scores, strict=True):
        assert got.total == pytest.approx(want.total, rel=1e-9, abs=1e-9)
        assert got.total_sq == pytest.approx(want.total_sq, rel=1e-9, abs=1e-9)


# --- one response -------------------------------------------------------------------------


def test_attributed_response_fills_its_cell(session_factory, submit, org, sample_scores):
    with session_factory.begin() as session:
        submit(session, **_attribution(org))
    team, round_id = org["a"], org["round1"]
    with session_factory() as session:
        assert count_cells(session, organisation_id=org["id"]) == {
            (team, round_id, "psychologist"): 1
        }
        assert _scores(session, org["id"]) == [
            ScoreCell(team, round_id, "psychologist", key, 1, value, value * value)
            for key, (value, _status) in sorted(sample_scores.items())
            if value is not None  # domain:financial_benefit was "not_enough"
        ]
        assert _answers(session, org["id"]) == [
            AnswerCell(team, round_id, "psychologist", item, value, 1)
            for item, value in sorted(
                {"ca1": 4, "ca2": 0, "tn1": 2, "imp_helping_people": 5, "sup_helping_people": 3}
                .items()
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
    attribution = {key: value for key, value in _attribution(org).items() if key in given}
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
        **{key: value for key, value in _attribution(org).items() if key in given},
    }
    with pytest.raises(IntegrityError), session.begin():
        session.execute(insert(Response), [row])


def test_failed_submission_leaves_the_tallies_alone(session_factory, submit, org):
    """The tally update is part of add_response's transaction."""
    with pytest.raises(DraftNotFound), session_factory.begin() as session:
        submit(session, draft_token="no-such-draft", **_attribution(org))
    with session_factory() as session:
        assert _tally_rows(session) == 0


def test_submitting_twice_counts_once(session_factory, submit, org):
    for _ in range(2):
        with session_factory.begin() as session:
            submit(session, submission_token="double-click", **_attribution(org))
    with session_factory() as session:
        assert count_cells(session, organisation_id=org["id"]) == {
            (org["a"], org["round1"], "psychologist"): 1
        }
        assert {c.n for c in read_score_cells(session, organisation_id=org["id"])} == {1}


@pytest.mark.parametrize("role", [None, ""])
def test_no_role_is_a_cell_of_its_own(session_factory, submit, org, role):
    with session_factory.begin() as session:
        submit(session, submission_token="1", role=role, **_attribution(org))
        submit(session, submission_token="2", role=None, **_attribution(org))
        submit(session, submission_token="3", role="nurse", **_attribution(org))
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
                **_attribution(org, team, round_key),
            )
    with session_factory() as session:
        counts = count_cells(session, organisation_id=org["id"])
        assert counts == {
            (org["a"], org["round1"], "nurse"): 2,
            (org["b"], org["round1"], "nurse"): 1,
            (org["a"], org["round2"], "nurse"): 1,
            (org["a"], org["round2"], None): 1,
        }
        first = _scores(session, org["id"])[0]
        # scores 0 and 10 (placements 0 and 1): n 2, total 10, total of squares 100
        expected = ScoreCell(org["a"], org["round1"], "nurse", "alignment_index", 2, 10.0, 100.0)
        assert first == expected


def test_score_cells_can_be_limited_to_keys(session_factory, submit, org):
    with session_factory.begin() as session:
        submit(session, **_attribution(org))
    with session_factory() as session:
        wanted = ["alignment_index", "element:1", "domain:financial_benefit", "no-such-key"]
        cells = _scores(session, org["id"], keys=wanted)
        assert [c.key for c in cells] == ["alignment_index", "element:1"]


def test_organisations_do_not_see_each_others_cells(session_factory, submit, org):
    with session_factory.begin() as session:
        other = _organisation(session, "Other")
        submit(session, submission_token="mine", **_attribution(org))
        submit(session, submission_token="theirs", **_attribution(other, "b"))
    with session_factory() as session:
        assert list(count_cells(session, organisation_id=org["id"])) == [
            (org["a"], org["round1"], "psychologist")
        ]
        assert {c.team_id for c in read_answer_cells(session, organisation_id=other["id"])} == {
            other["b"]
        }


# --- rebuilding ---------------------------------------------------------------------------


def test_rebuild_after_a_purge_forgets_the_purged(session_factory, submit, org):
    with session_factory.begin() as session:
        ids = [
            submit(session, submission_token=f"t{n}", **_attribution(org))[0].id for n in range(3)
        ]
        submit(session, submission_token="plain")
    with session_factory.begin() as session:
        session.delete(get_response(session, response_id=ids[0]))
    with session_factory.begin() as session:
        assert rebuild_tallies(session, organisation_id=org["id"]) == 2
    with session_factory() as session:
        cell = (org["a"], org["round1"], "psychologist")
        assert count_cells(session, organisation_id=org["id"]) == {cell: 2}
        assert {c.n for c in read_score_cells(session, organisation_id=org["id"])} == {2}
        assert {c.count for c in read_answer_cells(session, organisation_id=org["id"])} == {2}


def test_rebuilding_one_organisation_leaves_the_others_alone(session_factory, submit, org):
    with session_factory.begin() as session:
        other = _organisation(session, "Other")
        submit(session, submission_token="mine", **_attribution(org))
        submit(session, submission_token="theirs", **_attribution(other))
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


# --- tallies equal the raw tables, for any mix of responses -------------------------------

ITEMS = ["ca1", "ca2", "tn1", "fb1"]
KEYS = ["alignment_index", "domain:client_autonomy", "element:1", "gap:helping_people"]
PLACES = [None, ("a", "round1"), ("b", "round1"), ("a", "round2")]  # None = plain start page

answer_value = st.one_of(st.integers(min_value=1, max_value=5), st.just("na"), st.none())
# Scores as the scoring makes them: on -100..100, never so close to 0 that their square would
# underflow (PostgreSQL raises on that in rebuild_tallies' SUM(value * value)).
score_value = st.one_of(
    st.none(), st.floats(min_value=-100, max_value=100).map(lambda value: round(value, 9))
)
one_response = st.fixed_dictionaries(
    {
        "place": st.sampled_from(PLACES),
        "role": st.sampled_from([None, "", "nurse", "psychologist"]),
        "answers": st.fixed_dictionaries({item: answer_value for item in ITEMS}),
        "scores": st.fixed_dictionaries({key: score_value for key in KEYS}),
    }
)


def _expected(org: dict[str, int], responses: list[dict]):
    """The tallies computed in plain Python from what was submitted."""
    counts: Counter = Counter()
    sums: dict = defaultdict(lambda: [0, 0.0, 0.0])
    answers: Counter = Counter()
    for response in responses:
        if response["place"] is None:
            continue
        team, round_key = response["place"]
        cell = (org[team], org[round_key], response["role"] or None)
        counts[cell] += 1
        for key, value in response["scores"].items():
            if value is not None:
                entry = sums[(*cell, key)]
                entry[0] += 1
                entry[1] += value
                entry[2] += value * value
        for item, value in response["answers"].items():
            if value is not None:
                answers[(*cell, item, 0 if value == "na" else value)] += 1

    return (
        dict(counts),
        _in_order(ScoreCell(*key, *entry) for key, entry in sums.items()),
        _in_order(AnswerCell(*key, n) for key, n in answers.items()),
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(responses=st.lists(one_response, max_size=12))
def test_tallies_equal_the_raw_tables_for_any_mix(session_factory, submit, responses):
    with session_factory.begin() as session:
        org = _organisation(session, uuid.uuid4().hex)  # every example has its own
        for response in responses:
            place = response["place"]
            submit(
                session,
                submission_token=uuid.uuid4().hex,
                role=response["role"],
                answers=response["answers"],
                scores={
                    key: (value, "not_enough" if value is None else "ok")
                    for key, value in response["scores"].items()
                },
                **({} if place is None else _attribution(org, *place)),
            )
    expected = _expected(org, responses)
    with session_factory() as session:
        _assert_same_snapshot(_snapshot(session, org["id"]), expected)
    with session_factory.begin() as session:
        rebuild_tallies(session, organisation_id=org["id"])
    with session_factory() as session:
        _assert_same_snapshot(_snapshot(session, org["id"]), expected)


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
                            **_attribution(org),
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
        counted = _snapshot(session, org["id"])
    assert sum(counted[0].values()) == writers * each
    assert counted[0] == {
        (org["a"], org["round1"], "nurse"): writers * 3,
        (org["a"], org["round1"], None): writers * 2,
    }
    with session_factory.begin() as session:
        rebuild_tallies(session, organisation_id=org["id"])
    with session_factory() as session:
        _assert_same_snapshot(_snapshot(session, org["id"]), counted)


def test_rebuilding_while_responses_come_in_counts_each_once(session_factory, submit, org):
    """rebuild_tallies and add_response may run at the same time (an import during a round)."""
    writers, each, rebuilds = 3, 8, 4
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            with session_factory() as session:
                for n in range(each):
                    with session.begin():
                        submit(session, submission_token=f"w{writer}-{n}", **_attribution(org))
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
        counted = _snapshot(session, org["id"])
    assert counted[0] == {(org["a"], org["round1"], "psychologist"): writers * each}
    with session_factory.begin() as session:
        rebuild_tallies(session, organisation_id=org["id"])
    with session_factory() as session:
        _assert_same_snapshot(_snapshot(session, org["id"]), counted)
