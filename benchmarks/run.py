"""ValueMatch benchmarks: `python benchmarks/run.py` prints one markdown table (progress goes to stderr).
`--dashboard` adds the dashboard at 100,000 responses (benchmarks/dashboard.py; a few minutes more).

Every figure is compared with a baseline taken in the same run on the same machine, so the ratio says
how much ValueMatch adds on top of the floor (the database, or Streamlit itself). See README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.timing import Row, Summary, markdown_table, repeat, time_call

SUBMISSIONS = 200
WARMUP_SUBMISSIONS = 5
PAGE_RUNS = 20
PDF_RUNS = 10
SCORE_STORE_TARGET = 0.010
ASSESSMENT_PAGE_TARGET = 0.150
RESULTS_PAGE_TARGET = 0.500
PDF_TARGET = 3.0
NA_SHARE = 0.1  # about one answer in ten is "not applicable"
TRIVIAL_SCRIPT = "import streamlit as st\nst.write('ValueMatch')\n"
RESULTS_NEEDS = ("charts", "report_pdf", "exports")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def answer_sets(instrument, count: int, seed: int = 7) -> list[dict]:
    """Complete, varied answers (fixed seed, so runs are comparable)."""
    rng = random.Random(seed)
    return [
        {
            q: "na" if rng.random() < NA_SHARE else rng.randint(instrument.scale.min, instrument.scale.max)
            for q in instrument.question_ids
        }
        for _ in range(count)
    ]


def start_with_answers(rt, answers: dict) -> str:
    from services.respond import questionnaire

    started = questionnaire.start_assessment(rt, language="en", intervention="Benchmark app", role=None)
    questionnaire.save_answers(rt, token=started.draft_token, answers=answers, step=0)
    return started.draft_token


def score_and_store(rt, answers: list[dict]) -> tuple[Summary, list[int]]:
    """Time submit (score + store) only; starting the draft and saving the answers are set-up."""
    from services.respond import questionnaire

    for warm in answers[:WARMUP_SUBMISSIONS]:
        questionnaire.submit(rt, token=start_with_answers(rt, warm))
    samples, ids = [], []
    for one in answers:
        token = start_with_answers(rt, one)
        response_ids: list[int] = []
        samples.append(time_call(lambda: response_ids.append(questionnaire.submit(rt, token=token))))
        ids.extend(response_ids)
    return Summary(tuple(samples)), ids


def bare_insert(rt, answers: list[dict]) -> Summary:
    """The same rows written with SQLAlchemy core: one transaction, one executemany per table."""
    from sqlalchemy import insert

    from assessment import score_answers
    from db.models import Response, ResponseAnswer, ResponseScore

    instrument = rt.instrument
    prepared = []
    for one in answers:
        scores = score_answers(instrument, one).flat()
        prepared.append(
            (
                [
                    {"item_id": q, "value": None if v == "na" else v, "not_applicable": v == "na"}
                    for q, v in one.items()
                ],
                [{"key": k, "value": value, "status": status} for k, (value, status) in scores.items()],
            )
        )

    def write(answer_rows: list[dict], score_rows: list[dict]) -> None:
        with rt.engine.begin() as connection:
            response_id = connection.execute(
                insert(Response.__table__).values(
                    submission_token=secrets.token_hex(32),
                    respondent_id=None,
                    instrument_id=instrument.id,
                    instrument_version=instrument.version,
                    instrument_hash=instrument.content_hash,
                    language="en",
                    intervention="Benchmark app",
                    role=None,
                )
            ).inserted_primary_key[0]
            connection.execute(
                insert(ResponseAnswer.__table__), [{"response_id": response_id, **row} for row in answer_rows]
            )
            connection.execute(
                insert(ResponseScore.__table__), [{"response_id": response_id, **row} for row in score_rows]
            )

    for answer_rows, score_rows in prepared[:WARMUP_SUBMISSIONS]:
        write(answer_rows, score_rows)
    return Summary(tuple(time_call(lambda: write(a, s)) for a, s in prepared))


def scoring_alone(rt, answers: list[dict]) -> Summary:
    from assessment import score_answers

    return Summary(tuple(time_call(lambda: score_answers(rt.instrument, one)) for one in answers))


def page_test(page: str | None = None, *, query: dict | None = None, state: dict | None = None):
    """The real app in AppTest, opened once (untimed) on `page`."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    if at.exception:
        raise RuntimeError(f"{page} raised: {at.exception[0].value}")
    return at


def streamlit_floor() -> Summary:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(TRIVIAL_SCRIPT, default_timeout=60)
    return repeat(at.run, times=PAGE_RUNS, warmup=2)


