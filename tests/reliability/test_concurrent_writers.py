"""16 writer processes x 60 submissions each (VM_WRITER_SUBMISSIONS=200 for a longer run), on SQLite (file, WAL) and PostgreSQL: every response
is stored exactly once, whole, double clicks included, and the tallies equal the raw tables. A writer told
"try again" (the database stayed busy) tries again, as the person on the page does (writers.TRIES)."""

from __future__ import annotations

import multiprocessing
import os
import queue
import time

import pytest

from services.runtime import build_runtime
from services.settings import Settings
from tests.reliability import writers
from tests.reliability.survey import (
    assert_stored_once,
    assert_tallies_match_raw_tables,
    open_round,
)

WRITERS = 16
# 60 each keeps the suite within its time; the races happen from the first submissions on.
SUBMISSIONS_EACH = int(os.environ.get("VM_WRITER_SUBMISSIONS", "60"))
RESULT_TIMEOUT_S = 600  # a hung writer fails the test instead of hanging the suite
POLL_S = 10


def run_writers(database_url: str, invites: list[str]) -> list[tuple]:
    """Start every writer, wait until all report; a failed writer fails the test with its traceback."""
    # forkserver: the server imports the app once and forks every writer from it, instead of 16
    # interpreters each importing it (tens of CPU seconds on 2 cores); each writer still builds
    # its own runtime and engine, as an app server process does.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.reliability.writers"])
    start = context.Barrier(WRITERS)
    results = context.Queue()
    processes = [
        context.Process(
            target=writers.write_submissions, args=(database_url, invites, worker, SUBMISSIONS_EACH, start, results)
        )
        for worker in range(WRITERS)
    ]
    for process in processes:
        process.start()
    records, errors, retried = [], [], []
    deadline = time.monotonic() + RESULT_TIMEOUT_S
    try:
        reported = 0
        while reported < len(processes):
            try:
                outcome, worker, payload = results.get(timeout=POLL_S)
            except queue.Empty:
                # a writer that ended without a word (killed, crashed) must not hold the suite for long
                if time.monotonic() > deadline or not any(p.is_alive() for p in processes):
                    raise AssertionError(
                        f"{len(processes) - reported} writer(s) ended or hung without "
                        f"reporting; errors so far: {errors}"
                    ) from None
                continue
            reported += 1
            if outcome == "done":
                records.extend(payload[0])
                retried.extend(payload[1])
            else:
                errors.append(f"writer {worker}:\n{payload}")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
    assert not errors, "\n".join(errors)
    assert all(process.exitcode == 0 for process in processes)
    print(f"{len(retried)} 'try again' answers, each tried again: {sorted(set(retried))}")
    return records


# The SQLite run (the longest test) has a group of its own, so it runs beside the browser tests
# instead of after them (tests/conftest.py); the writers retry "try again" as people do.
@pytest.mark.parametrize(
    "backend_url", [pytest.param("sqlite", marks=pytest.mark.xdist_group("writers")), "postgresql"], indirect=True
)
def test_every_submission_is_stored_exactly_once(backend_url):
    rt = build_runtime(Settings(database_url=backend_url), migrate=False)
    try:
        organisation_id, invites = open_round(rt)
        records = run_writers(backend_url, invites)

        assert len(records) == WRITERS * SUBMISSIONS_EACH
        assert_stored_once(rt, {token: (response_id, answers) for token, response_id, _invite, answers in records})
        attributed = sum(1 for _token, _id, invite, _answers in records if invite is not None)
        assert attributed == WRITERS * SUBMISSIONS_EACH * (writers.PERSONAL_EVERY - 1) // writers.PERSONAL_EVERY
        assert_tallies_match_raw_tables(rt, organisation_id, attributed)
    finally:
        rt.engine.dispose()
