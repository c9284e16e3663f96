"""A workshop of 200 participants on one app server with SQLite: `python benchmarks/workshop.py`.

The participants arrive spread over one minute, each in its own thread as Streamlit gives every browser
session its own script thread in one process; each joins by code, saves every answer separately (the
page saves each click), moves through the steps and submits twice (a double tap). The presenter's
screen refreshes every 3 s meanwhile. Then: responses stored, duplicates, errors, and the presenter's
refresh at 200 responses against the bare read of the same rows. `python benchmarks/run.py --workshop`
adds these rows to the one table.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.timing import Row, Summary, markdown_table, repeat, time_call

PARTICIPANTS = 200
ARRIVAL_SECONDS = 60.0
PRESENTER_EVERY = 3.0
PRESENTER_RUNS = 20
REFRESH_TARGET = 1.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def facilitator_and_workshop(rt):
    from db import Account
    from services.accounts.auth import AccountView
    from services.workshop import hosting

    with rt.sessions.begin() as session:
        row = Account(username="bench-facilitator", password_hash=None, role="facilitator", active=True)
        session.add(row)
        session.flush()
        account = AccountView(row.id, row.username, "facilitator", {})
    info = hosting.create_workshop(
        rt,
        account,
        title="Benchmark workshop",
        intervention="Online CBT",
        form_id=None,
        language="en",
        min_group_size=5,
    )
    hosting.set_results_visible(rt, account, info.id, True)
    return account, info


def participant(rt, code: str, number: int, start_at: float, submit_times: list, errors: list) -> None:
    """One phone: join, answer item by item, step by step, submit twice."""
    from services.respond import questionnaire, workshop_join

    rng = random.Random(number)
    time.sleep(max(0.0, start_at - time.monotonic()))
    try:
        joined = workshop_join.join(rt, code, f"benchmark-device-{number:05d}", f"client-{number}")
        draft = questionnaire.load_draft(rt, joined.draft_token)
        instrument = draft.instrument
        for index, step in enumerate(instrument.steps):
            for item in step.items:
                value = rng.randint(instrument.scale.min, instrument.scale.max)
                questionnaire.save_answers(rt, token=joined.draft_token, answers={item: value}, step=index)
        submit_times.append(time_call(lambda: questionnaire.submit(rt, token=joined.draft_token)))
        questionnaire.submit(rt, token=joined.draft_token)  # the double tap
    except Exception as exc:  # counted and reported: the benchmark's point is that there are none
        errors.append(f"participant {number}: {type(exc).__name__}: {exc}")


def run_workshop(rt) -> tuple[list[Row], dict]:
    from sqlalchemy import func, select

    from db import Response, WorkshopEntry
    from services.workshop import presenter

    account, info = facilitator_and_workshop(rt)
    submit_times: list[float] = []
    errors: list[str] = []
    refreshes: list[float] = []
    done = threading.Event()

    def presenter_loop() -> None:
        while not done.is_set():
            refreshes.append(time_call(lambda: presenter.presenter(rt, account, info.id, language="en")))
            done.wait(PRESENTER_EVERY)

    log(f"{PARTICIPANTS} participants arriving over {ARRIVAL_SECONDS:.0f} s ...")
    began = time.monotonic()
    screen = threading.Thread(target=presenter_loop)
    screen.start()
    with ThreadPoolExecutor(max_workers=PARTICIPANTS) as pool:
        for number in range(PARTICIPANTS):
            start_at = began + ARRIVAL_SECONDS * number / PARTICIPANTS
            pool.submit(participant, rt, info.code, number, start_at, submit_times, errors)
    done.set()
    screen.join()
    elapsed = time.monotonic() - began
    with rt.sessions.begin() as session:
        stored = session.scalar(select(func.count()).select_from(Response))
        entries = session.scalar(select(func.count()).select_from(WorkshopEntry))
        distinct = session.scalar(select(func.count(func.distinct(WorkshopEntry.participant_id))))
    facts = {"elapsed": elapsed, "stored": stored, "entries": entries, "distinct": distinct, "errors": errors}
    rows = [
        Row(
            f"submit during the workshop ({PARTICIPANTS} phones over {ARRIVAL_SECONDS:.0f} s, each its own "
            "thread, one app process)",
            Summary(tuple(submit_times)),
            None,
        ),
        Row("presenter refresh while answers arrive (every 3 s)", Summary(tuple(refreshes)), REFRESH_TARGET),
    ]
    rows.extend(refresh_rows(rt, account, info))
    return rows, facts


def refresh_rows(rt, account, info) -> list[Row]:
    """The presenter's refresh at 200 responses: the service, and the whole screen in AppTest, against
    reading the same responses' answers and scores bare (the floor any picture needs)."""
    from db import responses as db_responses
    from db import workshops as db_workshops
    from services.workshop import presenter

    def bare_read() -> None:
        with rt.sessions.begin() as session:
            ids = db_workshops.first_responses(session, info.id, 1, PARTICIPANTS)
            db_responses.load_answers_and_scores(session, response_ids=ids)

    floor = repeat(bare_read, times=PRESENTER_RUNS)
    service = repeat(lambda: presenter.presenter(rt, account, info.id, language="en"), times=PRESENTER_RUNS)
    rows = [
        Row(
            f"presenter data at {PARTICIPANTS} responses (service)",
            service,
            REFRESH_TARGET,
            floor,
            "bare read of their answers and scores",
        )
    ]
    screen = screen_run(rt, info)
    if screen is not None:
        rows.append(
            Row(
                f"presenter screen at {PARTICIPANTS} responses (whole page, AppTest)",
                screen,
                REFRESH_TARGET,
                floor,
                "bare read of their answers and scores",
            )
        )
    return rows


def screen_run(rt, info) -> Summary | None:
    from streamlit.testing.v1 import AppTest

    from app_pages import paths, state_keys
    from services.accounts import auth

    auth.create_first_admin(rt, "bench-admin", "a long benchmark password")
    token = auth.login(rt, "bench-admin", "a long benchmark password", "bench").token
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["session"] = str(info.id)
    at.session_state[state_keys.AUTH_TOKEN] = token
    at.run()
    at.switch_page(paths.WORKSHOP).run()
    if at.exception or not at.get("plotly_chart"):
        log(f"the presenter screen did not draw: {[e.value for e in at.exception]}")
        return None
    return repeat(at.run, times=PRESENTER_RUNS, warmup=1)


def main() -> int:
    folder = tempfile.mkdtemp(prefix="vm-workshop-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.db"
    from services.runtime import build_runtime

    rt = build_runtime()
    rows, facts = run_workshop(rt)
    print(markdown_table(rows))
    print()
    print(f"- participants: {PARTICIPANTS}; all done after {facts['elapsed']:.1f} s")
    print(
        f"- responses stored: {facts['stored']}; workshop entries: {facts['entries']} "
        f"({facts['distinct']} distinct participants); every participant submitted twice"
    )
    print(f"- errors: {len(facts['errors'])}")
    for error in facts["errors"][:10]:
        print(f"  - {error}")
    ok = facts["stored"] == facts["entries"] == facts["distinct"] == PARTICIPANTS and not facts["errors"]
    print(f"- every response stored once, none lost: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
