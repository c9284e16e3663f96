"""Setting up: the database, the question banks, the interventions offered and the first admin."""

from __future__ import annotations

import argparse
import getpass
import sys

from cli.common import AddCommand, fail
from services.accounts import auth, setup_tokens
from services.admin import database, question_banks
from services.errors import InvalidInput
from services.formatting import CLI_LANGUAGE, format_datetime
from services.runtime import build_runtime, load_settings


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


def add_database(command: AddCommand) -> None:
    """init-db and validate-questions."""
    command("init-db", init_db, "Create the database from DATABASE_URL, or upgrade it to the newest schema.")

    sub = command(
        "validate-questions",
        validate_questions,
        "Check a question bank file, or every bank in a folder, and list every problem.",
    )
    sub.add_argument("path", metavar="PATH", help="a bank file (*.yaml) or a folder of them")


def add_interventions(command: AddCommand) -> None:
    """add-intervention and list-interventions."""
    sub = command(
        "add-intervention", add_intervention, "Add a digital intervention to the list offered on the assessment page."
    )
    sub.add_argument("name", metavar="NAME", help="name as respondents should see it (quote it when it has spaces)")

    command("list-interventions", list_interventions, "List the interventions offered on the assessment page.")


def add_first_admin(command: AddCommand) -> None:
    """setup-token and create-admin."""
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
