"""Reading a YAML file of the question bank (banks, strategies): every failure named with its file and place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import QuestionBankError


def read_text(path: str | Path, error: type[QuestionBankError]) -> tuple[str, str]:
    """(the file's text, its name for messages); `error` (a QuestionBankError) when it cannot be read."""
    source = str(path)
    try:
        return Path(path).read_text(encoding="utf-8"), source
    except FileNotFoundError:
        raise error(source, [f"{source}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(source, [f"{source}: cannot be read as UTF-8 text ({exc})"]) from None


def parse_yaml(text: str, source: str, error: type[QuestionBankError]) -> Any:
    """The YAML text's data; `error` naming the line and column when it is not valid YAML."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        raise error(source, [f"{source}: not valid YAML at {where}: {getattr(exc, 'problem', exc)}"]) from None
