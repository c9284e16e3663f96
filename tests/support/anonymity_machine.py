"""The anonymity promise over time, as an auditor would test it (run by test_anonymity_over_time.py in
tests/services/dashboard): random sequences of events against the real services on SQLite, and after every
look at the dashboard, everything it ever showed goes to the independent attacker (tests/support/attacker.py),
which knows every respondent and looks for a group under k whose sums follow from what was shown. The membership of each shown figure comes from this test's own model of who
answered what (the scoring core tells which scores a response has), never from the code under test; the
count the dashboard shows for a view is checked against that model, so a wrong model fails loudly.

Events: responses with random "not applicable" answers, through a team's link or in a workshop tied to the
team's open round, a look at a workshop's big screen (its picture goes to the attacker too), a round closing
(the next one opens), erasure of one respondent, a purge by retention, k raised or lowered; after each, a look
at the dashboard with every filter.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from assessment.anonymity import ALL, Selector
from assessment.scoring import score_answers
from db import Account, add_intervention, add_response, create_organisation, create_round, create_team
from db import workshops as db_workshops
from db.organisations import close_round, update_min_group_size
from db.respondents import create_respondent
from db.retention import erase_respondent, purge_before
from questions.model import NOT_APPLICABLE
from services.accounts.auth import AccountView
from services.dashboard import view as dashboard
from services.runtime import build_runtime
from services.settings import Settings
from services.workshop import presenter
from tests.support.attacker import Attacker

ADMIN = AccountView(1, "root", "admin", {})
TEAMS = ("North", "East", "West")
ROLES = ("nurse", None)
ROUND_DAYS = 30


@dataclass
class Person:
    team: int
    round: int
    role: str | None
    families: frozenset[str]  # the figure families this response contributes to
    respondent_id: int
    alive: bool = True
    workshop: int | None = None  # the tied workshop it was given in
    response_id: int = 0


class AnonymityOverTime(RuleBasedStateMachine):
    template: Path
    folder: Path

    @initialize()
    def start(self):
        path = self.folder / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(self.template, path)
        self.rt = build_runtime(Settings(database_url=f"sqlite:///{path}"))
        self.instrument = self.rt.instrument
        self.now = datetime.now(UTC) + timedelta(days=1)
        self.k = 5
        with self.rt.sessions.begin() as session:
            organisation = create_organisation(session, name="Org", min_group_size=self.k, comment_min_group_size=10)
            self.org = organisation.id
            self.teams = [create_team(session, organisation_id=self.org, name=name, size=None).id for name in TEAMS]
            self.intervention = add_intervention(session, name="App", organisation_id=self.org).id
        self.rounds: dict[int, datetime] = {}  # round id -> closes at
        self.frozen: dict[int, set[int]] = {}  # released round -> its people then
        self.people: dict[int, Person] = {}
        self.attacker = Attacker(self.k)
        with self.rt.sessions.begin() as session:
            session.add(Account(id=ADMIN.id, username=ADMIN.username, password_hash=None, role="admin", active=True))
        self.workshops: dict[tuple[int, int], tuple[int, datetime]] = {}  # (team, round) -> tied session, made at
        self.open_round = self._new_round()

    def teardown(self):
        self.rt.engine.dispose()

    def _answered(self, value: int, na_items: set[int]) -> tuple[dict, dict, frozenset[str]]:
        """Every statement answered `value` but those numbered in `na_items` ("not applicable"); the scores;
        the figure families such a response contributes to (this test's own model)."""
        required = list(self.instrument.required_ids)
        answers = {item: (NOT_APPLICABLE if i in na_items else value) for i, item in enumerate(required)}
        scores = score_answers(self.instrument, answers).flat()
        families = frozenset(
            {"count"}
            | {f"score:{key}" for key, (v, _status) in scores.items() if v is not None}
            | {f"item:{item}" for item, a in answers.items() if a != NOT_APPLICABLE}
        )
        return answers, scores, families

    def _new_round(self) -> int:
        with self.rt.sessions.begin() as session:
            survey_round, _ = create_round(
                session,
                organisation_id=self.org,
                intervention_id=self.intervention,
                name=f"R{len(self.rounds)}",
                opens_at=self.now - timedelta(days=1),
                closes_at=self.now + timedelta(days=ROUND_DAYS),
                instrument_hash=self.instrument.content_hash,
                team_ids=self.teams,
            )
        self.rounds[survey_round.id] = self.now + timedelta(days=ROUND_DAYS)
        return survey_round.id

    @rule(
        team=st.integers(0, 2),
        role=st.sampled_from(ROLES),
        value=st.integers(1, 5),
        na_items=st.sets(st.integers(0, 40), max_size=12),
        many=st.integers(1, 4),
    )
    def respond(self, team, role, value, na_items, many):
        answers, scores, families = self._answered(value, na_items)
        with self.rt.sessions.begin() as session:
            for _ in range(many):
                respondent = create_respondent(session, code_hash=uuid.uuid4().hex)
                add_response(
                    session,
                    submission_token=uuid.uuid4().hex,
                    respondent_id=respondent.id,
                    instrument_id=self.instrument.id,
                    instrument_version=self.instrument.version,
                    instrument_hash=self.instrument.content_hash,
                    language="en",
                    intervention="App",
                    role=role,
                    answers=answers,
                    scores=scores,
                    organisation_id=self.org,
                    team_id=self.teams[team],
                    round_id=self.open_round,
                )
                # Keyed by the test's own number: SQLite gives an erased response's id to the next one.
                self.people[len(self.people) + 1] = Person(
                    self.teams[team], self.open_round, role, families, respondent.id
                )

    @rule(
        team=st.integers(0, 2),
        value=st.integers(1, 5),
        na_items=st.sets(st.integers(0, 40), max_size=12),
        many=st.integers(3, 6),
    )
    def answer_in_a_workshop(self, team, value, na_items, many):
        """Participants of a workshop tied to the team's open round answer (their first round counts there)."""
        answers, scores, families = self._answered(value, na_items)
        with self.rt.sessions.begin() as session:
            key = (self.teams[team], self.open_round)
            if key not in self.workshops:
                self.workshops[key] = (
                    db_workshops.add_workshop(
                        session,
                        code=uuid.uuid4().hex[:6].upper(),
                        facilitator_id=ADMIN.id,
                        title="Workshop",
                        intervention="App",
                        instrument_hash=self.instrument.content_hash,
                        language="en",
                        min_group_size=3,
                        participant_cap=1000,
                        status="open",
                        results_visible=True,
                        current_round=1,
                        organisation_id=self.org,
                        team_id=key[0],
                        round_id=key[1],
                        created_at=self.now,
                        expires_at=self.now + timedelta(days=365),
                    ).id,
                    self.now,
                )
            workshop_id = self.workshops[key][0]
            for _ in range(many):
                respondent = create_respondent(session, code_hash=uuid.uuid4().hex)
                response, _ = add_response(
                    session,
                    submission_token=uuid.uuid4().hex,
                    respondent_id=respondent.id,
                    instrument_id=self.instrument.id,
                    instrument_version=self.instrument.version,
                    instrument_hash=self.instrument.content_hash,
                    language="en",
                    intervention="App",
                    role=None,
                    answers=answers,
                    scores=scores,
                    organisation_id=self.org,
                    team_id=key[0],
                    round_id=key[1],
                )
                participant = db_workshops.add_participant(
                    session,
                    workshop_id=workshop_id,
                    device_hash=uuid.uuid4().hex,
                    respondent_id=respondent.id,
                    at=self.now,
                )
                db_workshops.add_entry(
                    session, workshop_id=workshop_id, participant_id=participant.id, round_no=1, response_id=response.id
                )
                self.people[len(self.people) + 1] = Person(
                    key[0], key[1], None, families, respondent.id, workshop=workshop_id, response_id=response.id
                )
        self._look_at_the_screen(workshop_id)  # the big screen is on while people answer

    @precondition(lambda self: bool(self.workshops))
    @rule(data=st.data())
    def look_at_a_workshop_screen(self, data):
        """The big screen of a tied workshop, later: its first round's picture goes to the attacker."""
        self._look_at_the_screen(
            data.draw(st.sampled_from(sorted(workshop_id for workshop_id, _made in self.workshops.values())))
        )

    def _look_at_the_screen(self, workshop_id: int) -> None:
        checkpoint = self.attacker.checkpoint()
        view = presenter.presenter(self.rt, ADMIN, workshop_id, language="en")
        picture, shown = view.pictures[0], view.shown[1]
        # No snapshot (none shown before the round was published on the dashboard): no figures, only the head
        # count the room sees anyway.
        if picture.shown and shown:
            # The picture's members by this test's own model: the first `shown` of the session's people.
            given = sorted(
                (p.response_id, pid) for pid, p in self.people.items() if p.workshop == workshop_id and p.alive
            )[:shown]
            members = [pid for _, pid in given]
            assert picture.n == len(members), (picture.n, len(members))
            for family in {"count"} | shown_families(picture):
                self.attacker.publish(family, {pid for pid in members if family in self.people[pid].families})
        leaks = self.attacker.revealed_small_groups(self.k, since=checkpoint)
        assert leaks == [], f"revealed under k={self.k}: {leaks}"

    @rule()
    def close_round(self):
        self.now += timedelta(days=1)
        with self.rt.sessions.begin() as session:
            close_round(session, round_id=self.open_round, at=self.now)
        self.rounds[self.open_round] = self.now
        self.now += timedelta(seconds=1)
        self.open_round = self._new_round()

    @precondition(lambda self: any(p.alive for p in self.people.values()))
    @rule(data=st.data())
    def erase(self, data):
        alive = sorted(pid for pid, p in self.people.items() if p.alive)
        person = self.people[data.draw(st.sampled_from(alive))]
        with self.rt.sessions.begin() as session:
            erase_respondent(session, respondent_id=person.respondent_id)
        person.alive = False

    @precondition(lambda self: len(self.frozen) >= 1)
    @rule()
    def purge_oldest_released_round(self):
        oldest = min(self.frozen, key=self.rounds.__getitem__)
        cutoff = self.rounds[oldest] + timedelta(seconds=1)
        with self.rt.sessions.begin() as session:
            purge_before(session, cutoff=cutoff)
        # Every response is older than the cut-off (they were made in real time, the rounds close later), so
        # all go except those of released rounds closing after it, which go only with their whole round.
        for person in self.people.values():
            if not (person.round in self.frozen and self.rounds[person.round] >= cutoff):
                person.alive = False
        # Workshops made before the cut-off go, with their entries (responses stay as above).
        for key, (workshop_id, made) in list(self.workshops.items()):
            if made < cutoff:
                del self.workshops[key]
                for person in self.people.values():
                    if person.workshop == workshop_id:
                        person.workshop = None
        for round_id in [r for r, closes in self.rounds.items() if closes < cutoff]:
            self.frozen.pop(round_id, None)  # and the round itself: nothing refers to it any more
            del self.rounds[round_id]

    @rule(k=st.integers(3, 7))
    def change_k(self, k):
        with self.rt.sessions.begin() as session:
            update_min_group_size(session, organisation_id=self.org, min_group_size=k)
        self.k = k

    @invariant()
    def look_at_the_dashboard(self):
        """After every event, every filter (all rounds, each closed round; all roles, each role), as a manager
        clicking through would see it."""
        self.now += timedelta(seconds=1)
        for round_id, closes in self.rounds.items():
            if closes <= self.now and round_id not in self.frozen:
                self.frozen[round_id] = {pid for pid, p in self.people.items() if p.round == round_id and p.alive}
        checkpoint = self.attacker.checkpoint()
        closed = [r for r in self.frozen if self.rounds[r] <= self.now]
        for round_id in [None, *closed]:
            for role in [None, "nurse"]:
                view = dashboard.dashboard(
                    self.rt, ADMIN, dashboard.Filters(self.org, round_id=round_id, role=role), now=self.now
                )
                self._publish(view)
        leaks = self.attacker.revealed_small_groups(self.k, since=checkpoint)
        assert leaks == [], f"revealed under k={self.k}: {leaks}"

    def _members(self, selector: Selector, family: str) -> set[int]:
        return {
            pid
            for round_id, people in self.frozen.items()
            for pid in people
            if (selector.rounds is ALL or round_id in selector.rounds)
            and selector.contains((self.people[pid].team, round_id, self.people[pid].role))
            and family in self.people[pid].families
        }

    def _publish(self, view) -> None:
        def shown(group, figures: dict[str, bool]) -> None:
            if not group.shown:
                return
            members = self._members(group.selector, "count")
            assert group.decision.n == len(members), (group.selector, group.decision.n, len(members))
            self.attacker.publish("count", members)
            for family, present in figures.items():
                if present:
                    self.attacker.publish(family, self._members(group.selector, family))

        shown(
            view.selection,
            {
                **{f"score:{m.theme.key}": m.estimate is not None for m in view.theme_means},
                **{f"score:element:{e.element}": e.estimate is not None for e in view.compassion},
                **{f"item:{d.item_id}": d.distribution.answered > 0 for d in view.likert},
                "score:alignment_index": view.alignment is not None,
            },
        )
        for row in view.heatmap:
            shown(
                row.group,
                {
                    **{f"score:{m.theme.key}": m.estimate is not None for m in row.means},
                    "score:alignment_index": row.alignment is not None,
                },
            )
        for point in view.trends:
            shown(
                point.group,
                {
                    **{f"score:{m.theme.key}": m.estimate is not None for m in point.means},
                    "score:alignment_index": point.alignment is not None,
                },
            )


def shown_families(figures) -> set[str]:
    """The figure families a workshop picture shows."""
    out = {f"score:{m.theme.key}" for m in figures.theme_means if m.estimate is not None}
    out |= {f"score:element:{e.element}" for e in figures.compassion if e.estimate is not None}
    out |= {f"item:{d.item_id}" for d in figures.likert if d.distribution.answered > 0}
    return out | ({"score:alignment_index"} if figures.alignment is not None else set())
