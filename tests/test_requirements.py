"""Every third-party package the project imports is pinned (name==version) in a requirements file.

The imports are read from the source (ast), functions' own imports included; a module name is mapped
to its distribution through the installed packages' metadata (`yaml` is PyYAML's).
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    "app.py",
    "manage.py",
    "cli",
    "app_pages",
    "services",
    "db",
    "assessment",
    "questions",
    "scripts",
    "tests",
    "benchmarks",
]
FIRST_PARTY = {
    "app",
    "manage",
    "cli",
    "app_pages",
    "services",
    "db",
    "assessment",
    "questions",
    "scripts",
    "tests",
    "benchmarks",
}
REQUIREMENT_FILES = ["requirements.txt", "requirements-dev.txt", "requirements-sso.txt"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==\S+$")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(text: str) -> tuple[set[str], list[str]]:
    """The names pinned with == in a requirements file, and its lines that are neither a pin, an
    include (-r), a comment nor blank."""
    names, loose = set(), []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        match = PIN.match(line)
        if match:
            names.add(normalise(match.group(1)))
        else:
            loose.append(line)
    return names, loose


def imported_top_level(path: Path) -> set[str]:
    """Top-level names of the absolute imports in a Python file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def third_party_imports() -> dict[str, set[str]]:
    """Third-party top-level module -> the files importing it."""
    found: dict[str, set[str]] = {}
    for source in SOURCES:
        root = REPO_ROOT / source
        for path in [root] if root.is_file() else sorted(root.rglob("*.py")):
            for name in imported_top_level(path) - FIRST_PARTY - set(sys.stdlib_module_names):
                found.setdefault(name, set()).add(str(path.relative_to(REPO_ROOT)))
    return found


@pytest.mark.parametrize(
    "text, names, loose",
    [
        (
            "# comment\n-r requirements.txt\nstreamlit==1.0\npsycopg[binary]==3.3.9  # why\n",
            {"streamlit", "psycopg"},
            [],
        ),
        ("Pydantic_Settings==2.0\n", {"pydantic-settings"}, []),
        ("pandas>=2\nnumpy\n", set(), ["pandas>=2", "numpy"]),
    ],
)
def test_pins_are_read_and_loose_lines_are_told(text, names, loose):
    assert pinned(text) == (names, loose)


def test_the_requirement_files_pin_every_line():
    for name in REQUIREMENT_FILES:
        assert pinned((REPO_ROOT / name).read_text())[1] == [], f"{name} has requirements without ==version"


def test_every_third_party_import_is_pinned():
    pins: set[str] = set()
    for name in REQUIREMENT_FILES:
        pins |= pinned((REPO_ROOT / name).read_text())[0]
    distributions = packages_distributions()
    unpinned = {}
    for module, files in sorted(third_party_imports().items()):
        owners = {normalise(d) for d in distributions.get(module, [])}
        if not owners & pins:
            unpinned[module] = (sorted(owners) or ["not installed"], sorted(files)[:3])
    assert unpinned == {}, "imported but not pinned in " + ", ".join(REQUIREMENT_FILES)
