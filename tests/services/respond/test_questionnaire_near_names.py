"""A typed intervention name close to a known one is asked about, not silently made a new intervention."""

import pytest

from services.respond.questionnaire import near_matches, same_name

KNOWN = ["Online CBT module", "Mood-tracking app", "Video consultations", "Online self-help programme"]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Online CBT", ["Online CBT module"]),
        ("online cbt", ["Online CBT module"]),
        ("CBT module", ["Online CBT module"]),
        ("Onlin CBT modle", ["Online CBT module"]),
        ("Mood tracking", ["Mood-tracking app"]),
        ("Video consultation", ["Video consultations"]),
        ("Online CBT module", []),  # the same name: no question
        ("online  cbt MODULE", []),  # differs only in case and spacing: same_name takes it
        ("Blended care platform", []),
        ("Online", ["Online CBT module", "Online self-help programme"]),
        ("", []),
    ],
)
def test_near_matches(typed, expected):
    assert sorted(near_matches(typed, KNOWN)) == sorted(expected)


@pytest.mark.parametrize(
    "typed, expected",
    [("online  cbt MODULE", "Online CBT module"), ("Mood tracking app", "Mood-tracking app"), ("Online CBT", None)],
)
def test_same_name(typed, expected):
    assert same_name(typed, KNOWN) == expected
