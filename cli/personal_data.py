"""Deleting personal data: by age (purge, the retention period) or one respondent's (erase, by resume code)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime

from cli.common import AddCommand, confirmed, fail
from services.admin import data_protection
from services.data_tools.cli_help import PURGE_EPILOG
from services.data_tools.progress import CommandProgress
from services.errors import NotFound
from services.formatting import CLI_LANGUAGE, format_datetime
from services.respond import resume_codes
from services.runtime import Runtime, build_runtime, load_settings


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
        if not args.yes and not confirmed("Delete these rows for good? [y/N] "):
            print("Nothing was changed.")
            return 1
        done = delete(runtime, False)
    finally:
        runtime.engine.dispose()
    print(f"Deleted {done.total:,} rows; the audit log records the counts.")
    return 0


def add_commands(command: AddCommand) -> None:
    """purge and erase."""
    purge_parser = command(
        "purge",
        purge,
        "Delete personal data older than a period (retention).",
        epilog=PURGE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    purge_parser.add_argument("--older-than", metavar="PERIOD", required=True, help="e.g. 365d, 26w, 18m or 2y")
    erase_parser = command(
        "erase", erase, "Delete a respondent's answers, results and drafts, found by their resume code."
    )
    erase_parser.add_argument("--resume-code", metavar="CODE", required=True, help="the respondent's resume code")
    for sub in (purge_parser, erase_parser):
        sub.add_argument("--yes", action="store_true", help="delete without asking for confirmation")
        sub.add_argument("--dry-run", action="store_true", help="only show what would be deleted")
