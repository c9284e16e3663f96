"""ValueMatch admin commands: `python manage.py <command>`; `python manage.py --help` lists them.

The commands only adapt services (services/admin/database.py, question_banks.py, offline_scoring.py, demo_data.py,
response_import.py, backup.py, data_protection.py) and turn their errors into a message on stderr with exit
code 1; argparse answers usage errors with exit code 2.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from assessment import AnswerError
from db import DatabaseError
from questions import QuestionBankError, load_instrument
from services.accounts import auth, setup_tokens
from services.admin import data_protection, database, question_banks
from services.data_tools import answer_file, backup, demo_data, offline_scoring, response_import, score_output
from services.data_tools.cli_help import BACKUP_EPILOG, DEMO_EPILOG, IMPORT_EPILOG, PURGE_EPILOG, SCORE_EPILOG
from services.data_tools.progress import CommandProgress
from services.errors import InvalidInput, NotFound, ServiceError
from services.formatting import CLI_LANGUAGE, format_datetime
from services.respond import resume_codes
from services.runtime import Runtime, build_runtime, load_settings

LONG_COMMANDS = ("score", "demo-data", "import-responses", "export-all", "import-all", "purge")


def init_db(args: argparse.Namespace) -> int:
    setup = database.init_database(load_settings())
    if setup.revision_before is None:
        print(f"Created the database at {setup.location} (schema revision {setup.revision_after}).")
    elif setup.revision_before == setup.revision_after:
        print(f"The database at {setup.location} is up to date (schema revision {setup.revision_after}).")
    else:
        print(
            f"Upgraded the database at {setup.location} from schema revision "
            f"{setup.revision_before} to {setup.revision_after}."
        )
    return 0


def validate_questions(args: argparse.Namespace) -> int:
    check = question_banks.check_banks(args.path)
    for instrument in check.valid:
        form = f", form '{instrument.form_id}'" if instrument.form_id else ""
        print(
            f"OK: {instrument.id} {instrument.version}, {len(instrument.items)} items, "
            f"hash {instrument.content_hash[:12]}{form}"
        )
    for problem in check.problems:
        print(problem, file=sys.stderr)
    if check.problems:
        print(f"{len(check.problems)} problem(s) found.", file=sys.stderr)
        return 1
    return 0


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


def add_intervention(args: argparse.Namespace) -> int:
    engine, sessions = database.open_database(load_settings())
    try:
        name, outcome = database.add_intervention(sessions, args.name)
    except InvalidInput as exc:
        return fail(database.intervention_problem(exc))
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
    engine, sessions = database.open_database(load_settings())
    try:
        names = database.list_interventions(sessions)
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


def setup_token(args: argparse.Namespace) -> int:
    runtime = build_runtime(load_settings())
    try:
        issued = setup_tokens.issue(runtime)
    finally:
        runtime.engine.dispose()
    if issued is None:
        return fail("an admin account already exists, so set-up is closed; an admin creates further accounts")
    print(issued.token)
    until = format_datetime(issued.expires_at, CLI_LANGUAGE, say_utc=True)
    print(
        f"Enter it on the app's 'Set up' page to create the first admin. It works once, on every server "
        f"using this database, until {until}.",
        file=sys.stderr,
    )
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


def export_all(args: argparse.Namespace) -> int:
    with CommandProgress(quiet=args.quiet) as progress:
        made = backup.export_all(
            load_settings(),
            args.file,
            progress=progress.counter("Writing the backup", final="Signing and finishing the file"),
        )
    print(
        f"Wrote {made.path}: {made.total:,} rows of {len(made.rows)} tables from {made.location} "
        f"(schema revision {made.schema_revision}). It holds password hashes and everyone's answers: keep it safe."
    )
    print(
        f"Signed with backup key {made.key_id}: import-all checks the signature with that key, so keep the key "
        "too, apart from the backups."
    )
    return 0


def import_all(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.accept_unsigned and not args.yes:
        problem = backup.signature_problem(settings, args.file)
        if problem is not None:
            print(
                f"{args.file} cannot be verified: {problem}. Restored, it would be trusted as it is "
                "(accounts and their roles included)."
            )
            if not _confirmed("Restore it anyway? [y/N] "):
                print("Nothing was changed.")
                return 1
    with CommandProgress(quiet=args.quiet) as progress:
        restored = backup.import_all(
            settings,
            args.file,
            accept_unsigned=args.accept_unsigned,
            progress=progress.counter("Checking the backup", "Restoring", final="Committing"),
        )
    if restored.unverified:
        print(
            f"note: restored without a valid signature ({restored.unverified}); the audit log records this",
            file=sys.stderr,
        )
    print(
        f"Restored {restored.total:,} rows of {len(restored.rows)} tables into {restored.location} from the "
        f"backup made {format_datetime(restored.created_at, CLI_LANGUAGE, say_utc=True)} "
        f"(schema revision {restored.schema_revision})."
    )
    return 0


def purge(args: argparse.Namespace) -> int:
    period, now = data_protection.parse_period(args.older_than), datetime.now(UTC)  # one cut-off for both runs

    def run(rt: Runtime, dry_run: bool) -> data_protection.Deleted:
        with CommandProgress(quiet=args.quiet) as progress:
            return data_protection.purge(
                rt,
                older_than=period,
                dry_run=dry_run,
                now=now,
                progress=progress.counter(
                    "Counting what would be deleted" if dry_run else "Deleting",
                    unit="steps",
                    final=None if dry_run else "Committing",
                ),
            )

    return _delete_confirmed(args, run, f"older than {period.text}")


def erase(args: argparse.Namespace) -> int:
    if resume_codes.normalise(args.resume_code) is None:
        return fail("that is not a resume code (16 letters and digits, like ABCD-EFGH-JKMN-PQRS); nothing changed")
    try:
        return _delete_confirmed(
            args,
            lambda rt, dry_run: data_protection.erase(rt, resume_code=args.resume_code, dry_run=dry_run),
            "stored under this resume code",
        )
    except NotFound:
        return fail("no respondent has this resume code; nothing changed")


def _delete_confirmed(args: argparse.Namespace, delete: Callable, what: str) -> int:
    """Show what would go; unless --dry-run, ask (or take --yes) and delete it in one transaction."""
    runtime = build_runtime(load_settings())
    try:
        planned = delete(runtime, True)
        cutoff = (
            f" (made before {format_datetime(planned.cutoff, CLI_LANGUAGE, say_utc=True)})" if planned.cutoff else ""
        )
        print(f"{'Would delete' if args.dry_run else 'To delete'}: data {what}{cutoff}")
        for kind, count in planned.counts.items():
            print(f"  {kind.replace('_', ' ')}: {count:,}")
        if args.dry_run:
            print("Dry run: nothing was changed.")
            return 0
        if not args.yes and not _confirmed("Delete these rows for good? [y/N] "):
            print("Nothing was changed.")
            return 1
        done = delete(runtime, False)
    finally:
        runtime.engine.dispose()
    print(f"Deleted {done.total:,} rows; the audit log records the counts.")
    return 0


def _confirmed(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="manage.py",
        description="ValueMatch admin commands. The database comes from DATABASE_URL, "
        "other settings from VM_* environment variables.",
    )
    commands = parser.add_subparsers(title="commands", dest="command", required=True, metavar="<command>")

    def command(
        name: str,
        handler: Callable[[argparse.Namespace], int],
        summary: str,
        *,
        epilog: str | None = None,
        formatter_class: type[argparse.HelpFormatter] = argparse.HelpFormatter,
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name, help=summary, description=summary, epilog=epilog, formatter_class=formatter_class
        )
        sub.set_defaults(handler=handler)
        return sub

    command("init-db", init_db, "Create the database from DATABASE_URL, or upgrade it to the newest schema.")

    sub = command(
        "validate-questions",
        validate_questions,
        "Check a question bank file, or every bank in a folder, and list every problem.",
    )
    sub.add_argument("path", metavar="PATH", help="a bank file (*.yaml) or a folder of them")

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

    sub = command(
        "add-intervention", add_intervention, "Add a digital intervention to the list offered on the assessment page."
    )
    sub.add_argument("name", metavar="NAME", help="name as respondents should see it (quote it when it has spaces)")

    command("list-interventions", list_interventions, "List the interventions offered on the assessment page.")

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

    command(
        "setup-token",
        setup_token,
        "Print a one-time set-up token for the app's 'Set up' page (only while no admin exists).",
    )

    sub = command(
        "create-admin",
        create_admin,
        "Create the first admin account (refused once an admin exists; there is no default password).",
    )
    sub.add_argument("username", metavar="USERNAME", help="3 to 100 letters, digits or . _ @ + - (no spaces)")
    sub.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of asking for it",
    )

    sub = command(
        "export-all",
        export_all,
        "Write a backup of the whole database to a new file.",
        epilog=BACKUP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("file", metavar="FILE", help="the backup file to create (a zip; never overwritten)")
    sub = command(
        "import-all",
        import_all,
        "Restore a backup (export-all) into a new, empty database.",
        epilog=BACKUP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("file", metavar="FILE", help="a backup file written by export-all")
    sub.add_argument(
        "--accept-unsigned",
        action="store_true",
        help="restore a backup whose signature is missing or made with another key (asks first)",
    )
    sub.add_argument("--yes", action="store_true", help="with --accept-unsigned: restore without asking")

    sub = command(
        "purge",
        purge,
        "Delete personal data older than a period (retention).",
        epilog=PURGE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--older-than", metavar="PERIOD", required=True, help="e.g. 365d, 26w, 18m or 2y")
    sub = command("erase", erase, "Delete a respondent's answers, results and drafts, found by their resume code.")
    sub.add_argument("--resume-code", metavar="CODE", required=True, help="the respondent's resume code")
    for sub in (commands.choices["purge"], commands.choices["erase"]):
        sub.add_argument("--yes", action="store_true", help="delete without asking for confirmation")
        sub.add_argument("--dry-run", action="store_true", help="only show what would be deleted")
    for name in LONG_COMMANDS:
        commands.choices[name].add_argument(
            "--quiet", action="store_true", help="show no progress (none is shown either when stderr is not a terminal)"
        )
    return parser


def fail(message: str, problems: Sequence[str] = ()) -> int:
    """Report an expected error on stderr; returns exit code 1."""
    if len(problems) == 1:  # one problem reads best on one line
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
    except SystemExit as exc:  # --help and usage errors
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return args.handler(args)
    except QuestionBankError as exc:
        return fail(f"invalid question bank {exc.source}", exc.problems)
    except answer_file.AnswerFileError as exc:
        return fail(f"cannot score {exc.source}, nothing was scored", exc.problems)
    except AnswerError as exc:
        return fail("answers that do not fit the question bank", exc.problems)
    except (ServiceError, DatabaseError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
