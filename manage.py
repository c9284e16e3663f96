"""ValueMatch admin commands: `python manage.py <command>`; `python manage.py --help` lists them.

The commands only adapt services (services/admin.py, question_banks.py and offline_scoring.py) and
turn their errors into a message on stderr with exit code 1; argparse answers usage errors with exit code 2.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from assessment import AnswerError
from db import DatabaseError
from questions import QuestionBankError, load_instrument
from services import admin, auth, offline_scoring, question_banks
from services.errors import InvalidInput, ServiceError
from services.runtime import build_runtime, load_settings

MISSING_COLUMNS_SHOWN = 10

SCORE_EPILOG = """\
input: one row per respondent, a column per question id of the bank (items and the optional
importance/support questions), values 1..5 or na (also NA, n/a); an empty cell is unanswered.
An optional 'respondent' or 'id' column is carried through to the output. Comma, semicolon and
tab separated files are accepted; the first row names the columns.

output: one row per respondent with every score (empty when not enough answers were given) and
the alignment band. When any row or column has a problem, every problem is listed and nothing
is scored.

examples:
  python manage.py score answers.csv
  python manage.py score answers.csv --output scores.csv
  python manage.py score answers.csv --bank questions/banks/valuematch-1.0.yaml --format json
"""


def init_db(args: argparse.Namespace) -> int:
    setup = admin.init_database(load_settings())
    if setup.revision_before is None:
        print(f"Created the database at {setup.location} (schema revision {setup.revision_after}).")
    elif setup.revision_before == setup.revision_after:
        print(f"The database at {setup.location} is up to date (schema revision {setup.revision_after}).")
    else:
        print(f"Upgraded the database at {setup.location} from schema revision "
              f"{setup.revision_before} to {setup.revision_after}.")
    return 0


def validate_questions(args: argparse.Namespace) -> int:
    check = question_banks.check_banks(args.path)
    for instrument in check.valid:
        print(f"OK: {instrument.id} {instrument.version}, {len(instrument.items)} items, "
              f"hash {instrument.content_hash[:12]}")
    for problem in check.problems:
        print(problem, file=sys.stderr)
    if check.problems:
        print(f"{len(check.problems)} problem(s) found.", file=sys.stderr)
        return 1
    return 0


def score(args: argparse.Namespace) -> int:
    instrument = (load_instrument(args.bank) if args.bank
                  else question_banks.default_bank(load_settings()))
    table = offline_scoring.read_answer_file(args.file, instrument)
    scored = offline_scoring.score_table(instrument, table)
    columns, records = offline_scoring.score_records(instrument, table, scored)
    if table.columns_missing:
        shown = ", ".join(table.columns_missing[:MISSING_COLUMNS_SHOWN])
        more = ", ..." if len(table.columns_missing) > MISSING_COLUMNS_SHOWN else ""
        print(f"note: {len(table.columns_missing)} question(s) of {instrument.label} have no column and "
              f"count as unanswered: {shown}{more}", file=sys.stderr)
    output_format = args.format or (
        ("json" if Path(args.output).suffix.lower() == ".json" else "csv") if args.output else "table")
    render: dict[str, Callable[[list[str], list[dict]], str]] = {
        "csv": offline_scoring.records_csv, "json": offline_scoring.records_json,
        "table": offline_scoring.records_table}
    text = render[output_format](columns, records)
    if args.output:
        offline_scoring.write_atomically(args.output, text)
        print(f"Scored {len(records)} respondent(s) with {instrument.label}; wrote {args.output}.")
    else:
        sys.stdout.write(text)
    return 0


def add_intervention(args: argparse.Namespace) -> int:
    engine, sessions = admin.open_database(load_settings())
    try:
        name, outcome = admin.add_intervention(sessions, args.name)
    except InvalidInput as exc:
        return fail(admin.intervention_problem(exc))
    finally:
        engine.dispose()
    if outcome == "added":
        print(f"Added '{name}'.")
    elif outcome == "exists":
        print(f"'{name}' is already in the list; nothing changed.")
    else:
        print(f"'{name}' is already in the list but switched off, so it is not offered; nothing changed.")
    return 0


def list_interventions(args: argparse.Namespace) -> int:
    engine, sessions = admin.open_database(load_settings())
    try:
        names = admin.list_interventions(sessions)
    finally:
        engine.dispose()
    for name in names:
        print(name)
    if not names:
        print("No interventions yet; add one with: python manage.py add-intervention NAME", file=sys.stderr)
    return 0


def create_admin(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password for the new admin (at least 12 characters): ")
        if getpass.getpass("The same password again: ") != password:
            return fail("the two passwords differ; no account was created")
    runtime = build_runtime(load_settings())
    try:
        account = auth.create_first_admin(runtime, args.username, password)
    finally:
        runtime.engine.dispose()
    print(f"Created the admin account '{account.username}'; sign in with it in the app.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="manage.py", description="ValueMatch admin commands. The database comes from DATABASE_URL, "
                                      "other settings from VM_* environment variables.")
    commands = parser.add_subparsers(title="commands", dest="command", required=True, metavar="<command>")

    def command(name: str, handler: Callable[[argparse.Namespace], int], summary: str,
                **kwargs: object) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=summary, description=summary, **kwargs)
        sub.set_defaults(handler=handler)
        return sub

    command("init-db", init_db, "Create the database from DATABASE_URL, or upgrade it to the newest schema.")

    sub = command("validate-questions", validate_questions,
                  "Check a question bank file, or every bank in a folder, and list every problem.")
    sub.add_argument("path", metavar="PATH", help="a bank file (*.yaml) or a folder of them")

    sub = command("score", score, "Score a CSV file of answers offline (nothing is stored).",
                  epilog=SCORE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub.add_argument("file", metavar="FILE", help="CSV file of answers, one row per respondent")
    sub.add_argument("--bank", metavar="PATH",
                     help="question bank file to score with (default: the newest installed version of "
                          "the instrument in VM_INSTRUMENT)")
    sub.add_argument("--output", metavar="OUT", help="write the scores to this file instead of printing a table")
    sub.add_argument("--format", choices=("csv", "json"),
                     help="format of the scores (default: from the --output extension, csv otherwise; "
                          "a table when printing)")

    sub = command("add-intervention", add_intervention,
                  "Add a digital intervention to the list offered on the assessment page.")
    sub.add_argument("name", metavar="NAME", help="name as respondents should see it (quote it when it has spaces)")

    command("list-interventions", list_interventions,
            "List the interventions offered on the assessment page.")

    sub = command("create-admin", create_admin,
                  "Create the first admin account (refused once an admin exists; there is no default password).")
    sub.add_argument("username", metavar="USERNAME", help="3 to 100 letters, digits or . _ @ + - (no spaces)")
    sub.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input instead of asking for it")
    return parser


def fail(message: str, problems: Sequence[str] = ()) -> int:
    """Report an expected error on stderr; returns exit code 1."""
    if len(problems) == 1:   # one problem reads best on one line
        message, problems = f"{message}: {problems[0]}", ()
    elif problems:
        message = f"{message} ({len(problems)} problems):"
    print(f"error: {message}", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (0 ok, 1 error, 2 usage error)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:   # --help and usage errors
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return args.handler(args)
    except QuestionBankError as exc:
        return fail(f"invalid question bank {exc.source}", exc.problems)
    except offline_scoring.AnswerFileError as exc:
        return fail(f"cannot score {exc.source}, nothing was scored", exc.problems)
    except AnswerError as exc:
        return fail("answers that do not fit the question bank", exc.problems)
    except (ServiceError, DatabaseError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
