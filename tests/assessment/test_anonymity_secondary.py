"""Which views the secondary suppression withholds: few, the headline views last, and the same from one day
to the next. Every case is also put to the independent attacker of test_anonymity_attacks.py."""

from __future__ import annotations

import pytest

from assessment.anonymity import Population, Selector, publishable
from tests.assessment.test_anonymity_attacks import assert_nothing_small_revealed

K = 5

# The demo organisation (services/data_tools/demo_data.py, `manage.py demo-data`) per team and closed round, all roles
# together. Rounds 1, 3 and 6 are the online CBT module's, 2 and 5 the mood app's, 4 and 7 the video
# consultations'. The peer team Herstelwerkplaats answered in round 5 only, with 4 responses.
DEMO_INTERVENTIONS = {"Online CBT module": {1, 3, 6}, "Mood-tracking app": {2, 5}, "Video consultations": {4, 7}}
DEMO_500_SEED_2 = {
    "Ambulant team Noord": {1: 16, 3: 13, 4: 29, 6: 12, 7: 22},
    "Ambulant team Zuid": {1: 18, 3: 9, 4: 16, 6: 9, 7: 23},
    "FACT team Oost": {1: 9, 2: 7, 5: 7},
    "FACT team West": {1: 10, 2: 7, 5: 5},
    "Kliniek De Linde": {2: 13, 4: 19, 5: 13, 7: 21},
    "Kliniek Het Baken": {3: 23, 5: 14, 6: 15},
    "Crisisdienst Midden": {4: 13, 7: 9},
    "Poli Angst en Stemming": {1: 16, 3: 14, 6: 18},
    "Jeugd en Gezin Rivierenland": {1: 15, 3: 13, 5: 16, 6: 11},
    "Ouderenpsychiatrie De Hoeve": {4: 4, 7: 6},
    "Herstelwerkplaats": {5: 4},
}
DEMO_2000_SEED_1 = {
    "Ambulant team Noord": {1: 65, 3: 71, 4: 71, 6: 78, 7: 60},
    "Ambulant team Zuid": {1: 80, 3: 56, 4: 68, 6: 46, 7: 62},
    "FACT team Oost": {1: 43, 2: 50, 5: 40},
    "FACT team West": {1: 24, 2: 27, 5: 39},
    "Kliniek De Linde": {2: 58, 4: 74, 5: 74, 7: 78},
    "Kliniek Het Baken": {3: 64, 5: 64, 6: 64},
    "Crisisdienst Midden": {4: 46, 7: 42},
    "Poli Angst en Stemming": {1: 47, 3: 62, 6: 65},
    "Jeugd en Gezin Rivierenland": {1: 52, 3: 57, 5: 55, 6: 45},
    "Ouderenpsychiatrie De Hoeve": {4: 26, 7: 22},
    "Herstelwerkplaats": {5: 4},
}
# The part of it that still shows the problem: the peer team's partner in the overview (the smallest team)
# then needs a partner of its own in the video consultations, and the peer team one in round 5.
DEMO_CORE = {
    "Crisisdienst Midden": {4: 46, 7: 42},
    "Jeugd en Gezin Rivierenland": {5: 55, 6: 45},
    "Ouderenpsychiatrie De Hoeve": {4: 26, 7: 22},
    "Herstelwerkplaats": {5: 4},
}


def by_team_and_round(table: dict[str, dict[int, int]]) -> Population:
    return Population({(team, round_, None): n for team, rounds in table.items() for round_, n in rounds.items()})


def withheld_teams(population: Population, decisions) -> list:
    """The teams whose all-rounds, all-roles view (the dashboard's overview) is withheld."""
    return [team for team in population.teams if decisions[Selector(team)].withheld]


# --- fewer large teams withheld -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table, interventions, most",
    [
        (DEMO_500_SEED_2, DEMO_INTERVENTIONS, 1),  # before: FACT team West, Crisisdienst Midden, De Hoeve
        (DEMO_2000_SEED_1, DEMO_INTERVENTIONS, 1),  # before: FACT team West, Crisisdienst Midden, De Hoeve
        (DEMO_CORE, DEMO_INTERVENTIONS, 1),  # before: all three
    ],
    ids=["demo-500-seed-2", "demo-2000-seed-1", "demo-core"],
)
def test_one_small_team_withholds_at_most_one_large_team_in_the_overview(table, interventions, most):
    population = by_team_and_round(table)
    decisions, _ = assert_nothing_small_revealed(population, K, interventions)
    large = [team for team in withheld_teams(population, decisions) if population.n(Selector(team)) >= K]
    assert len(large) <= most, large
    assert "Herstelwerkplaats" in withheld_teams(population, decisions)
    assert decisions[Selector()].shown


# --- the same choice from one day to the next -----------------------------------------------------------


@pytest.mark.parametrize(
    "table, interventions, cell",
    [
        # before: FACT team West withheld; with one response more there, FACT team Oost instead
        (DEMO_500_SEED_2, DEMO_INTERVENTIONS, ("FACT team West", 1, None)),
        # before: T2 withheld; with one response more in T2's round 2, T0 and T1 instead
        (
            {"S": {3: 3}, "T0": {1: 13}, "T1": {2: 17}, "T2": {1: 4, 2: 8}, "T3": {1: 11, 3: 29}},
            {"I": {2, 3}},
            ("T2", 2, None),
        ),
        # before: T2 shown; with one response more in T0's round 2, withheld as well
        ({"S": {3: 3}, "T0": {2: 30, 3: 8}, "T1": {1: 3, 2: 1}, "T2": {2: 30}}, {}, ("T0", 2, None)),
    ],
    ids=["demo-500-seed-2", "a-partner-for-a-small-cell", "two-large-teams"],
)
def test_one_more_response_in_a_large_group_withholds_the_same_teams(table, interventions, cell):
    population = by_team_and_round(table)
    assert population.counts[cell] >= K
    one_more = Population({**population.counts, cell: population.counts[cell] + 1})
    before = publishable(population, K, interventions)
    after, _ = assert_nothing_small_revealed(one_more, K, interventions)
    assert withheld_teams(one_more, after) == withheld_teams(population, before)
    assert {s for s, d in after.items() if d.withheld} == {s for s, d in before.items() if d.withheld}