def assessment_page(rt, answers: dict) -> Summary:
    """A half-answered draft opened from its link (?draft=<token>), re-run as on every click."""
    half = dict(list(answers.items())[: len(answers) // 2])
    at = page_test("app_pages/respond/questionnaire.py", query={"draft": start_with_answers(rt, half)})
    if not at.radio:
        raise RuntimeError("the assessment page showed no questions")
    summary = repeat(at.run, times=PAGE_RUNS, warmup=1)
    if at.exception or not at.radio:
        raise RuntimeError("the assessment page changed while it was timed")
    return summary


def results_page(response_id: int) -> Summary:
    """The results page of a submitted response, with every chart, re-run as on every click."""
    from app_pages import state_keys

    at = page_test(
        "app_pages/results/your_results.py",
        state={state_keys.RESULT_ID: response_id, state_keys.OWNED_RESULTS: [response_id]},
    )
    if not at.get("plotly_chart"):
        raise RuntimeError("the results page showed no charts")
    summary = repeat(at.run, times=PAGE_RUNS, warmup=1)
    if at.exception:
        raise RuntimeError(f"the results page raised: {at.exception[0].value}")
    return summary


def pdf_report(rt, response_id: int) -> Summary:
    from services.respond import questionnaire
    from services.results import report_pdf

    view = questionnaire.result(rt, response_id)
    return repeat(
        lambda: report_pdf.build_pdf(
            view.instrument,
            view.report,
            "en",
            intervention=view.intervention,
            role_name=None,
            created_at=view.created_at,
        ),
        times=PDF_RUNS,
        warmup=1,
    )


def missing_modules(names: tuple[str, ...]) -> list[str]:
    return [f"services/{n}.py" for n in names if importlib.util.find_spec(f"services.{n}") is None]


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description="ValueMatch benchmarks: one markdown table on stdout.")
    options.add_argument(
        "--dashboard",
        action="store_true",
        help="also build 100,000 demo responses and time the dashboard (a few minutes more)",
    )
    args = options.parse_args(argv)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vm-bench-") as folder:
        # Before anything reads the settings: the app under AppTest builds its own runtime from these.
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.db'}"
        # Driving AppTest from the main thread makes Streamlit warn "missing ScriptRunContext" (no
        # server: that is the point); keep stderr for progress. Streamlit resets log levels, not this flag.
        logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
        from services.runtime import build_runtime

        rt = build_runtime()
        try:
            rows = run_all(rt)
            if args.dashboard:
                from benchmarks.dashboard import dashboard_rows

                rows += dashboard_rows(rt)
        finally:
            rt.engine.dispose()
    print(markdown_table(rows))
    log(f"total {time.perf_counter() - began:.0f} s")
    return 0


def run_all(rt) -> list[Row]:
    answers = answer_sets(rt.instrument, SUBMISSIONS + WARMUP_SUBMISSIONS)
    log(f"score + store: {SUBMISSIONS} submissions ...")
    stored, response_ids = score_and_store(rt, answers[WARMUP_SUBMISSIONS:])
    inserted = bare_insert(rt, answers[WARMUP_SUBMISSIONS:])
    rows = [
        Row("score + store one response (submit)", stored, SCORE_STORE_TARGET, inserted, "bare core INSERTs"),
        Row("scoring alone (score_answers)", scoring_alone(rt, answers[WARMUP_SUBMISSIONS:])),
    ]
    log("Streamlit floor and assessment page ...")
    floor = streamlit_floor()
    rows.append(
        Row(
            "assessment page run (AppTest)",
            assessment_page(rt, answers[0]),
            ASSESSMENT_PAGE_TARGET,
            floor,
            "one-line script",
        )
    )
    log("results page ...")
    rows.append(
        optional_row(
            "results page run with all charts (AppTest)",
            RESULTS_NEEDS,
            RESULTS_PAGE_TARGET,
            lambda: results_page(response_ids[0]),
            floor,
            "one-line script",
        )
    )
    log("PDF report ...")
    rows.append(
        optional_row("PDF report (build_pdf)", ("report_pdf",), PDF_TARGET, lambda: pdf_report(rt, response_ids[0]))
    )
    return rows


def optional_row(
    figure: str,
    needs: tuple[str, ...],
    target: float,
    measure,
    baseline: Summary | None = None,
    baseline_name: str = "",
) -> Row:
    """A row for code that may not be there yet: said in the table instead of stopping the run."""
    missing = missing_modules(needs)
    if missing:
        return Row(figure, None, target, note=f"{', '.join(missing)} missing")
    try:
        return Row(figure, measure(), target, baseline, baseline_name)
    except (ImportError, RuntimeError) as exc:  # RuntimeError: the page itself raised (see page_test)
        log(f"{figure}: {exc}")
        return Row(figure, None, target, note=str(exc).replace("|", "/"))


if __name__ == "__main__":
    sys.exit(main())
