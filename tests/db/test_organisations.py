"""Repository: organisations, their teams and per-organisation interventions; on a real
database. Rounds and invitation links: test_rounds_and_invitations.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from db import (
    DuplicateName,
    GroupSizeTooSmall,
    Intervention,
    InvalidRecord,
    Organisation,
    RecordNotFound,
    add_intervention,
    create_organisation,
    create_team,
    get_organisation,
    list_interventions,
    list_organisation_interventions,
    list_organisations,
    list_teams,
    set_team_size,
    update_min_group_size,
)

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
def test_refused_group_size_update_keeps_the_old_one(session_factory, min_group_size, comment_min_group_size) -> None:
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
        update_min_group_size(session, organisation_id=organisation.id, min_group_size=3, comment_min_group_size=4)
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
        ids = {name: create_organisation(session, name=name).id for name in ("Zeta", "Alpha", "Mid")}
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
        every = list_organisation_interventions(session, organisation_id=org["id"], active_only=False)
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
