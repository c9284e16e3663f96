"""Repository: organisations, teams, survey rounds and their invitation links, per-organisation
interventions; on a real database."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from db import (
    DuplicateName,
    GroupSizeTooSmall,
    Intervention,
    InvalidRecord,
    Organisation,
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
    get_organisation,
    list_interventions,
    list_organisation_interventions,
    list_organisations,
    list_round_teams,
    list_rounds,
    list_teams,
    regenerate_invitation,
    set_team_size,
    update_min_group_size,
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


@pytest.fixture
def org(session_factory):
    """An organisation with teams A and B and its own intervention; ids in a dict."""
    with session_factory.begin() as session:
        organisation = create_organisation(session, name="Zorggroep Noord")
        team_a = create_team(session, organisation_id=organisation.id, name="A", size=12)
        team_b = create_team(session, organisation_id=organisation.id, name="B")
        app = add_intervention(session, name="Mood app", organisation_id=organisation.id)
        return {"id": organisation.id, "a": team_a.id, "b": team_b.id, "intervention": app.id}


# --- organisations ------------------------------------------------------------------------


def test_new_organisation_has_default_group_sizes(session_factory) -> None:
    with session_factory.begin() as session:
        created = create_organisation(session, name="  Zorggroep Noord ")
    with session_factory() as session:
        stored = get_organisation(session, organisation_id=created.id)
        assert (stored.name, stored.min_group_size, stored.comment_min_group_size) == (
            "Zorggroep Noord",
            5,
            10,
        )
        assert stored.created_at.tzinfo is not None
        assert get_organisation(session, organisation_id=created.id + 1) is None


@pytest.mark.parametrize(
    ("min_group_size", "comment_min_group_size", "accepted"),
    [
        (3, 3, True),  # the floor itself
        (3, 10, True),
        (12, 20, True),
        (2, 10, False),  # below the floor
        (0, 10, False),
        (-5, 10, False),
        (8, 7, False),  # comments need at least as many as aggregates
    ],
)
def test_group_sizes_are_checked(
    session_factory, min_group_size: int, comment_min_group_size: int, accepted: bool
) -> None:
    def create() -> None:
        with session_factory.begin() as session:
            create_organisation(
                session,
                name="Org",
                min_group_size=min_group_size,
                comment_min_group_size=comment_min_group_size,
            )

    if accepted:
        create()
    else:
        with pytest.raises(GroupSizeTooSmall):
            create()
    with session_factory() as session:
        assert len(list_organisations(session)) == (1 if accepted else 0)


@pytest.mark.parametrize(
    ("min_group_size", "comment_min_group_size"),
    [(2, None), (2, 10), (11, None), (6, 5)],
)
def test_refused_group_size_update_keeps_the_old_one(
    session_factory, min_group_size, comment_min_group_size
) -> None:
    with session_factory.begin() as session:
        organisation = create_organisation(session, name="Org")
    with pytest.raises(GroupSizeTooSmall), session_factory.begin() as session:
        update_min_group_size(
            session,
            organisation_id=organisation.id,
            min_group_size=min_group_size,
            comment_min_group_size=comment_min_group_size,
        )
    with session_factory() as session:
        stored = get_organisation(session, organisation_id=organisation.id)
        assert (stored.min_group_size, stored.comment_min_group_size) == (5, 10)


def test_group_size_update(session_factory) -> None:
    with session_factory.begin() as session:
        organisation = create_organisation(session, name="Org")
    with session_factory.begin() as session:
        update_min_group_size(session, organisation_id=organisation.id, min_group_size=8)
    with session_factory.begin() as session:
        update_min_group_size(
            session, organisation_id=organisation.id, min_group_size=3, comment_min_group_size=4
        )
    with session_factory() as session:
        stored = get_organisation(session, organisation_id=organisation.id)
        assert (stored.min_group_size, stored.comment_min_group_size) == (3, 4)
    with pytest.raises(RecordNotFound), session_factory.begin() as session:
        update_min_group_size(session, organisation_id=999, min_group_size=5)


@pytest.mark.parametrize(
    "values",
    [
        {"min_group_size": 2, "comment_min_group_size": 10},
        {"min_group_size": 5, "comment_min_group_size": 4},
    ],
)
def test_database_refuses_small_groups_even_past_the_repository(session, values) -> None:
    row = {"name": "Sneaky", "created_at": datetime.now(UTC), **values}
    with pytest.raises(IntegrityError), session.begin():
        session.execute(insert(Organisation), [row])


def test_duplicate_organisation_name_is_refused_and_the_transaction_goes_on(session) -> None:
    with session.begin():
        create_organisation(session, name="Org")
    with session.begin():
        with pytest.raises(DuplicateName, match="Org"):
            create_organisation(session, name="Org")
        create_organisation(session, name="Other org")  # still usable
    with session.begin():
        assert [o.name for o in list_organisations(session)] == ["Org", "Other org"]


def test_organisations_listed_by_name_optionally_only_some(session) -> None:
    with session.begin():
        ids = {
            name: create_organisation(session, name=name).id for name in ("Zeta", "Alpha", "Mid")
        }
    with session.begin():
        assert [o.name for o in list_organisations(session)] == ["Alpha", "Mid", "Zeta"]
        chosen = list_organisations(session, ids=[ids["Zeta"], ids["Alpha"], 999])
        assert [o.name for o in chosen] == ["Alpha", "Zeta"]
        assert list_organisations(session, ids=[]) == []


@pytest.mark.parametrize("name", ["", "   "])
def test_organisation_needs_a_name(session, name: str) -> None:
    with pytest.raises(InvalidRecord), session.begin():
        create_organisation(session, name=name)


# --- teams --------------------------------------------------------------------------------


def test_teams_are_listed_per_organisation_by_name(session, org) -> None:
    with session.begin():
        other = create_organisation(session, name="Other")
        create_team(session, organisation_id=other.id, name="A")  # same name, other org
        create_team(session, organisation_id=org["id"], name="0 night shift")
    with session.begin():
        teams = list_teams(session, organisation_id=org["id"])
        expected = [("0 night shift", None), ("A", 12), ("B", None)]
        assert [(t.name, t.size) for t in teams] == expected
        assert [t.name for t in list_teams(session, organisation_id=other.id)] == ["A"]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"name": "A"}, DuplicateName),
        ({"name": " "}, InvalidRecord),
        ({"size": 0}, InvalidRecord),
        ({"organisation_id": 999}, RecordNotFound),
    ],
)
def test_team_refusals(session, org, overrides, error) -> None:
    fields = {"organisation_id": org["id"], "name": "C", "size": None, **overrides}
    with pytest.raises(error), session.begin():
        create_team(session, **fields)
    with session.begin():
        assert [t.name for t in list_teams(session, organisation_id=org["id"])] == ["A", "B"]


def test_team_size_can_be_set_and_forgotten(session, org) -> None:
    with session.begin():
        set_team_size(session, team_id=org["b"], size=7)
        set_team_size(session, team_id=org["a"], size=None)
    with session.begin():
        sizes = {t.name: t.size for t in list_teams(session, organisation_id=org["id"])}
        assert sizes == {"A": None, "B": 7}
    with pytest.raises(InvalidRecord), session.begin():
        set_team_size(session, team_id=org["a"], size=-1)
    with pytest.raises(RecordNotFound), session.begin():
        set_team_size(session, team_id=999, size=3)


# --- interventions per organisation -------------------------------------------------------


def test_intervention_names_are_unique_per_list(session, org) -> None:
    with session.begin():
        other = create_organisation(session, name="Other")
        open_one = add_intervention(session, name="Mood app")
        others = add_intervention(session, name="Mood app", organisation_id=other.id)
        again = add_intervention(session, name=" Mood app", organisation_id=org["id"])
    assert again.id == org["intervention"]
    assert len({open_one.id, others.id, org["intervention"]}) == 3
    with session.begin():
        assert list_interventions(session) == ["Mood app"]  # the open list only
        assert list_interventions(session, organisation_id=org["id"]) == ["Mood app"]
        assert add_intervention(session, name="Mood app").id == open_one.id


def test_organisation_interventions_as_rows(session, org) -> None:
    with session.begin():
        add_intervention(session, name="Open one")
        add_intervention(session, name="beeldbellen", organisation_id=org["id"])
        add_intervention(session, name="Old", organisation_id=org["id"]).active = False
    with session.begin():
        rows = list_organisation_interventions(session, organisation_id=org["id"])
        assert [r.name for r in rows] == ["beeldbellen", "Mood app"]
        assert org["intervention"] in {r.id for r in rows}
        every = list_organisation_interventions(
            session, organisation_id=org["id"], active_only=False
        )
        assert [r.name for r in every] == ["beeldbellen", "Mood app", "Old"]
        assert list_interventions(session, active_only=False) == ["Open one"]


def test_open_list_names_stay_unique_in_the_database(session) -> None:
    """UNIQUE(organisation_id, name) alone would let two NULL-organisation rows share a name."""
    with session.begin():
        add_intervention(session, name="Mood app")
    row = {"name": "Mood app", "active": True, "created_at": datetime.now(UTC)}
    with pytest.raises(IntegrityError), session.begin():
        session.execute(insert(Intervention), [row])


def test_organisation_names_stay_unique_in_the_database(session, org) -> None:
    row = {
        "name": "Mood app",
        "organisation_id": org["id"],
        "active": True,
        "created_at": datetime.now(UTC),
    }
    with pytest.raises(IntegrityError), session.begin():
        session.execute(insert(Intervention), [row])


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
        pytest.param(
            lambda other: {"team_ids": [other["team"]]}, InvalidRecord, id="another org's team"
        ),
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
        pytest.param(
            lambda other: {"intervention_id": 999}, RecordNotFound, id="unknown intervention"
        ),
        pytest.param(
            lambda other: {"organisation_id": 999}, RecordNotFound, id="unknown organisation"
        ),
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
