"""Answers from outside the app: scoring a file offline, importing a paper round, making demo data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import AddCommand, fail
from questions import load_instrument
from services.admin import question_banks
from services.data_tools import demo_data, offline_scoring, response_import, score_output
from services.data_tools.cli_help import DEMO_EPILOG, IMPORT_EPILOG, SCORE_EPILOG
from services.data_tools.progress import CommandProgress
from services.runtime import build_runtime, load_settings


def score(args: argparse.Namespace) -> int:
    bank = load_instrument(args.bank) if args.bank else question_banks.default_bank(load_settings())
    instrument = offline_scoring.form_of(bank, args.form) if args.form else bank
    output_format = args.format or (
        ("json" if Path(args.output).suffix.lower() == ".json" else "csv") if args.output else "table"
    )
    with CommandProgress(quiet=args.quiet) as progress:
        report = progress.counter("Scoring", bytes_=True, final="Checking respondent ids, finishing the output")
        with score_output.destination(args.output) as out:
            scored = offline_scoring.score_file(
                args.file, instrument, out, output_format=output_format, progress=report
            )
    for note in score_output.notes(scored.columns_missing, scored.matching_form, instrument.label):
        print(note, file=sys.stderr)
    if args.output:
        print(f"Scored {scored.rows:,} respondent(s) with {instrument.label}; wrote {args.output}.")
    return 0


def make_demo_data(args: argparse.Namespace) -> int:
    runtime = build_runtime(load_settings())
    try:
        with CommandProgress(quiet=args.quiet) as progress:
            made = demo_data.create_demo_organisation(
                runtime,
                responses=args.responses,
                seed=args.seed,
                organisation=args.organisation,
                progress=progress.counter(
                    "Creating responses", unit="responses", final="Writing the dashboard's tallies and committing"
                ),
            )
    finally:
        runtime.engine.dispose()
    print(
        f"Created '{made.organisation}' (seed {args.seed}): {made.teams} teams, {made.interventions} "
        f"interventions, {made.closed_rounds} closed rounds and {made.open_rounds} open round, "
        f"{made.responses:,} responses. '{made.small_team}' has {made.small_responses} responses in "
        f"'{made.small_round}', too few to show."
    )
    return 0


def import_responses(args: argparse.Namespace) -> int:
    runtime = build_runtime(load_settings())
    try:
        with CommandProgress(quiet=args.quiet) as progress:
            added = response_import.import_responses(
                runtime,
                args.file,
                organisation=args.organisation,
                survey_round=args.round,
                language=args.language,
                allow_repeat=args.allow_repeat,
                progress=progress.counter("Checking and scoring rows", final="Storing the responses and committing"),
            )
    except response_import.ResponseFileError as exc:
        return fail(f"cannot import {exc.source}, nothing was imported", exc.problems)
    finally:
        runtime.engine.dispose()
    if added.columns_missing:
        print(
            f"note: {len(added.columns_missing)} question(s) have no column and count as unanswered: "
            f"{', '.join(added.columns_missing[: score_output.MISSING_COLUMNS_SHOWN])}",
            file=sys.stderr,
        )
    print(f"Imported {added.total} response(s) into round '{added.round_name}' of '{added.organisation}':")
    for team, count in added.per_team.items():
        print(f"  {team}: {count}")
    if added.repeated:
        print(
            f"note: {added.repeated} of them repeat responses imported before (--allow-repeat); the audit "
            "log records this",
            file=sys.stderr,
        )
    return 0


def add_score(command: AddCommand) -> None:
    """score."""
    sub = command(
        "score",
        score,
        "Score a CSV file of answers offline (nothing is stored).",
        epilog=SCORE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("file", metavar="FILE", help="CSV file of answers, one row per respondent")
    sub.add_argument(
        "--bank",
        metavar="PATH",
        help="question bank file to score with (default: the newest installed version of "
        "the instrument in VM_INSTRUMENT)",
    )
    sub.add_argument("--output", metavar="OUT", help="write the scores to this file instead of printing a table")
    sub.add_argument(
        "--format",
        choices=("csv", "json"),
        help="format of the scores (default: from the --output extension, csv otherwise; a table when printing)",
    )
    sub.add_argument(
        "--form",
        metavar="ID",
        help="score the answers as this short form of the bank, with its own rules (e.g. workshop)",
    )


def add_demo_data(command: AddCommand) -> None:
    """demo-data."""
    sub = command(
        "demo-data",
        make_demo_data,
        "Create a demo organisation with teams, survey rounds and scored responses.",
        epilog=DEMO_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument(
        "--responses",
        metavar="N",
        type=int,
        required=True,
        help=f"how many responses to create ({demo_data.MIN_RESPONSES} to {demo_data.MAX_RESPONSES:,})",
    )
    sub.add_argument(
        "--seed",
        metavar="S",
        type=int,
        default=1,
        help="random seed: the same seed makes the same organisation and answers (default 1)",
    )
    sub.add_argument(
        "--organisation",
        metavar="NAME",
        default=demo_data.DEFAULT_ORGANISATION,
        help=f"name of the new organisation (default '{demo_data.DEFAULT_ORGANISATION}'; refused when it exists)",
    )


def add_import_responses(command: AddCommand) -> None:
    """import-responses."""
    sub = command(
        "import-responses",
        import_responses,
        "Import a paper round: a CSV of answers with each respondent's team, stored in a survey round.",
        epilog=IMPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("file", metavar="FILE", help="CSV file of answers, one row per respondent")
    sub.add_argument("--organisation", metavar="NAME", required=True, help="the organisation's name")
    sub.add_argument(
        "--round",
        metavar="ROUND",
        required=True,
        help="the survey round's name (or its id when two rounds share a name)",
    )
    sub.add_argument(
        "--language",
        metavar="LANG",
        help="language the paper questionnaire was in (default: the bank's first language)",
    )
    sub.add_argument(
        "--allow-repeat",
        action="store_true",
        help="import rows whose team, role and answers were imported into the round before (refused without this)",
    )
