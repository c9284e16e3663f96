"""A reproducible demo organisation (`manage.py demo-data`): teams, interventions, closed survey rounds
over the past 18 months and one open round, and N scored responses with plausible answers.

Same seed, same organisation and answers (only the submission tokens and the dates, which count back
from `now`, differ). Answers are drawn by services/data_tools/demo_model.py, scored by the real scoring core and
stored in ONE transaction through db/bulk.py, with the tallies summed on the way: a failure or an
interrupt leaves nothing behind. Drawing and scoring run in a worker process beside the writer when
there are many responses. Nothing here prints; progress goes to a callback.
"""

from __future__ import annotations

import os
import secrets
import sys
import types
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context

import numpy as np
from sqlalchemy import select

from assessment import score_answers
from db import add_intervention, bulk, create_organisation, create_round, create_team
from db.org_models import Organisation
from questions import Instrument, load_banks
from services.data_tools.demo_model import (
    FACTORS,
    SIDE_SIGN,
    AnswerModel,
    draw_chunk,
    factor_of,
)
from services.errors import InvalidInput
from services.runtime import Runtime

MIN_RESPONSES, MAX_RESPONSES = 1, 2_000_000
DEFAULT_ORGANISATION = "GGZ Rivierenland (demo)"
SMALL_TEAM_RESPONSES = 4  # below k = 5: shows how a small group is withheld
CHUNK = 2000  # responses per draw and per write
LANGUAGE = "nl"  # a Dutch organisation
PARALLEL_FROM = 20_000  # fewer responses are drawn in-process (a worker takes ~1 s to start)
Progress = Callable[[int, int], None]

# team: (headcount at about 1,000 responses, kind, participation, attitudes per factor)
TEAMS: dict[str, tuple[int, str, float, dict[str, float]]] = {
    "Ambulant team Noord": (34, "outpatient", 0.75, {"autonomy": 0.3}),
    "Ambulant team Zuid": (30, "outpatient", 0.7, {"finance": 0.6, "values": -0.2}),
    "FACT team Oost": (16, "fact", 0.85, {"autonomy": 0.4, "compassion": 0.3}),
    "FACT team West": (15, "fact", 0.8, {"push": 0.2}),
    "Kliniek De Linde": (42, "clinic", 0.6, {"push": 0.7, "autonomy": -0.4}),
    "Kliniek Het Baken": (36, "clinic", 0.65, {"finance": 0.3, "push": 0.3}),
    "Crisisdienst Midden": (20, "crisis", 0.7, {"push": 0.5, "needs": -0.3, "compassion": -0.2}),
    "Poli Angst en Stemming": (25, "outpatient", 0.8, {"needs": 0.4, "autonomy": 0.2}),
    "Jeugd en Gezin Rivierenland": (28, "outpatient", 0.7, {"autonomy": 0.2, "values": 0.2}),
    "Ouderenpsychiatrie De Hoeve": (18, "clinic", 0.4, {"push": 0.4, "needs": -0.3}),
    "Herstelwerkplaats": (7, "peer", 0.6, {"autonomy": 0.3, "compassion": 0.4}),
}
SMALL_TEAM = "Herstelwerkplaats"
ROLE_MIX: dict[str, dict[str | None, float]] = {
    "outpatient": {
        "psychologist": 0.35,
        "psychotherapist": 0.15,
        "nurse": 0.2,
        "psychiatrist": 0.08,
        "social_worker": 0.1,
        "manager": 0.05,
        "other": 0.03,
        None: 0.04,
    },
    "fact": {
        "nurse": 0.3,
        "social_worker": 0.2,
        "psychiatrist": 0.1,
        "psychologist": 0.15,
        "peer_support_worker": 0.12,
        "manager": 0.05,
        "other": 0.04,
        None: 0.04,
    },
    "clinic": {
        "nurse": 0.5,
        "psychiatrist": 0.08,
        "psychologist": 0.12,
        "social_worker": 0.08,
        "peer_support_worker": 0.06,
        "manager": 0.06,
        "other": 0.06,
        None: 0.04,
    },
    "crisis": {
        "nurse": 0.45,
        "psychiatrist": 0.2,
        "psychologist": 0.15,
        "social_worker": 0.1,
        "manager": 0.05,
        None: 0.05,
    },
    "peer": {"peer_support_worker": 0.75, "social_worker": 0.15, None: 0.1},
}
ROLE_SHIFT = {
    "manager": {"finance": -0.4, "push": -0.3, "autonomy": 0.2},
    "psychiatrist": {"needs": 0.2},
    "peer_support_worker": {"autonomy": -0.2, "compassion": 0.2},
    "nurse": {"push": 0.1},
    "psychologist": {"values": 0.1},
}
INTERVENTIONS = {  # intervention: attitude per factor
    "Online CBT module": {"autonomy": 0.3, "needs": 0.6, "finance": 0.2, "push": 0.1, "values": 0.3, "compassion": 0.1},
    "Mood-tracking app": {"autonomy": 0.6, "needs": 0.1, "finance": -0.3, "push": 0.4, "values": 0.2},
    "Video consultations": {"autonomy": -0.1, "needs": 0.2, "finance": 0.7, "push": 0.3, "compassion": -0.3},
}
TREND_PER_ROUND = {"push": -0.15, "finance": -0.1, "autonomy": 0.1}  # later rounds of an intervention
_OUTPATIENT = ["Ambulant team Noord", "Ambulant team Zuid", "Poli Angst en Stemming", "Jeugd en Gezin Rivierenland"]
_MOOD = ["FACT team Oost", "FACT team West", "Kliniek De Linde", "Kliniek Het Baken", "Jeugd en Gezin Rivierenland"]
_VIDEO = [
    "Crisisdienst Midden",
    "Ouderenpsychiatrie De Hoeve",
    "Ambulant team Noord",
    "Ambulant team Zuid",
    "Kliniek De Linde",
]
# round: (intervention, weeks ago it opened, weeks open, teams); the last one is still open.
ROUNDS = [
    ("Online CBT: baseline", "Online CBT module", 78, 4, [*_OUTPATIENT, "FACT team Oost", "FACT team West"]),
    ("Mood app: pilot", "Mood-tracking app", 68, 4, _MOOD[:3]),
    ("Online CBT: six months", "Online CBT module", 52, 4, [*_OUTPATIENT, "Kliniek Het Baken"]),
    ("Video consultations: first round", "Video consultations", 43, 5, _VIDEO),
    ("Mood app: roll-out", "Mood-tracking app", 30, 4, [*_MOOD, SMALL_TEAM]),
    ("Online CBT: one year", "Online CBT module", 17, 4, [*_OUTPATIENT, "Kliniek Het Baken"]),
    ("Video consultations: follow-up", "Video consultations", 6, 4, _VIDEO),
    ("Mood app: one year", "Mood-tracking app", 1, 4, _MOOD),
]


