"""Backups: writing the whole database to a signed file, and restoring one into an empty database."""

from __future__ import annotations

import argparse
import sys

from cli.common import AddCommand, confirmed
from services.data_tools import backup
from services.data_tools.cli_help import BACKUP_EPILOG
from services.data_tools.progress import CommandProgress
from services.formatting import CLI_LANGUAGE, format_datetime
from services.runtime import load_settings


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
            if not confirmed("Restore it anyway? [y/N] "):
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


def add_commands(command: AddCommand) -> None:
    """export-all and import-all."""
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
