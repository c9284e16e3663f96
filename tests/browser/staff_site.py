"""One server for the staff journeys (the manager's in Dutch, the facilitator's in English and Dutch), seeded
through the services: an admin, Zorg Noord with Team A (11 answers in a closed round) and Team B (3 answers,
fewer than k), its manager and a facilitator. Started and seeded once per test process, as the sweep's site is
(sweep.py): the journeys share it, each in its own browser contexts and with its own workshop."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from services.accounts import auth, management
from services.runtime import build_runtime
from services.settings import Settings
from tests.browser.conftest import REPO_ROOT, StreamlitServer

PASSWORD = "correct horse battery"
MANAGER = "mia"
FACILITATOR = "fien"
ORGANISATION = "Zorg Noord"
ROUND = "Voorjaar 2026"
TEAM_ANSWERS = {"Team A": 11, "Team B": 3}


@dataclass(frozen=True)
class StaffSite:
    server: StreamlitServer
    organisation_id: int

    @property
    def url(self) -> str:
        return self.server.url

    def runtime(self):
        """A runtime on the site's database (the test disposes of its engine)."""
        return build_runtime(Settings(DATABASE_URL=self.server.database_url))


_SITE: list[StaffSite] = []


def staff_site(start_app_server) -> StaffSite:
    """The site of this process, started and seeded on first use."""
    if not _SITE:
        _SITE.append(_seed(start_app_server(REPO_ROOT / "app.py")))
    return _SITE[0]


def _seed(server: StreamlitServer) -> StaffSite:
    from tests.support.dashboard_data import make_org, make_round, random_answers, respond

    rt = build_runtime(Settings(DATABASE_URL=server.database_url))
    try:
        admin = auth.create_first_admin(rt, "anna", PASSWORD)
        rng = Random(17)
        with rt.sessions.begin() as session:
            org = make_org(session, ORGANISATION, {"Team A": 14, "Team B": 6})
            make_round(session, org, ROUND, instrument=rt.instrument, intervention="Online cgt-module")
            for team, count in TEAM_ANSWERS.items():
                for number in range(count):
                    # Team A leans low on the match themes: the dashboard has somewhere to start.
                    answers = random_answers(rt.instrument, rng, lean=2 + number % 2)
                    respond(session, rt.instrument, org, team, ROUND, answers)
        for role, username in (("manager", MANAGER), ("facilitator", FACILITATOR)):
            management.create_account(rt, admin, role=role, username=username, password=PASSWORD, scope={org.id: None})
        return StaffSite(server, org.id)
    finally:
        rt.engine.dispose()
