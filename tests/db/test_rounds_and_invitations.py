"""Repository: survey rounds, their invitation links and drafts started from an invitation;
on a real database. The `org` fixture lives in conftest.py."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from db import (
    InvalidRecord,
    RecordNotFound,
    RoundTeam,
    add_intervention,
    create_draft,
    create_organisation,
    create_respondent,
    create_round,
    create_team,
    find_invitation,
    get_draft,
    list_round_teams,
    list_rounds,
    regenerate_invitation,
)

OPENS = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(days=21)
INSTRUMENT_HASH = "f" * 64


def _round(session, org: dict[str, int], **overrides):
    """create_round for the `org` fixture's organisation, its intervention and team A."""
    fields = {
        "organisation_id": org["id"],
        "intervention_id": org["intervention"],
        "name": "Spring 2026",
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "instrument_hash": INSTRUMENT_HASH,
        "team_ids": [org["a"]],
    }
    fields.update(overrides)
    return create_round(session, **fields)


# --- rounds and invitations ---------------------------------------------------------------


def test_round_invites_each_team_with_its_own_token(session_factory, org) -> None:
    with session_factory.begin() as session:
        survey_round, tokens = _round(session, org, team_ids=[org["a"], org["b"], org["a"]])
    assert set(tokens) == {org["a"], org["b"]}
    assert len(set(tokens.values())) == 2
    with session_factory() as session:
        for team_id, token in tokens.items():
            found_round, team, organisation = find_invitation(session, token=token)
            found = (found_round.id, team.id, organisation.id)
            assert found == (survey_round.id, team_id, org["id"])
            assert (found_round.opens_at, found_round.closes_at) == (OPENS, CLOSES)
            assert found_round.intervention_id == org["intervention"]
            assert found_round.instrument_hash == INSTRUMENT_HASH
        assert [t.name for t in list_round_teams(session, round_id=survey_round.id)] == ["A", "B"]


def test_invitation_tokens_are_unguessable(session, org) -> None:
    tokens: list[str] = []
    with session.begin():
        for n in range(20):
            _, by_team = _round(session, org, team_ids=[org["a"], org["b"]], name=f"R{n}")
            tokens.extend(by_team.values())
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128
        assert token.isascii() and "/" not in token and "+" not in token  # fits in a URL


def test_only_the_token_hash_is_stored(session, org) -> None:
    with session.begin():
        survey_round, tokens = _round(session, org)
    with session.begin():
        stored = session.execute(select(RoundTeam.__table__)).mappings().one()
    token = tokens[org["a"]]
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(value) for value in stored.values()}
    assert stored["round_id"] == survey_round.id


@pytest.mark.parametrize(
    "token",
    ["", "not-a-token", "A" * 32, "f" * 64],  # the last one looks like a stored hash
)
def test_unknown_tokens_find_nothing(session, org, token: str) -> None:
    with session.begin():
        _round(session, org)
    with session.begin():
        assert find_invitation(session, token=token) is None


def test_a_stored_hash_is_not_a_token(session, org) -> None:
    with session.begin():
        _round(session, org)
    with session.begin():
        stored_hash = session.scalar(select(RoundTeam.token_hash))
        assert find_invitation(session, token=stored_hash) is None


def test_regenerated_token_replaces_the_old_one(session_factory, org) -> None:
    with session_factory.begin() as session:
        survey_round, tokens = _round(session, org, team_ids=[org["a"], org["b"]])
    with session_factory.begin() as session:
        new = regenerate_invitation(session, round_id=survey_round.id, team_id=org["a"])
    assert new != tokens[org["a"]]
    with session_factory() as session:
        assert find_invitation(session, token=tokens[org["a"]]) is None
        assert find_invitation(session, token=new)[1].id == org["a"]
        assert find_invitation(session, token=tokens[org["b"]])[1].id == org["b"]  # untouched


