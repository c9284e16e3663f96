"""Submission latency with concurrent writer processes, as app servers in production write.

An organisation with four teams and a round open now; each writer process takes one team's invitation
link (writer i: team i mod 4), starts its drafts and saves every answer (untimed), waits until every
writer is ready, then submits its drafts one after another and times each `submit`. The baseline writes
the same rows (response, answers, scores and the tally upserts of the team's cell) with bare SQLAlchemy
core, one transaction per response, from as many processes started the same way.
"""

from __future__ import annotations

import multiprocessing
import random
import secrets
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

from benchmarks.production_data import runtime_for
from benchmarks.timing import Summary

TEAMS = 4
WARMUP = 2  # untimed submissions per writer before the start signal (connections, caches)
START_TIMEOUT = 600  # seconds for every writer to get ready


def prepare_organisation(url: str) -> list[str]:
    """A migrated database with an organisation, its teams and an open round; the invitation tokens."""
    from db import add_intervention, create_organisation, create_round, create_team

    rt = runtime_for(url)
    try:
        now = datetime.now(UTC)
        with rt.sessions.begin() as session:
            org = create_organisation(session, name="Submission benchmark")
            teams = [
                create_team(session, organisation_id=org.id, name=f"Team {n + 1}", size=100).id for n in range(TEAMS)
            ]
            intervention = add_intervention(session, name="Online CBT module", organisation_id=org.id)
            _round, tokens = create_round(
                session,
                organisation_id=org.id,
                intervention_id=intervention.id,
                name="Open round",
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=30),
                instrument_hash=rt.instrument.content_hash,
                team_ids=teams,
            )
        return [tokens[team] for team in teams]
    finally:
        rt.engine.dispose()


def concurrent_latency(
    url: str, invitations: list[str], *, writers: int, per_writer: int, bare: bool, pace: float = 0.0
) -> tuple[Summary, float]:
    """Seconds per submit (or bare write) over all writers, and the submissions per second of the timed
    phase (all writers together).

    `pace` 0: every writer submits back to back (the machine saturated, latency is mostly queueing).
    `pace` > 0: a writer waits a random pause of that mean (exponential) before each submission, as
    people finishing their questionnaires at different moments do.
    """
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(writers + 1)
    results = context.Queue()
    processes = [
        context.Process(
            target=_writer, args=(url, invitations[n % len(invitations)], n, per_writer, bare, ready, results, pace)
        )
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    try:
        ready.wait(timeout=START_TIMEOUT)
    except threading.BrokenBarrierError:
        kind, payload = results.get(timeout=START_TIMEOUT)
        for process in processes:
            process.join()
        raise RuntimeError(f"a writer failed while getting ready: {payload[0]}") from None
    began = time.perf_counter()
    samples, errors = [], []
    for _ in processes:
        kind, payload = results.get(timeout=START_TIMEOUT)
        (samples if kind == "ok" else errors).extend(payload)
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
    if errors:
        raise RuntimeError(f"{len(errors)} writer errors, first: {errors[0]}")
    return Summary(tuple(samples)), len(samples) / elapsed


def _writer(url: str, invitation: str, number: int, count: int, bare: bool, ready, results, pace: float = 0.0) -> None:
    """One writer process: prepare `count` submissions untimed, wait for the others, time each one."""
    from benchmarks.run import answer_sets

    try:
        rt = runtime_for(url, migrate=False)
        answers = answer_sets(rt.instrument, count + WARMUP, seed=1000 + number)
        write = _bare_writes(rt, invitation, answers) if bare else _submits(rt, invitation, answers)
        for action in write[:WARMUP]:
            action()
        ready.wait(timeout=START_TIMEOUT)
        samples = []
        pauses = random.Random(number)
        for action in write[WARMUP:]:
            if pace:
                time.sleep(pauses.expovariate(1 / pace))
            start = time.perf_counter()
            action()
            samples.append(time.perf_counter() - start)
        rt.engine.dispose()
        results.put(("ok", samples))
    except Exception as exc:  # reported by the parent, which fails the row
        results.put(("error", [f"writer {number}: {type(exc).__name__}: {exc}"]))
        ready.abort()


def _submits(rt, invitation: str, answers: list[dict]) -> list:
    from services.respond import questionnaire

    actions = []
    for one in answers:
        started = questionnaire.start_assessment(rt, language="en", intervention="", role=None, invite_token=invitation)
        questionnaire.save_answers(rt, token=started.draft_token, answers=one, step=0)
        actions.append(lambda token=started.draft_token: questionnaire.submit(rt, token=token))
    return actions


def _bare_writes(rt, invitation: str, answers: list[dict]) -> list:
    """The same statements as submit sends, on a bare connection: one transaction each, one INSERT for
    the response, one multi-row statement per table (db/multirow.py), the three tally upserts of the
    cell. No draft, no checks, no ORM."""
    from sqlalchemy import insert

    from assessment import score_answers
    from db.models import Response, ResponseAnswer, ResponseScore
    from db.multirow import add_counts, insert_rows
    from db.org_models import AnswerTally, ResponseTally, ScoreTally
    from db.tallies import NOT_APPLICABLE_VALUE, tallied_scores
    from services.respond import invitations

    found = invitations.check_invitation(rt, invitation)
    instrument = rt.instrument
    cell = {"organisation_id": found.organisation_id, "team_id": found.team_id, "round_id": found.round_id}

    def write(one: dict) -> None:
        scores = score_answers(instrument, one).flat()
        with rt.engine.begin() as connection:
            response_id = connection.execute(
                insert(Response.__table__).values(
                    submission_token=secrets.token_hex(32),
                    respondent_id=None,
                    instrument_id=instrument.id,
                    instrument_version=instrument.version,
                    instrument_hash=instrument.content_hash,
                    language="en",
                    intervention=found.intervention,
                    role=None,
                    **cell,
                )
            ).inserted_primary_key[0]
            insert_rows(
                connection,
                ResponseAnswer.__table__,
                [
                    {
                        "response_id": response_id,
                        "item_id": q,
                        "value": None if v == "na" else v,
                        "not_applicable": v == "na",
                    }
                    for q, v in one.items()
                ],
            )
            insert_rows(
                connection,
                ResponseScore.__table__,
                [
                    {"response_id": response_id, "key": k, "value": value, "status": status}
                    for k, (value, status) in scores.items()
                ],
            )
            tally_cell = {**cell, "role": ""}
            add_counts(connection, ResponseTally.__table__, [{**tally_cell, "n": 1}])
            add_counts(
                connection,
                ScoreTally.__table__,
                [{**tally_cell, "key": k, "n": 1, "total": v, "total_sq": v * v} for k, v in tallied_scores(scores)],
            )
            add_counts(
                connection,
                AnswerTally.__table__,
                [
                    {**tally_cell, "item_id": q, "value": NOT_APPLICABLE_VALUE if v == "na" else v, "count": 1}
                    for q, v in sorted(one.items())
                ],
            )

    return [lambda one=one: write(one) for one in answers]


if __name__ == "__main__":
    sys.exit("run benchmarks/production.py")
