"""Code that runs in child processes (multiprocessing: forkserver or spawn) of the reliability tests.

Each child builds its own runtime, as every app server process does, and goes through the same
service calls as the assessment page.
"""

from __future__ import annotations

import random
import threading
import time
import traceback

from sqlalchemy import event

from services.errors import Unavailable
from services.respond import questionnaire
from services.runtime import build_runtime
from services.settings import Settings
from tests.reliability.survey import answers_for, draft_answered

DOUBLE_CLICK_EVERY = 10  # every 10th submission is sent twice at the same moment (two threads)
RESUBMIT_EVERY = 7  # and every 7th is sent again afterwards (a second click after the first answered)
PERSONAL_EVERY = 4  # every 4th is a personal assessment (no invitation), the rest count for a team


START_TIMEOUT_S = 540
# "Try again" (Unavailable) is the app's answer when the database stays busy past its wait (SQLite's
# one write lock under 16 back-to-back writers on a busy 2-core machine); the person clicks again.
# A writer does the same, a few times at most: more would mean the database never came back.
TRIES = 4


def write_submissions(database_url: str, invites: list[str], worker: int, count: int, start, results) -> None:
    """Start, answer and submit `count` assessments; put ("done", worker, records) or ("error", worker, text).

    records: (draft token, response id, team invitation or None, answers) per submission.
    """
    try:
        rt = build_runtime(Settings(database_url=database_url), migrate=False)
        rng = random.Random(worker)
        roles = [None, *(role.id for role in rt.instrument.roles)]
        # every writer begins together, after the slow imports (minutes when the machine is busy)
        start.wait(timeout=START_TIMEOUT_S)
        records, retried = [], []

        def patiently(call, *args, **kwargs):
            for attempt in range(TRIES):
                try:
                    return call(*args, **kwargs)
                except Unavailable:
                    if attempt == TRIES - 1:
                        raise
                    retried.append(call.__name__)

        for number in range(count):
            invite = None if number % PERSONAL_EVERY == PERSONAL_EVERY - 1 else invites[number % len(invites)]
            answers = answers_for(rt, rng)
            token = patiently(draft_answered, rt, invite=invite, answers=answers, role=rng.choice(roles))
            if number % DOUBLE_CLICK_EVERY == 0:
                ids = _double_click(rt, token, patiently)
                if len(set(ids)) != 1:
                    raise AssertionError(f"a double click gave two responses: {ids}")
                response_id = ids[0]
            else:
                response_id = patiently(questionnaire.submit, rt, token=token)
            if number % RESUBMIT_EVERY == 0 and patiently(questionnaire.submit, rt, token=token) != response_id:
                raise AssertionError("submitting a draft again gave another response")
            records.append((token, response_id, invite, answers))
        rt.engine.dispose()
        results.put(("done", worker, (records, retried)))
    except BaseException:
        results.put(("error", worker, traceback.format_exc()))


def _double_click(rt, token: str, patiently) -> list[int]:
    """Two submits of one draft at once, as two quick clicks (or two tabs) on one app server."""
    barrier = threading.Barrier(2)
    ids: list[int] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            barrier.wait(timeout=30)
            ids.append(patiently(questionnaire.submit, rt, token=token))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return ids


def submit_and_hang(database_url: str, token: str, submission_token: str, channel) -> None:
    """Submit the draft, but just before its transaction commits report what it wrote and sleep.

    The parent kills this process meanwhile: the transaction is open, every row of the response
    is written. The report is read on the transaction's own connection (nothing is committed).
    """
    rt = build_runtime(Settings(database_url=database_url), migrate=False)

    def before_commit(connection) -> None:
        cursor = connection.connection.dbapi_connection.cursor()
        # submission_token is a hex digest, safe to write into the statement.
        cursor.execute(f"SELECT id FROM response WHERE submission_token = '{submission_token}'")
        row = cursor.fetchone()
        written = {"response": row is not None}
        if row is not None:
            for table in ("response_answer", "response_score"):
                cursor.execute(f"SELECT count(*) FROM {table} WHERE response_id = {int(row[0])}")
                written[table] = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM draft WHERE submitted_response_id = {int(row[0])}")
            written["draft_marked"] = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(sum(n), 0) FROM response_tally")
        written["tallied"] = cursor.fetchone()[0]
        cursor.close()
        channel.send(written)
        time.sleep(600)

    event.listen(rt.engine, "commit", before_commit)
    questionnaire.submit(rt, token=token)
    channel.send({"committed": True})  # only reached when the parent did not kill us
