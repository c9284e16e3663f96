"""The world of the dashboard's "what changed" tests: North (k = 5) with teams A, B and Tiny, two closed rounds of
the Mood app (Spring, Autumn 2026) and a manager, Mia; `plan_actions` gives it an action plan around the rounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from random import Random

from services.accounts.auth import AccountView
from services.actions import plan
from services.dashboard.view import Filters, dashboard
from tests.support.accounts import staff_account
from tests.support.dashboard_data import Org, make_org, make_round, random_answers, respond

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # both rounds closed (Spring: March, Autumn: September)
HOSTILE = "=1+1 <script>alert(1)</script> **loud** [x](javascript:alert(1))"


@dataclass
class World:
    org: Org
    mia: AccountView


def build(runtime) -> World:
    instrument, rng = runtime.instrument, Random(7)
    with runtime.sessions.begin() as session:
        org = make_org(session, "North", {"A": 10, "B": 10, "Tiny": 6})
        make_round(session, org, "Spring", instrument=instrument)  # 1–22 March 2026
        make_round(session, org, "Autumn", instrument=instrument, weeks=26)  # 30 August – 20 September 2026
        for team, round_name, n in (("A", "Spring", 7), ("B", "Spring", 6), ("A", "Autumn", 6), ("B", "Autumn", 6)):
            for _ in range(n):
                respond(
                    session, instrument, org, team, round_name, random_answers(instrument, rng, lean=rng.choice((2, 4)))
                )
        for _ in range(3):
            respond(session, instrument, org, "Tiny", "Autumn", random_answers(instrument, rng))
    return World(org, staff_account(runtime, "mia", "manager", {org.id: None}))


def plan_actions(runtime, world: World) -> dict[str, int]:
    """Actions by name: `asked` (client autonomy, started in April), `check` (client autonomy, planned in October,
    not started), `suffering` (compassion element 1), `whole` (the intervention as a whole), `team_b` (team B only),
    `dropped` (client autonomy, dropped), `hostile` (technology push, a description that is markup and a formula)."""

    def make(name, target, description, when, **fields):
        made = plan.create_action(
            runtime,
            world.mia,
            world.org.id,
            target=target,
            kind="act",
            description=description,
            now=datetime(2026, *when, 10, 0, tzinfo=UTC),
            **fields,
        )
        return name, made

    made = dict(
        [
            make("asked", "theme:client_autonomy", "Ask clients how they want to use it", (4, 1)),
            make("check", "theme:client_autonomy", "Check in at every team meeting", (10, 5)),
            make("suffering", "element:1", "Ask how clients are really doing", (5, 2)),
            make("whole", None, "Adapt the workflow before scaling", (6, 3)),
            make("team_b", "theme:client_autonomy", "Team B's own pilot", (7, 1), team_ids=[world.org.teams["B"]]),
            make("dropped", "theme:client_autonomy", "An idea we let go", (4, 2)),
            make("hostile", "theme:technology_push", HOSTILE, (11, 2)),
        ]
    )
    plan.change_status(
        runtime, world.mia, made["asked"].id, seen_version=1, status="doing", now=datetime(2026, 4, 15, tzinfo=UTC)
    )
    plan.change_status(
        runtime, world.mia, made["dropped"].id, seen_version=1, status="dropped", now=datetime(2026, 4, 3, tzinfo=UTC)
    )
    return {name: action.id for name, action in made.items()}


def look(runtime, world: World, language: str = "en", **filters):
    return dashboard(runtime, world.mia, Filters(world.org.id, **filters), language=language, now=NOW)