def test_regenerating_for_an_uninvited_team_is_refused(session, org) -> None:
    with session.begin():
        survey_round, _ = _round(session, org)
    with pytest.raises(RecordNotFound), session.begin():
        regenerate_invitation(session, round_id=survey_round.id, team_id=org["b"])


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        pytest.param(lambda other: {"team_ids": []}, InvalidRecord, id="no teams"),
        pytest.param(lambda other: {"team_ids": [other["team"]]}, InvalidRecord, id="another org's team"),
        pytest.param(lambda other: {"team_ids": [999]}, InvalidRecord, id="unknown team"),
        pytest.param(lambda other: {"closes_at": OPENS}, InvalidRecord, id="closes as it opens"),
        pytest.param(
            lambda other: {"closes_at": OPENS - timedelta(days=1)},
            InvalidRecord,
            id="closes before it opens",
        ),
        pytest.param(lambda other: {"name": "  "}, InvalidRecord, id="no name"),
        pytest.param(lambda other: {"instrument_hash": ""}, InvalidRecord, id="no instrument"),
        pytest.param(
            lambda other: {"intervention_id": other["intervention"]},
            InvalidRecord,
            id="another org's intervention",
        ),
        pytest.param(lambda other: {"intervention_id": 999}, RecordNotFound, id="unknown intervention"),
        pytest.param(lambda other: {"organisation_id": 999}, RecordNotFound, id="unknown organisation"),
    ],
)
def test_round_refusals(session, org, overrides, error) -> None:
    with session.begin():
        other = create_organisation(session, name="Other")
        other_ids = {
            "team": create_team(session, organisation_id=other.id, name="X").id,
            "intervention": add_intervention(session, name="App", organisation_id=other.id).id,
        }
    with pytest.raises(error), session.begin():
        _round(session, org, **overrides(other_ids))
    with session.begin():
        assert list_rounds(session, organisation_id=org["id"]) == []
        assert session.scalar(select(RoundTeam.id)) is None


def test_round_may_use_an_open_list_intervention(session, org) -> None:
    with session.begin():
        open_app = add_intervention(session, name="Video calls")
        survey_round, _ = _round(session, org, intervention_id=open_app.id, team_ids=[org["b"]])
    assert survey_round.intervention_id == open_app.id


def test_rounds_listed_in_the_order_they_open(session, org) -> None:
    with session.begin():
        for name, weeks in (("Autumn", 30), ("Spring", 0), ("Summer", 15)):
            start = OPENS + timedelta(weeks=weeks)
            _round(
                session,
                org,
                name=name,
                opens_at=start,
                closes_at=start + timedelta(days=14),
            )
        other = create_organisation(session, name="Other")
    with session.begin():
        names = [r.name for r in list_rounds(session, organisation_id=org["id"])]
        assert names == ["Spring", "Summer", "Autumn"]
        assert list_rounds(session, organisation_id=other.id) == []


def test_same_team_cannot_hold_two_links_for_one_round(session, org) -> None:
    with session.begin():
        survey_round, _ = _round(session, org)
    row = {"round_id": survey_round.id, "team_id": org["a"], "token_hash": "0" * 64}
    with pytest.raises(IntegrityError), session.begin():
        session.execute(insert(RoundTeam), [row])


# --- drafts started from an invitation ----------------------------------------------------


def test_draft_keeps_its_attribution(session_factory, org) -> None:
    with session_factory.begin() as session:
        survey_round, _ = _round(session, org)
        respondent = create_respondent(session, code_hash="c" * 64)
        invited_by = {
            "organisation_id": org["id"],
            "team_id": org["a"],
            "round_id": survey_round.id,
        }
        for token, attribution in (("invited", invited_by), ("plain", {})):
            create_draft(
                session,
                token=token,
                respondent_id=respondent.id,
                instrument_hash=INSTRUMENT_HASH,
                language="en",
                intervention="Mood app",
                role=None,
                **attribution,
            )
    with session_factory() as session:
        invited = get_draft(session, token="invited")
        plain = get_draft(session, token="plain")
        assert (invited.organisation_id, invited.team_id, invited.round_id) == (
            org["id"],
            org["a"],
            survey_round.id,
        )
        assert (plain.organisation_id, plain.team_id, plain.round_id) == (None, None, None)
