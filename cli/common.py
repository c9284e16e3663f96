"""What every admin command shares: how a command is added to the parser, errors on stderr, a yes/no question."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Protocol

Handler = Callable[[argparse.Namespace], int]


class AddCommand(Protocol):
    """manage.py's way to add a command: its name, handler and one-line summary; returns its parser."""

    def __call__(
        self,
        name: str,
        handler: Handler,
        summary: str,
        *,
        epilog: str | None = None,
        formatter_class: type[argparse.HelpFormatter] = argparse.HelpFormatter,
    ) -> argparse.ArgumentParser: ...


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


def confirmed(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False
