"""ValueMatch admin commands: `python manage.py <command>`; `python manage.py --help` lists them.

The commands (cli/: set_up, responses, backups, personal_data) only adapt services (services/admin/database.py,
question_banks.py, offline_scoring.py, demo_data.py, response_import.py, backup.py, data_protection.py) and turn
their errors into a message on stderr with exit code 1; argparse answers usage errors with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from assessment import AnswerError
from cli import backups, personal_data, responses, set_up
from cli.common import fail
from db import DatabaseError
from questions import QuestionBankError
from services.data_tools import answer_file
from services.errors import ServiceError

LONG_COMMANDS = ("score", "demo-data", "import-responses", "export-all", "import-all", "purge")


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

    set_up.add_database(command)
    responses.add_score(command)
    set_up.add_interventions(command)
    responses.add_demo_data(command)
    responses.add_import_responses(command)
    set_up.add_first_admin(command)
    backups.add_commands(command)
    personal_data.add_commands(command)
    for name in LONG_COMMANDS:
        commands.choices[name].add_argument(
            "--quiet", action="store_true", help="show no progress (none is shown either when stderr is not a terminal)"
        )
    return parser


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
