"""Two first looks at a newly closed round at once (two managers, two servers): the round is frozen once and
one release is recorded; the second look waits for the first and then uses what it recorded."""

from __future__ import annotations

from random import Random

from sqlalchemy import func, select

from db.release_models import Release, ReleasedRound
from services.dashboard import release as dashboard_release
from services.dashboard.view import Filters, dashboard
from tests.support.dashboard_data import ADMIN, make_org, make_round, random_answers, respond
from tests.support.overlap import hold_first_call, in_background


def test_two_first_looks_at_once_freeze_the_round_once(runtime, monkeypatch):
    rng = Random(4)
    with runtime.sessions.begin() as session:
        org = make_org(session, "Both", {"A": None, "B": None})
        make_round(session, org, "R", instrument=runtime.instrument)
        for team, n in (("A", 6), ("B", 7)):
            for _ in range(n):
                respond(session, runtime.instrument, org, team, "R", random_answers(runtime.instrument, rng), "nurse")
    first_is_held, other_done = hold_first_call(monkeypatch, dashboard_release, "freeze_rounds")
    first = in_background(lambda: dashboard(runtime, ADMIN, Filters(org.id)))
    assert first_is_held.wait(timeout=30)
    second = dashboard(runtime, ADMIN, Filters(org.id))
    other_done.set()
    view = first()
    assert view.selection.decision == second.selection.decision and view.selection.decision.n == 13
    with runtime.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(ReleasedRound)) == 1
        assert session.scalar(select(func.count()).select_from(Release)) == 1
