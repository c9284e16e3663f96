"""A writer process killed while its submit transaction is open (every row written, nothing committed)
leaves no trace: no response, no answers or scores, no tally; the same draft is then stored once."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import signal

from services.respond import questionnaire
from services.runtime import build_runtime
from services.settings import Settings
from tests.reliability import writers
from tests.reliability.survey import (
    answers_for,
    assert_stored_once,
    assert_tallies_match_raw_tables,
    draft_answered,
    open_round,
    stored_counts,
)
from tests.support.tallies import assert_same_snapshot, tally_snapshot

HOOK_TIMEOUT_S = 120


def kill_during_submit(database_url: str, token: str) -> dict:
    """Run the submit in a child, wait for its report from inside the open transaction, SIGKILL it."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    submission_token = hashlib.sha256(token.encode("ascii")).hexdigest()
    child = context.Process(target=writers.submit_and_hang, args=(database_url, token, submission_token, theirs))
    child.start()
    try:
        assert ours.poll(HOOK_TIMEOUT_S), f"the child did not reach the commit (exit code {child.exitcode})"
        written = ours.recv()
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=30)
    finally:
        if child.is_alive():
            child.kill()
            child.join()
    assert child.exitcode == -signal.SIGKILL
    return written


def test_a_writer_killed_before_commit_leaves_no_partial_response(backend_url):
    rt = build_runtime(Settings(database_url=backend_url), migrate=False)
    try:
        organisation_id, invites = open_round(rt)
        rng = random.Random(7)
        earlier = {}
        for invite in invites:
            answers = answers_for(rt, rng)
            token = draft_answered(rt, invite=invite, answers=answers)
            earlier[token] = (questionnaire.submit(rt, token=token), answers)
        answers = answers_for(rt, rng)
        token = draft_answered(rt, invite=invites[0], answers=answers)
        before = stored_counts(rt)
        with rt.sessions() as session:
            tallies_before = tally_snapshot(session, organisation_id)

        written = kill_during_submit(backend_url, token)

        # The child had written the whole response inside its transaction ...
        assert written["response"] and written["draft_marked"] == 1, written
        assert written["response_answer"] == len(answers) and written["response_score"] > 0, written
        assert written["tallied"] == len(invites) + 1, written
        # ... and none of it is left.
        assert stored_counts(rt) == before
        assert questionnaire.load_draft(rt, token).submitted_response_id is None
        with rt.sessions() as session:
            assert_same_snapshot(tally_snapshot(session, organisation_id), tallies_before)
        assert_stored_once(rt, earlier)

        # The person clicks again: stored once, and once only.
        response_id = questionnaire.submit(rt, token=token)
        assert questionnaire.submit(rt, token=token) == response_id
        assert_stored_once(rt, {**earlier, token: (response_id, answers)})
        assert_tallies_match_raw_tables(rt, organisation_id, attributed=len(invites) + 1)
    finally:
        rt.engine.dispose()