@dataclass(frozen=True)
class DemoSummary:
    organisation_id: int
    organisation: str
    teams: int
    interventions: int
    closed_rounds: int
    open_rounds: int
    responses: int
    small_team: str
    small_round: str
    small_responses: int


def create_demo_organisation(
    rt: Runtime,
    *,
    responses: int,
    seed: int = 1,
    organisation: str = DEFAULT_ORGANISATION,
    progress: Progress | None = None,
    workers: int | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Create the demo organisation with `responses` scored responses, all or nothing.

    InvalidInput for a count outside 1..2,000,000 or an organisation name that is taken.
    `workers`: processes drawing and scoring beside the writer (None: one when there are many).
    """
    if (
        isinstance(responses, bool)
        or not isinstance(responses, int)
        or not (MIN_RESPONSES <= responses <= MAX_RESPONSES)
    ):
        raise InvalidInput(f"the number of responses must be {MIN_RESPONSES} to {MAX_RESPONSES:,}, not {responses}")
    organisation = " ".join(organisation.split())
    if not organisation:
        raise InvalidInput("the demo organisation needs a name")
    now = now or datetime.now(UTC)
    instrument = rt.instrument
    rng = np.random.default_rng(seed)
    with rt.sessions.begin() as session:
        if session.scalar(select(Organisation.id).where(Organisation.name == organisation)) is not None:
            raise InvalidInput(
                f"an organisation named '{organisation}' already exists; choose another name with --organisation"
            )
        org = create_organisation(session, name=organisation)
        counts, sizes = _allocate(rng, responses)
        team_ids = {
            name: create_team(session, organisation_id=org.id, name=name, size=sizes[name]).id for name in TEAMS
        }
        intervention_ids = {
            name: add_intervention(session, name=name, organisation_id=org.id).id for name in INTERVENTIONS
        }
        groups = []  # (team name, round, intervention name) per invited team of a round
        for name, intervention, weeks_ago, weeks_open, teams in ROUNDS:
            opens = now - timedelta(weeks=weeks_ago)
            survey_round, _tokens = create_round(
                session,
                organisation_id=org.id,
                intervention_id=intervention_ids[intervention],
                name=name,
                opens_at=opens,
                closes_at=opens + timedelta(weeks=weeks_open),
                instrument_hash=instrument.content_hash,
                team_ids=[team_ids[t] for t in teams],
            )
            groups += [(t, survey_round, intervention) for t in teams]
        model, group_of, role_of = _plan(rng, instrument, groups, counts, now)
        roles = [r.id for r in instrument.roles] + [None]
        tallies = bulk.TallySums()
        done = 0
        for chunk_groups, chunk_roles, (answers, scores, times) in _drawn(rt, model, seed, group_of, role_of, workers):
            batch = []
            for given, scored, when, g, r in zip(answers, scores, times, chunk_groups, chunk_roles):
                team, survey_round, intervention = groups[g]
                batch.append(
                    bulk.NewResponse(
                        secrets.token_hex(32),
                        instrument.id,
                        instrument.version,
                        instrument.content_hash,
                        LANGUAGE,
                        intervention,
                        roles[r],
                        org.id,
                        team_ids[team],
                        survey_round.id,
                        given,
                        scored,
                        datetime.fromtimestamp(when, UTC),
                    )
                )
            bulk.insert_responses(session, responses=batch, tallies=tallies)
            done += len(batch)
            if progress:
                progress(done, responses)
        bulk.add_tallies(session, tallies=tallies)
    small_round = next(name for name, *_rest, teams in ROUNDS if SMALL_TEAM in teams)
    return DemoSummary(
        org.id,
        org.name,
        len(TEAMS),
        len(INTERVENTIONS),
        len(ROUNDS) - 1,
        1,
        responses,
        SMALL_TEAM,
        small_round,
        min(SMALL_TEAM_RESPONSES, responses),
    )


# --- the plan ---------------------------------------------------------------------------------


def _allocate(rng: np.random.Generator, responses: int) -> tuple[list[int], dict[str, int]]:
    """Responses per invited team of each round (in ROUNDS order) and the teams' headcounts.

    Headcounts grow with the number of responses, so participation stays plausible at any size.
    """
    invited = [(team, index) for index, (*_r, teams) in enumerate(ROUNDS) for team in teams]
    small = min(SMALL_TEAM_RESPONSES, responses)
    weights = np.array(
        [
            0.0
            if team == SMALL_TEAM
            else TEAMS[team][0]
            * min(0.95, TEAMS[team][2] * rng.uniform(0.85, 1.15))
            * (0.5 if index == len(ROUNDS) - 1 else 1.0)  # the open round is half-way
            for team, index in invited
        ]
    )
    scale = max(1.0, (responses - small) / weights.sum())
    counts = rng.multinomial(responses - small, weights / weights.sum()).tolist()
    counts[next(i for i, (team, _index) in enumerate(invited) if team == SMALL_TEAM)] = small
    sizes = {team: size if team == SMALL_TEAM else int(np.ceil(size * scale)) for team, (size, *_rest) in TEAMS.items()}
    return counts, sizes


def _plan(
    rng: np.random.Generator, instrument: Instrument, groups: list, counts: list[int], now: datetime
) -> tuple[AnswerModel, np.ndarray, np.ndarray]:
    """The answer model and, per response, its group (invited team of a round) and role index."""
    factor = [factor_of(d.id, d.side) for d in instrument.domains]
    bias = {
        (team, intervention, f): rng.normal(0, 0.2) for team in TEAMS for intervention in INTERVENTIONS for f in FACTORS
    }
    seen: dict[str, list[int]] = {}
    mu = np.zeros((len(groups), len(factor)))
    for g, (team, survey_round, intervention) in enumerate(groups):
        rounds_of = seen.setdefault(intervention, [])
        if survey_round.id not in rounds_of:
            rounds_of.append(survey_round.id)
        later = rounds_of.index(survey_round.id)
        for d, f in enumerate(factor):
            mu[g, d] = (
                INTERVENTIONS[intervention].get(f, 0.0)
                + TEAMS[team][3].get(f, 0.0)
                + bias[team, intervention, f]
                + later * TREND_PER_ROUND.get(f, 0.0)
                + rng.normal(0, 0.05)
            )
    roles = [r.id for r in instrument.roles] + [None]
    role_shift = np.array([[ROLE_SHIFT.get(role or "", {}).get(f, 0.0) for f in factor] for role in roles])
    role_of = []
    for (team, _round, _intervention), count in zip(groups, counts):
        mix = {role: share for role, share in ROLE_MIX[TEAMS[team][1]].items() if role in roles}
        shares = np.array(list(mix.values()))
        picked = rng.choice(len(mix), size=count, p=shares / shares.sum())
        role_of.append(np.array([roles.index(role) for role in mix], dtype=int)[picked])
    domain_index = {d.id: i for i, d in enumerate(instrument.domains)}
    model = AnswerModel(
        question_ids=instrument.question_ids,
        item_ids=tuple(i.id for i in instrument.items),
        item_domain=np.array([domain_index[i.domain] for i in instrument.items], dtype=int),
        item_reverse=np.array([i.reverse for i in instrument.items], dtype=bool),
        pair_ids=tuple((p.importance.id, p.support.id) for p in instrument.value_pairs),
        pair_domain=np.array([domain_index[p.domain] for p in instrument.value_pairs], dtype=int),
        side_sign=np.array([SIDE_SIGN[d.side] for d in instrument.domains]),
        mu=mu,
        role_shift=role_shift,
        opens=np.array([r.opens_at.timestamp() for _t, r, _i in groups]),
        span=np.array([(min(r.closes_at, now) - r.opens_at).total_seconds() for _t, r, _i in groups]),
        scale_min=instrument.scale.min,
        scale_max=instrument.scale.max,
    )
    group_of = np.repeat(np.arange(len(groups)), counts)
    return model, group_of, np.concatenate(role_of) if role_of else np.zeros(0, dtype=int)


# --- drawing and scoring, in-process or in a worker beside the writer -------------------------

_worker: tuple[AnswerModel, Instrument] | None = None


def _start_worker(model: AnswerModel, banks_dir: str, content_hash: str) -> None:
    global _worker
    _worker = (model, load_banks(banks_dir)[content_hash])


def _draw_and_score(
    task: tuple[int, int, np.ndarray, np.ndarray], state: tuple[AnswerModel, Instrument] | None = None
) -> tuple[list, list, list]:
    state = state or _worker
    if state is None:
        raise RuntimeError("no model: pass state, or start the worker with _start_worker")
    model, instrument = state
    answers, times = draw_chunk(model, *task)
    return answers, [score_answers(instrument, given).flat() for given in answers], times


@contextmanager
def _main_without_file() -> Iterator[None]:
    """A spawned worker runs the parent's __main__ file again before it starts. The workers need nothing
    from it, and when the parent is not manage.py (a benchmark, a test that ran a page) that file may be a
    Streamlit page; with a main module that has no file, the workers import only what they use."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _drawn(
    rt: Runtime, model: AnswerModel, seed: int, group_of: np.ndarray, role_of: np.ndarray, workers: int | None
) -> Iterator[tuple[np.ndarray, np.ndarray, tuple[list, list, list]]]:
    """Per chunk, in order: its groups, roles, and (answers, scores, answer times)."""
    tasks = [
        (seed, number, group_of[start : start + CHUNK], role_of[start : start + CHUNK])
        for number, start in enumerate(range(0, len(group_of), CHUNK))
    ]
    if workers is None:
        workers = 1 if len(group_of) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 else 0
    if workers <= 0:
        for task in tasks:
            yield task[2], task[3], _draw_and_score(task, (model, rt.instrument))
        return
    # spawn, not fork: the parent holds an open database connection and a transaction.
    with (
        _main_without_file(),
        ProcessPoolExecutor(
            workers,
            mp_context=get_context("spawn"),
            initializer=_start_worker,
            initargs=(model, str(rt.settings.question_banks_dir), rt.instrument.content_hash),
        ) as pool,
    ):
        pending: deque = deque()
        queue = iter(tasks)
        for task in queue:
            pending.append((task, pool.submit(_draw_and_score, task)))
            if len(pending) > 2 * workers:  # a few chunks ahead of the writer, not all in memory
                done, future = pending.popleft()
                yield done[2], done[3], future.result()
        while pending:
            done, future = pending.popleft()
            yield done[2], done[3], future.result()
